import binascii
import json
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize
from odoo.tools.misc import hash_sign, verify_hash_signed

from ..tools import availability, phone
from ..tools.access import OPERATOR, check_rights, valid_id

CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("portal", "Client portal"),
]
# The signed availability link: its scope and how long it works.
LINK_SCOPE = "permanence-availability"
LINK_DAYS = 30
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
    status_ids = fields.One2many(
        comodel_name="permanence.interlocutor.status",
        inverse_name="interlocutor_id",
        string="Statuses",
    )
    current_status_id = fields.Many2one(
        comodel_name="permanence.interlocutor.status",
        compute="_compute_current_status",
        string="Current status",
    )
    current_status_label = fields.Char(
        compute="_compute_current_status", string="Status"
    )
    is_absent = fields.Boolean(
        compute="_compute_current_status",
        string="Away",
        help="A status of the interlocutor (meeting, leave...) is running now.",
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
    @api.depends(
        "availability",
        "resource_calendar_id",
        "client_id.tz",
        "status_ids.date_from",
        "status_ids.date_to",
        "status_ids.active",
    )
    def _compute_is_available(self):
        now = fields.Datetime.now()
        for interlocutor in self:
            available = (
                interlocutor.availability == "available"
                and not interlocutor._status_at(now)
            )
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

    # Time-limited statuses ---------------------------------------------------

    def _statuses_at(self, when):
        """The statuses running at ``when`` (naive UTC) of these
        interlocutors, read whatever the user may see: a status decides where
        calls and messages go."""
        # In a form being edited (the console's new call), the records are
        # new ones standing for the saved interlocutors.
        ids = [i for i in self._origin.ids if i]
        if not ids:
            return self.env["permanence.interlocutor.status"]
        return (
            self.env["permanence.interlocutor.status"]
            .sudo()
            .search(
                [
                    ("interlocutor_id", "in", ids),
                    ("date_from", "<=", when),
                    ("date_to", ">", when),
                ],
                order="date_to desc, id desc",
            )
        )

    def _status_at(self, when):
        """The status of this interlocutor running at ``when``, if any."""
        self.ensure_one()
        return self._statuses_at(when).filtered(
            lambda s: s.interlocutor_id.id == self._origin.id
        )[:1]

    @api.depends_context("lang")
    @api.depends("status_ids.date_from", "status_ids.date_to", "status_ids.active")
    def _compute_current_status(self):
        now = fields.Datetime.now()
        statuses = self._statuses_at(now)
        for interlocutor in self:
            status = statuses.filtered(
                lambda s, i=interlocutor: s.interlocutor_id.id == i._origin.id
            )[:1]
            interlocutor.current_status_id = status.id
            interlocutor.is_absent = bool(status)
            interlocutor.current_status_label = (
                status.with_env(self.env).sudo().label if status else False
            )

    def _status_refusal(self, when=None):
        """Why a call cannot go to this interlocutor now, or None."""
        self.ensure_one()
        status = self._status_at(when or fields.Datetime.now())
        if not status:
            return None
        text = availability.status_text(
            self.env,
            status.kind,
            status.date_from,
            status.date_to,
            fields.Datetime.now(),
            self.client_id.tz,
        )
        if status.replacement_id:
            return _(
                "%(name)s: %(status)s. Take a message (%(replacement)s).",
                name=self.name,
                status=text,
                replacement=availability.replacement_text(
                    self.env, status.replacement_id.name
                ),
            )
        return _("%(name)s: %(status)s. Take a message.", name=self.name, status=text)

    def _replaced(self, when=None):
        """These interlocutors as reachable at ``when``: one away with a
        replacement is replaced (once: a replacement away too keeps the
        original). Returns ``(interlocutors, [(away, replacement, status)])``."""
        when = when or fields.Datetime.now()
        statuses = self._statuses_at(when)
        # The first running status of each, and whether each replacement is
        # away too: two searches whatever the number of interlocutors.
        status_of = {}
        for status in statuses:
            status_of.setdefault(status.interlocutor_id.id, status)
        replacements = statuses.replacement_id.with_env(self.env)
        away = set(replacements._statuses_at(when).interlocutor_id.ids)
        result = self.browse()
        swaps = []
        for interlocutor in self:
            status = status_of.get(interlocutor._origin.id, statuses.browse())
            replacement = status.replacement_id.with_env(self.env)
            if replacement and replacement.active and replacement.id not in away:
                result |= replacement
                swaps.append((interlocutor, replacement, status))
            else:
                result |= interlocutor
        return result, swaps

    # The signed availability link ----------------------------------------

    def _availability_token(self, days=LINK_DAYS):
        self.ensure_one()
        return hash_sign(
            self.env(su=True),
            LINK_SCOPE,
            [self.id, self.partner_id.id],
            expiration=timedelta(days=days),
        )

    def _availability_url(self, days=LINK_DAYS):
        self.ensure_one()
        return (
            f"{self.get_base_url()}/permanence/availability/"
            f"{self._availability_token(days)}"
        )

    @api.model
    def _from_availability_token(self, token):
        """The interlocutor a signed link is for (sudo), or an empty
        recordset: forged, expired, or no longer that person."""
        empty = self.browse()
        if not token or len(token) > 512:
            return empty
        try:
            values = verify_hash_signed(self.env(su=True), LINK_SCOPE, token)
        except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
            return empty
        if not (isinstance(values, list) and len(values) == 2):
            return empty
        interlocutor_id, partner_id = values
        if not (valid_id(interlocutor_id) and valid_id(partner_id)):
            return empty
        interlocutor = self.sudo().browse(interlocutor_id).exists()
        if not interlocutor.active or interlocutor.partner_id.id != partner_id:
            return empty
        return interlocutor

    def action_send_availability_link(self):
        """Send each interlocutor their signed link (staff button)."""
        check_rights(self, "read", OPERATOR)
        sent = self.sudo()._send_availability_link()
        if not sent:
            raise UserError(
                _("The link could not be sent: no email address nor mobile number.")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Availability link sent to %s.", ", ".join(sent)),
            },
        }

    def _send_availability_link(self):
        """Send the signed link by email and SMS (when a gateway is set);
        usable by crons. Returns the names of those it was sent to."""
        sent = []
        outbox = self.env["permanence.sms.outbox"]
        for interlocutor in self:
            partner = interlocutor.partner_id
            client = interlocutor.client_id
            lang = partner.lang or client.lang or self.env.lang
            env = interlocutor.with_context(lang=lang).env
            url = interlocutor._availability_url()
            channels = []
            email = email_normalize(partner.email or "")
            if email:
                body = Markup("<p>%s</p><p><a href='%s'>%s</a></p><p>%s</p>") % (
                    env._(
                        "Hello %s, tell the answering service in one click when "
                        "you are in a meeting or away:",
                        partner.name,
                    ),
                    url,
                    env._("Set my availability"),
                    env._("This link is personal and works for %s days.", LINK_DAYS),
                )
                self.env["mail.mail"].sudo().create(
                    {
                        "subject": env._("%s: your availability", client.name or ""),
                        "body_html": body,
                        # no model/res_id: the personal link stays out of
                        # the client's chatter
                        "recipient_ids": [(4, partner.id)],
                        "email_from": client.company_id.email_formatted
                        or self.env.company.email_formatted,
                    }
                )
                channels.append(env._("email"))
            number = partner.mobile_e164 or partner.phone_e164
            if number and phone.is_mobile(number):
                text = env._(
                    "Your availability for %(client)s: %(url)s",
                    client=client.name,
                    url=url,
                )
                if outbox._queue(
                    number,
                    text,
                    record=interlocutor,
                    gateway=client.sms_gateway_id or None,
                ):
                    channels.append(env._("SMS"))
            if not channels:
                continue
            sent.append(interlocutor.name)
            chatter = interlocutor.with_context(
                lang=client.user_id.lang or client.lang or self.env.lang
            ).env
            client.message_post(
                body=chatter._(
                    "Availability link sent to %(name)s (%(channels)s).",
                    name=interlocutor.name,
                    channels=", ".join(channels),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return sent
