from odoo import fields, models


class PermanenceMessageAttempt(models.Model):
    _name = "permanence.message.attempt"
    _inherit = ["permanence.client.owned"]
    _description = "Message send attempt"
    _order = "date desc, id desc"

    delivery_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.message.delivery",
        required=True,
        ondelete="cascade",
        index=True,
    )
    message_id = fields.Many2one(
        related="delivery_id.message_id", store=True, index=True
    )
    client_id = fields.Many2one(related="delivery_id.client_id", store=True)
    company_id = fields.Many2one(related="delivery_id.company_id", store=True)
    channel = fields.Selection(related="delivery_id.channel", store=True)
    destination = fields.Char(related="delivery_id.destination", store=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    ok = fields.Boolean(string="Succeeded")
    reference = fields.Char(help="Reference given by the gateway or the server.")
    error = fields.Text()
