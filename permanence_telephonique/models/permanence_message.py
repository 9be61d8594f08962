from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, email_normalize, html2plaintext
from odoo.tools.misc import hmac as hmac_tool

from ..tools import messaging, routing
from ..tools.access import OPERATOR, check_rights
from .permanence_call_reason import URGENCIES

MESSAGE_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("acknowledged", "Acknowledged"),
    ("done", "Done"),
    ("failed", "Failed"),
]


class PermanenceMessage(models.Model):
    _name = "permanence.message"
    _description = "Message taken for a client"
    _inherit = [
        # First, so that its hooks come before mail.thread's
        "permanence.access.logged.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "permanence.phone.mixin",
        "permanence.client.owned",
    ]
    _phone_search_fields = {"caller_phone": ("caller_phone",)}
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "client_id",
        "call_id",
        "subject",
        "body",
        "answers_html",
        "caller_name",
        "caller_company",
        "caller_phone",
        "caller_email",
        "urgency",
        "callback_requested",
        "callback_before",
        "state",
        "date_sent",
        "date_acknowledged",
        "acknowledged_by",
        "create_date",
    )
    _order = "create_date desc, id desc"
    _rec_name = "subject"
    _check_company_auto = True

    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    call_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.call",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Taken by",
        default=lambda self: self.env.user,
    )
    recipient_ids = fields.Many2many(
        check_client=True,
        comodel_name="permanence.interlocutor",
        relation="permanence_message_interlocutor_rel",
        column1="message_id",
        column2="interlocutor_id",
        string="Recipients",
        domain="[('client_id', '=', client_id)]",
    )
    caller_name = fields.Char(string="Caller name")
    caller_company = fields.Char(string="Caller company")
    caller_phone = fields.Char(string="Caller phone")
    caller_phone_display = fields.Char(
        string="Caller number",
        compute="_compute_caller_phone_display",
        help="The caller's number as the client reads it (national format).",
    )
    caller_email = fields.Char(string="Caller email")
    subject = fields.Char(
        compute="_compute_subject", store=True, readonly=False, tracking=True
    )
    subject_is_auto = fields.Boolean(
        default=True,
        help="The subject follows the caller until the operator writes one.",
    )
    body = fields.Html(string="Message", sanitize_style=True)
    answers_html = fields.Html(
        string="Script answers", compute="_compute_answers_html", sanitize=True
    )
    urgency = fields.Selection(
        selection=URGENCIES, default="normal", required=True, tracking=True
    )
    callback_requested = fields.Boolean(string="Callback requested")
    callback_before = fields.Datetime(string="Call back before")
    state = fields.Selection(
        selection=MESSAGE_STATES,
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_sent = fields.Datetime(string="Sent on", readonly=True, copy=False)
    date_acknowledged = fields.Datetime(
        string="Acknowledged on", readonly=True, copy=False
    )
    acknowledged_by = fields.Char(readonly=True, copy=False)
    date_done = fields.Datetime(string="Done on", readonly=True, copy=False)
    mail_subject = fields.Char(compute="_compute_mail_subject")
    delivery_ids = fields.One2many(
        comodel_name="permanence.message.delivery",
        inverse_name="message_id",
        string="Deliveries",
    )
    delivery_summary = fields.Char(
        string="Delivery", compute="_compute_delivery_summary"
    )
    escalation_level = fields.Integer(readonly=True, copy=False)
    escalation_due_at = fields.Datetime(
        string="Escalates at", readonly=True, copy=False, index="btree_not_null"
    )
    anonymised_date = fields.Datetime(
        string="Anonymised on",
        readonly=True,
        copy=False,
        groups="permanence_telephonique.group_permanence_supervisor",
        help="The caller's data and the text were erased on this date.",
    )

    def init(self):
        res = super().init()
        # The purge finds the expired messages of a client without a scan
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS permanence_message_retention_idx "
            "ON permanence_message (client_id, create_date, id) "
            "WHERE anonymised_date IS NULL"
        )
        return res

    def _auto_subject(self, caller_name, callback_requested):
        """The subject proposed from the caller, in the client's language."""
        self.ensure_one()
        env = self.with_context(lang=self.client_id.lang or self.env.lang).env
        subject = env._("Message from %s", caller_name or env._("an unknown caller"))
        if callback_requested:
            subject = env._("%s — callback requested", subject)
        return subject

    @api.depends("caller_name", "callback_requested", "client_id")
    def _compute_subject(self):
        for message in self:
            if message.subject and not message.subject_is_auto:
                continue  # written by the operator: keep it
            message.subject = message._auto_subject(
                message.caller_name, message.callback_requested
            )

    @api.onchange("subject")
    def _onchange_subject(self):
        self.subject_is_auto = not self.subject or self.subject == self._auto_subject(
            self.caller_name, self.callback_requested
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("subject") and "subject_is_auto" not in vals:
                vals["subject_is_auto"] = False
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("subject") and "subject_is_auto" not in vals:
            vals = dict(vals, subject_is_auto=False)
        return super().write(vals)

    @api.depends("caller_phone", "client_id")
    def _compute_caller_phone_display(self):
        for message in self:
            client = message.client_id.sudo()
            country = (
                client.partner_id.country_id
                or message.company_id.country_id
                or self._phone_country()
            )
            message.caller_phone_display = self._phone_display(
                message.caller_phone, country
            )

    @api.depends("subject", "client_id.name")
    def _compute_mail_subject(self):
        for message in self:
            message.mail_subject = messaging.mail_subject(
                message.client_id.name, message.subject
            )

    @api.depends("call_id.answer_ids.value_display")
    @api.depends_context("lang")
    def _compute_answers_html(self):
        for message in self:
            answers = message.call_id.answer_ids.filtered("is_answered")
            if not answers:
                message.answers_html = False
                continue
            rows = Markup("").join(
                Markup("<li><strong>%s</strong> %s</li>")
                % (answer.question, answer._value_for_reader())
                for answer in answers
            )
            message.answers_html = Markup("<ul>%s</ul>") % rows

    def _check_sendable(self):
        labels = {
            "recipient": _("a recipient"),
            "subject": _("a subject"),
            "contact": _("a phone number or an email to reach the caller"),
        }
        for message in self:
            missing = messaging.missing_for_sending(
                len(message.recipient_ids),
                message.subject,
                message.caller_phone,
                message.caller_email,
            )
            if missing:
                raise UserError(
                    _(
                        "The message cannot be sent yet: it needs %s.",
                        ", ".join(labels[key] for key in missing),
                    )
                )
            if message.client_id.state not in ("test", "active"):
                raise UserError(
                    message.call_id.client_warning
                    or _("Messages are only sent for accounts in test or active.")
                )

    def _mail_template(self):
        self.ensure_one()
        return self.client_id.sudo().message_template_id or self.env.ref(
            "permanence_telephonique.mail_template_permanence_message"
        )

    def _recipient_channel(self, interlocutor):
        """The channel ``interlocutor`` gets this message by, now."""
        self.ensure_one()
        client = self.client_id
        quiet = routing.in_quiet_hours(
            client._local_now().time(),
            routing.float_to_time(client.quiet_hours_start),
            routing.float_to_time(client.quiet_hours_end),
        )
        return routing.channel_for(
            interlocutor.message_channel,
            interlocutor.urgent_channel,
            self.urgency,
            quiet,
        )

    def action_send(self):
        """Validate the message and plan its deliveries.

        Nothing leaves in the operator's transaction: the deliveries are
        written with the message, and the delivery cron, triggered now, sends
        them once this transaction commits.
        """
        check_rights(self, "write", OPERATOR)
        messages = self.filtered(lambda m: m.state in ("draft", "failed"))
        messages._check_sendable()
        delivery_model = self.env["permanence.message.delivery"]
        now = fields.Datetime.now()
        for message in messages:
            deliveries, notes = delivery_model._plan(
                message, message.recipient_ids, message._recipient_channel
            )
            if not deliveries:
                raise UserError(
                    _(
                        "The message cannot be sent: none of its recipients "
                        "can be reached. %s",
                        " ".join(notes),
                    )
                )
            summary = ", ".join(
                f"{d.interlocutor_id.name or _('client system')} "
                f"({dict(d._fields['channel']._description_selection(self.env))[d.channel]})"
                for d in deliveries
            )
            message.message_post(
                body=_("Message sent to %s.", summary)
                + (" " + " ".join(notes) if notes else "")
            )
            delay = message.client_id._escalation_delay(message.urgency)
            message.write(
                {
                    "state": "sent",
                    "date_sent": now,
                    "escalation_level": 0,
                    "escalation_due_at": delay and now + delay,
                }
            )
        if messages:
            delivery_model._trigger()
        return True

    def _mark_failed(self, delivery):
        """No channel could deliver: a person must act."""
        self.ensure_one()
        if self.state in ("sent", "draft"):
            self.sudo().write({"state": "failed"})
        responsible = self.client_id.user_id or self.env.ref("base.user_admin")
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=responsible.id,
            summary=_("Message not delivered"),
            note=_(
                "The message could not be delivered to %(to)s: %(error)s",
                to=delivery.interlocutor_id.name or delivery.destination,
                error=delivery.last_error,
            ),
        )

    @api.depends("delivery_ids.state")
    def _compute_delivery_summary(self):
        for message in self:
            deliveries = message.delivery_ids
            if not deliveries:
                message.delivery_summary = False
                continue
            sent = len(deliveries.filtered(lambda d: d.state == "sent"))
            failed = len(deliveries.filtered(lambda d: d.state == "failed"))
            summary = _(
                "%(sent)s of %(total)s delivered", sent=sent, total=len(deliveries)
            )
            if failed:
                summary += _(", %s failed", failed)
            message.delivery_summary = summary

    def _ack_token(self, interlocutor):
        self.ensure_one()
        return hmac_tool(
            self.env(su=True), "permanence-ack", (self.id, interlocutor.id or 0)
        )

    def _ack_url(self, interlocutor):
        self.ensure_one()
        base = self.get_base_url()
        return (
            f"{base}/permanence/ack/{self.id}/{interlocutor.id or 0}/"
            f"{self._ack_token(interlocutor)}"
        )

    def _read_token(self, interlocutor):
        self.ensure_one()
        return hmac_tool(
            self.env(su=True), "permanence-read", (self.id, interlocutor.id or 0)
        )

    def _read_url(self, interlocutor):
        """The signed link of a content-free notice: it opens the message."""
        self.ensure_one()
        return (
            f"{self.get_base_url()}/permanence/message/{self.id}/"
            f"{interlocutor.id or 0}/{self._read_token(interlocutor)}"
        )

    def _check_read_token(self, interlocutor_id, token):
        self.ensure_one()
        interlocutor = self.env["permanence.interlocutor"].browse(interlocutor_id)
        return consteq(self._read_token(interlocutor), token or "")

    def _content_free(self):
        """Whether this message leaves as a content-free notice."""
        self.ensure_one()
        return self.client_id.sudo().content_free_notice

    def _notice_subject(self):
        env = self.with_context(lang=self.client_id.sudo().lang or self.env.lang).env
        return env._("New message from the answering service")

    def _notice_text(self, interlocutor):
        """The whole text of a content-free email or SMS."""
        env = self.with_context(lang=self.client_id.sudo().lang or self.env.lang).env
        return env._(
            "New message from the answering service — open: %(link)s",
            link=self._read_url(interlocutor),
        )

    def _check_ack_token(self, interlocutor_id, token):
        self.ensure_one()
        interlocutor = self.env["permanence.interlocutor"].browse(interlocutor_id)
        return consteq(self._ack_token(interlocutor), token or "")

    def _webhook_payload(self):
        """The JSON a client's own system receives (documented in README)."""
        self.ensure_one()
        call = self.call_id
        return {
            "event": "message",
            "id": self.id,
            "client": {"id": self.client_id.id, "code": self.client_id.code},
            "subject": self.subject,
            "body": html2plaintext(self.body or ""),
            "urgency": self.urgency,
            "caller": {
                "name": self.caller_name or "",
                "company": self.caller_company or "",
                "phone": self.caller_phone or "",
                "email": self.caller_email or "",
            },
            "callback_requested": self.callback_requested,
            "callback_before": self.callback_before
            and self.callback_before.isoformat() + "Z",
            "call": {
                "id": call.id or None,
                "reference": call.name or None,
                "reason": call.reason_id.name or None,
                "started_at": call.date_start and call.date_start.isoformat() + "Z",
                "answers": [
                    {"question": a.question, "answer": a.value_display}
                    for a in call.answer_ids.filtered("is_answered")
                ],
            },
            "recipients": [
                {"name": r.name, "email": r.email or ""} for r in self.recipient_ids
            ],
            "taken_by": self.user_id.name or "",
            "created_at": self.create_date and self.create_date.isoformat() + "Z",
        }

    def _message_receive_bounce(self, email, partner):
        """A bounced email: its delivery failed; fall back to the next channel."""
        res = super()._message_receive_bounce(email, partner)
        normalized = email_normalize(email or "")
        for message in self:
            deliveries = message.sudo().delivery_ids.filtered(
                lambda d: (
                    d.channel == "email"
                    and d.state == "sent"
                    and email_normalize(d.destination or "") == normalized
                )
            )
            for delivery in deliveries:
                delivery.write(
                    {"state": "failed", "last_error": _("Bounced: %s", email)}
                )
                delivery._on_failed()
        return res

    # Escalation --------------------------------------------------------------

    @api.model
    def _cron_escalate(self, limit=100):
        due = self.sudo().search(
            [
                ("state", "=", "sent"),
                ("escalation_due_at", "!=", False),
                ("escalation_due_at", "<=", fields.Datetime.now()),
            ],
            limit=limit,
            order="escalation_due_at",
        )
        batch = self.env["permanence.batch"]
        for message in due:
            with batch._row("_escalation_set_aside", message):
                message._escalate_step()
        return len(due)

    def _escalation_set_aside(self, error):
        """An unexpected error stopped the escalation of these messages
        (called apart from the batch): it stops here, and the account
        manager is asked to follow up by hand."""
        self.write({"escalation_due_at": False})
        for message in self:
            note = message.env._(
                "The escalation stopped on an unexpected error: %s", error
            )
            message.message_post(body=note)
            responsible = message.client_id.user_id or message.env.ref(
                "base.user_admin"
            )
            message.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=responsible.id,
                summary=message.env._("Escalation stopped: follow up by hand"),
                note=note,
            )

    def _escalate_step(self):
        """One step of the escalation of an unacknowledged message: the next
        channel, then the next interlocutor, then the supervisor."""
        self.ensure_one()
        delivery_model = self.env["permanence.message.delivery"].sudo()
        level = self.escalation_level + 1
        if level == 1:
            used = {d.interlocutor_id.id: d.channel for d in self.delivery_ids}
            planned, __ = delivery_model._plan(
                self,
                self.recipient_ids,
                lambda i: routing.FALLBACK.get(used.get(i.id), "email"),
            )
            body = _("Not acknowledged: sent again by another channel.")
        elif level == 2:
            nexts = self.client_id.interlocutor_ids.filtered(
                lambda i: i.receives_messages and i not in self.recipient_ids
            )[:1]
            planned = delivery_model.browse()
            if nexts:
                self.sudo().recipient_ids = [(4, nexts.id)]
                planned, __ = delivery_model._plan(
                    self, nexts, lambda i: i.urgent_channel
                )
                body = _("Not acknowledged: sent to %s.", nexts.name)
            else:
                body = _("Not acknowledged: no other interlocutor to try.")
        else:
            responsible = self.client_id.user_id or self.env.ref("base.user_admin")
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=responsible.id,
                summary=_("Urgent message not acknowledged"),
                note=_("Nobody acknowledged the message “%s”.", self.subject),
            )
            planned = delivery_model.browse()
            body = _("Not acknowledged: escalated to %s.", responsible.name)
        delay = self.client_id._escalation_delay(self.urgency)
        self.write(
            {
                "escalation_level": level,
                "escalation_due_at": (
                    fields.Datetime.now() + delay if delay and level < 3 else False
                ),
            }
        )
        self.message_post(body=body)
        if planned:
            delivery_model._trigger()

    def action_send_and_close(self):
        self.action_send()
        self.call_id.filtered(lambda c: c.state != "done")._finish("message")
        return self.call_id._closing_script_action(
            {"type": "ir.actions.act_window_close"}
        )

    def action_acknowledge(self, by=None):
        now = fields.Datetime.now()
        for message in self.filtered(lambda m: m.state == "sent"):
            message.message_post(
                body=_("Acknowledged by %s.", by or self.env.user.name)
            )
            message.write(
                {
                    "state": "acknowledged",
                    "date_acknowledged": now,
                    "acknowledged_by": by or self.env.user.name,
                    "escalation_due_at": False,
                }
            )
        return True

    def action_done(self):
        self.filtered(lambda m: m.state in ("sent", "acknowledged")).write(
            {"state": "done", "date_done": fields.Datetime.now()}
        )
        return True

    def action_reset_draft(self):
        self.filtered(lambda m: m.state == "failed").write({"state": "draft"})
        return True
