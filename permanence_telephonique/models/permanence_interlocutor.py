from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import phone

CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("portal", "Client portal"),
]
AVAILABILITIES = [
    ("available", "Available"),
    ("busy", "Busy"),
    ("absent", "Absent"),
]


class PermanenceInterlocutor(models.Model):
    _name = "permanence.interlocutor"
    _inherit = ["permanence.client.owned", "permanence.phone.mixin"]
    _description = "Client interlocutor"
    _phone_search_fields = {"transfer_number": ("transfer_number",)}
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "client_id",
        "partner_id",
        "name",
        "role",
        "availability",
        "sequence",
        "active",
    )
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
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Contact",
        required=True,
        ondelete="restrict",
        index=True,
    )
    name = fields.Char(related="partner_id.name", store=True)
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")
    mobile = fields.Char(related="partner_id.mobile")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    role = fields.Char(help="e.g. Associate, Practitioner, Site manager")
    receives_messages = fields.Boolean(
        default=True,
        help="Proposed as a recipient when a message is taken.",
    )
    transfer_allowed = fields.Boolean(string="Calls may be transferred")
    transfer_number = fields.Char(
        help="Number to transfer calls to, stored in E.164.",
    )
    availability = fields.Selection(
        selection=AVAILABILITIES, default="available", required=True
    )
    availability_note = fields.Char(
        string="When available",
        help="e.g. Mornings only, in court on Thursdays",
    )
    resource_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working hours",
        help="When set, the interlocutor is shown available only in these hours.",
    )
    is_available = fields.Boolean(
        compute="_compute_is_available", string="Available now"
    )
    message_channel = fields.Selection(
        selection=CHANNELS,
        string="Channel for messages",
        default="email",
        required=True,
    )
    urgent_channel = fields.Selection(
        selection=CHANNELS,
        string="Channel for urgent messages",
        default="sms",
        required=True,
    )

    _sql_constraints = [
        (
            "partner_client_uniq",
            "unique(client_id, partner_id)",
            "This contact is already an interlocutor of the client.",
        ),
    ]

    @api.depends_context("uid")
    @api.depends("availability", "resource_calendar_id", "client_id.tz")
    def _compute_is_available(self):
        now = fields.Datetime.now()
        for interlocutor in self:
            available = interlocutor.availability == "available"
            if available and interlocutor.resource_calendar_id:
                available = interlocutor.client_id._is_in_business_hours(
                    now, interlocutor.resource_calendar_id
                )
            interlocutor.is_available = available

    @api.constrains("transfer_allowed", "transfer_number", "partner_id")
    def _check_transfer_number(self):
        for interlocutor in self:
            if interlocutor.transfer_allowed and not (
                interlocutor.transfer_number
                or interlocutor.partner_id.mobile
                or interlocutor.partner_id.phone
            ):
                raise ValidationError(
                    _(
                        "%s may receive transferred calls but has no number to "
                        "transfer to.",
                        interlocutor.partner_id.display_name,
                    )
                )

    def _normalize_vals(self, vals, client):
        if vals.get("transfer_number"):
            vals["transfer_number"] = self.env["permanence.client.number"]._normalize(
                vals["transfer_number"], client
            )
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        client_model = self.env["permanence.client"]
        for vals in vals_list:
            if vals.get("transfer_number"):
                self._normalize_vals(vals, client_model.browse(vals["client_id"]))
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("transfer_number"):
            for record in self:
                super(PermanenceInterlocutor, record).write(
                    self._normalize_vals(dict(vals), record.client_id)
                )
            return True
        return super().write(vals)

    def _transfer_target(self):
        """The number a transfer goes to: the dedicated one, else mobile/phone."""
        self.ensure_one()
        country = self.client_id.partner_id.country_id or self.env.ref("base.fr")
        return self.transfer_number or phone.try_e164(
            self.partner_id.mobile or self.partner_id.phone,
            country.code,
            country.phone_code,
        )
