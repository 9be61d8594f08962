from odoo import fields, models

ACTIONS = [
    ("message", "Take a message"),
    ("transfer", "Transfer"),
    ("appointment", "Book an appointment"),
    ("information", "Give information"),
    ("escalate", "Escalate"),
]
URGENCIES = [
    ("normal", "Normal"),
    ("urgent", "Urgent"),
    ("critical", "Critical"),
]


class PermanenceCallReason(models.Model):
    _name = "permanence.call.reason"
    _inherit = ["permanence.client.owned"]
    _description = "Call reason"
    _order = "client_id, sequence, id"

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
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    instructions = fields.Html(sanitize_style=True)
    action = fields.Selection(
        selection=ACTIONS,
        string="Expected action",
        default="message",
        required=True,
    )
    urgency = fields.Selection(
        selection=URGENCIES, string="Default urgency", default="normal", required=True
    )
    interlocutor_ids = fields.Many2many(
        check_client=True,
        comodel_name="permanence.interlocutor",
        relation="permanence_call_reason_interlocutor_rel",
        column1="reason_id",
        column2="interlocutor_id",
        string="Recipients",
        domain="[('client_id', '=', client_id)]",
        help="Who receives the messages taken for this reason. When empty, "
        "the client's interlocutors who receive messages.",
    )
    question_ids = fields.One2many(
        comodel_name="permanence.script.question",
        inverse_name="reason_id",
        string="Qualification questions",
    )
