from odoo import fields, models

ATTEMPT_CHANNELS = [
    ("call", "Phone call"),
    ("sms", "SMS"),
    ("email", "Email"),
    ("fallback", "Fallback"),
]
ATTEMPT_RESULTS = [
    ("pending", "Waiting for an answer"),
    ("accepted", "Reached / accepted"),
    ("acknowledged", "Acknowledged by link"),
    ("no_answer", "No answer"),
    ("refused", "Refused"),
    ("timeout", "No answer in time"),
    ("failed", "Could not be done"),
    ("fallback", "Fallback applied"),
    ("cancelled", "Cancelled"),
]


class PermanenceEmergencyAttempt(models.Model):
    """One line of an emergency's timeline: one try to reach one person
    by one channel, with its time and result."""

    _name = "permanence.emergency.attempt"
    _inherit = ["permanence.client.owned"]
    _description = "Emergency attempt"
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "emergency_id",
        "client_id",
        "channel",
        "interlocutor_id",
        "date_start",
        "date_end",
        "result",
    )
    _order = "emergency_id, date_start, id"

    emergency_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.emergency",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(
        related="emergency_id.client_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="emergency_id.company_id", store=True, index=True, precompute=True
    )
    step_id = fields.Many2one(
        check_client=True, comodel_name="permanence.emergency.step", ondelete="set null"
    )
    channel = fields.Selection(selection=ATTEMPT_CHANNELS, required=True)
    interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        string="Person",
        ondelete="set null",
    )
    destination = fields.Char(help="Number or email used.")
    date_start = fields.Datetime(
        string="Time", default=fields.Datetime.now, required=True
    )
    date_end = fields.Datetime(string="Ended")
    result = fields.Selection(
        selection=ATTEMPT_RESULTS, default="pending", required=True, index=True
    )
    message_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.message",
        string="Message sent",
        ondelete="set null",
        index="btree_not_null",
    )
    message_state = fields.Selection(related="message_id.state")
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Operator",
        default=lambda self: self.env.user,
    )
    note = fields.Char()
