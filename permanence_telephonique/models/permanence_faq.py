from odoo import fields, models


class PermanenceFaq(models.Model):
    _name = "permanence.faq"
    _inherit = ["permanence.client.owned"]
    _description = "Client FAQ entry"
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "client_id",
        "sequence",
        "question",
        "answer",
    )
    _order = "client_id, sequence, id"
    _rec_name = "question"

    client_id = fields.Many2one(
        comodel_name="permanence.client",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    question = fields.Char(required=True)
    answer = fields.Text(required=True)
