from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    permanence_caller_client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Caller of",
        help="Made from a call sheet for a booking of this client account: "
        "for a confidential client, only the people allowed on it see it.",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        copy=False,
        groups="permanence_telephonique.group_permanence_operator",
    )
