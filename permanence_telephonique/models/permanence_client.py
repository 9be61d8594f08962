import secrets
from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext

from ..tools import coverage, diff, figures, retention
from ..tools.access import SUPERVISOR, check_rights

MANAGER_GROUP = "permanence_telephonique.group_permanence_manager"
SECTORS = [
    ("medical", "Medical / health"),
    ("legal", "Legal"),
    ("architecture", "Architecture / consulting"),
    ("trades", "Trades / craftsmen"),
    ("sme", "SME"),
    ("other", "Other"),
]
STATES = [
    ("onboarding", "Onboarding"),
    ("test", "Test phase"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("closed", "Closed"),
]
COVERAGE_MODES = [
    ("always", "24/7"),
    ("business_hours", "Business hours"),
    ("overflow", "Overflow only"),
    ("after_hours", "After hours only"),
    ("custom", "Custom hours"),
]
# States in which the operators take calls for the client.
ANSWERING_STATES = ("test", "active")


class PermanenceClient(models.Model):
    _name = "permanence.client"
    _description = "Client account"
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "name",
        "code",
        "active",
        "partner_id",
        "state",
        "tz",
        "instructions",
    )
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short reference of the account, unique per company.",
    )
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Client company",
        required=True,
        ondelete="restrict",
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Account manager",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    lang = fields.Selection(
        selection="_get_lang_selection",
        string="Language",
        default=lambda self: self.env.lang,
    )
    sector = fields.Selection(selection=SECTORS, default="sme", required=True)
    confidential = fields.Boolean(
        tracking=True,
        help="Health or other sensitive data: only the operators listed may "
        "handle this client's calls and messages.",
    )
    content_free_notice = fields.Boolean(
        string="Content-free notices",
        compute="_compute_content_free_notice",
        store=True,
        readonly=False,
        help="Emails and SMS only say that a message is waiting, with a signed "
        "link: the content is shown once the link is opened. On by default for "
        "confidential clients.",
    )
    notice_requires_login = fields.Boolean(
        string="Open notices after portal login",
        help="The link of a content-free notice leads to the client portal: the "
        "content is shown after the recipient logs in.",
    )
    allowed_operator_ids = fields.Many2many(
        comodel_name="res.users",
        relation="permanence_client_allowed_operator_rel",
        column1="client_id",
        column2="user_id",
        string="Allowed operators",
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(
        selection=STATES,
        default="onboarding",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    # Onboarding audit
    audit_call_volume = fields.Integer(
        string="Expected calls per month",
    )
    audit_call_types = fields.Text(string="Call types")
    audit_key_interlocutors = fields.Text(string="Key interlocutors")
    audit_objectives = fields.Text(string="Objectives")
    # Scripts and instructions
    greeting_script = fields.Text(
        string="Greeting script",
        translate=False,
        help='What the operator says on pick-up, e.g. "Cabinet Martin, '
        'bonjour, Claire à votre écoute".',
    )
    closing_script = fields.Text()
    # Not tracked: mail cannot track html; a change is noted in the chatter
    # with its lines (see write).
    instructions = fields.Html(
        sanitize_style=True,
        help="How the client wants calls handled (consignes).",
    )
    faq_ids = fields.One2many(
        comodel_name="permanence.faq", inverse_name="client_id", string="FAQ"
    )
    reason_ids = fields.One2many(
        comodel_name="permanence.call.reason",
        inverse_name="client_id",
        string="Call reasons",
    )
    number_ids = fields.One2many(
        comodel_name="permanence.client.number",
        inverse_name="client_id",
        string="Numbers",
    )
    interlocutor_ids = fields.One2many(
        comodel_name="permanence.interlocutor",
        inverse_name="client_id",
        string="Interlocutors",
    )
    filter_rule_ids = fields.One2many(
        comodel_name="permanence.filter.rule",
        inverse_name="client_id",
        string="Filtering rules",
    )
    oncall_rota_ids = fields.One2many(
        comodel_name="permanence.oncall.rota",
        inverse_name="client_id",
        string="On-call rotas",
    )
    emergency_protocol_ids = fields.One2many(
        comodel_name="permanence.emergency.protocol",
        inverse_name="client_id",
        string="Emergency protocols",
    )
    # Coverage
    service_period_ids = fields.One2many(
        comodel_name="permanence.service.period",
        inverse_name="client_id",
        string="Service periods",
        help="Periods the client switched the service on or off (lunch break, "
        "leave, unplanned absence).",
    )
    coverage_mode = fields.Selection(
        selection=COVERAGE_MODES, default="business_hours", required=True
    )
    resource_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Coverage hours",
        check_company=True,
        help="Weekly time ranges and dated closures, in the client's time zone.",
    )
    service_target = fields.Integer(
        string="Answer-time target (s)",
        default=figures.DEFAULT_TARGET_SECONDS,
        help="Calls answered within this many seconds count in the service level. "
        "Each call keeps the target in force when it came in.",
    )
    tz = fields.Selection(
        selection="_get_tz_selection",
        string="Time zone",
        default=lambda self: self.env.user.tz or "Europe/Paris",
        required=True,
    )
    closure_ids = fields.One2many(
        related="resource_calendar_id.global_leave_ids",
        string="Closures and holidays",
        readonly=False,
    )
    # Transmission
    sms_gateway_id = fields.Many2one(
        comodel_name="permanence.sms.gateway",
        string="SMS gateway",
        check_company=True,
        help="Leave empty to use the company's first gateway.",
    )
    message_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="Message email template",
        domain="[('model', '=', 'permanence.message')]",
        help="Leave empty for the standard template.",
    )
    webhook_url = fields.Char(
        string="Webhook URL",
        help="Each message is also POSTed as JSON to this address of the "
        "client's own system (CRM, ticketing), signed with the secret.",
    )
    webhook_secret = fields.Char(
        groups="permanence_telephonique.group_permanence_manager",
        copy=False,
        help="Secret of the HMAC-SHA256 signature (header X-Permanence-Signature).",
    )
    quiet_hours_start = fields.Float(
        default=21.0, help="From this hour, no SMS except for critical messages."
    )
    quiet_hours_end = fields.Float(default=8.0)
    escalation_delay_critical = fields.Integer(
        string="Escalate critical after (min)", default=10
    )
    escalation_delay_urgent = fields.Integer(
        string="Escalate urgent after (min)", default=30
    )
    escalation_delay_normal = fields.Integer(
        string="Escalate normal after (min)",
        default=0,
        help="0: normal messages do not escalate.",
    )
    daily_digest = fields.Boolean(
        help="Send the client one email a day listing the day's messages and calls."
    )
    # Counters
    call_count = fields.Integer(compute="_compute_counts")
    message_count = fields.Integer(compute="_compute_counts")
    number_count = fields.Integer(compute="_compute_counts")
    can_take_calls = fields.Boolean(compute="_compute_can_take_calls")
    # Billing
    subscription_ids = fields.One2many(
        comodel_name="permanence.subscription",
        inverse_name="client_id",
        string="Subscriptions",
    )
    usage_summary = fields.Char(
        string="Package usage", compute="_compute_usage_summary"
    )
    usage_percent = fields.Float(
        string="Package used (%)", compute="_compute_usage_summary"
    )
    # Monthly activity report (permanence.activity.report)
    activity_report_recipient_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="permanence_client_activity_report_partner_rel",
        column1="client_id",
        column2="partner_id",
        string="Monthly report recipients",
        help="Who receives the monthly activity report by email.",
    )
    activity_report_ids = fields.One2many(
        comodel_name="permanence.activity.report",
        inverse_name="client_id",
        string="Monthly reports",
        groups="permanence_telephonique.group_permanence_supervisor",
    )
    # Retention (CNIL): how long personal data is kept, in months (0: forever)
    retention_call_months = fields.Integer(
        string="Call sheets (months)",
        default=retention.DEFAULT_MONTHS["call"],
        groups=MANAGER_GROUP,
        tracking=True,
        help="After this, call sheets are anonymised: the caller's name, "
        "number, email, notes and answers are erased; date, duration and "
        "outcome stay for billing and statistics.",
    )
    retention_message_months = fields.Integer(
        string="Messages (months)",
        default=retention.DEFAULT_MONTHS["message"],
        groups=MANAGER_GROUP,
        tracking=True,
    )
    retention_recording_months = fields.Integer(
        string="Recording links (months)",
        default=retention.DEFAULT_MONTHS["recording"],
        groups=MANAGER_GROUP,
        tracking=True,
    )
    retention_payload_months = fields.Integer(
        string="Delivery contents and telephony events (months)",
        default=retention.DEFAULT_MONTHS["payload"],
        groups=MANAGER_GROUP,
        tracking=True,
        help="Texts sent by SMS, email and webhook, gateway answers and the "
        "bodies of telephony events.",
    )
    retention_access_log_months = fields.Integer(
        string="Access log (months)",
        default=retention.DEFAULT_MONTHS["access_log"],
        groups=MANAGER_GROUP,
        tracking=True,
    )
    legal_hold = fields.Boolean(
        groups=MANAGER_GROUP,
        tracking=True,
        help="Nothing of this client is purged while set (litigation, "
        "request of an authority).",
    )
    retention_run_ids = fields.One2many(
        comodel_name="permanence.retention.run",
        inverse_name="client_id",
        string="Purges",
        groups=MANAGER_GROUP,
    )
    retention_last_purge = fields.Datetime(
        string="Last purge",
        compute="_compute_retention_register",
        groups=MANAGER_GROUP,
    )
    retention_register_html = fields.Html(
        string="Register",
        compute="_compute_retention_register",
        groups=MANAGER_GROUP,
        sanitize=False,
    )

    _sql_constraints = [
        (
            "retention_months_positive",
            "CHECK(retention_call_months >= 0 AND retention_message_months >= 0 "
            "AND retention_recording_months >= 0 AND retention_payload_months >= 0 "
            "AND retention_access_log_months >= 0)",
            "Retention periods cannot be negative.",
        ),
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "The client code must be unique per company.",
        ),
    ]

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.model
    def _get_tz_selection(self):
        return [(tz, tz) for tz in pytz.common_timezones]

    @api.depends("state")
    def _compute_can_take_calls(self):
        for client in self:
            client.can_take_calls = client.state in ANSWERING_STATES

    def _compute_counts(self):
        counts = {}
        for model in ("permanence.call", "permanence.message"):
            groups = self.env[model]._read_group(
                [("client_id", "in", self.ids)], ["client_id"], ["__count"]
            )
            counts[model] = {client.id: count for client, count in groups}
        for client in self:
            client.call_count = counts["permanence.call"].get(client.id, 0)
            client.message_count = counts["permanence.message"].get(client.id, 0)
            client.number_count = len(client.number_ids)

    def _compute_usage_summary(self):
        usage = self.env["permanence.subscription"].sudo()._client_usage(self)
        for client in self:
            client.usage_summary, client.usage_percent = usage.get(
                client.id, (False, 0.0)
            )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for client in self:
            client.display_name = (
                f"[{client.code}] {client.name}" if client.code else client.name
            )

    @api.model
    def _search_display_name(self, operator, value):
        """Find an account by name, code or one of its numbers (DID)."""
        domain = super()._search_display_name(operator, value)
        if operator in ("ilike", "=ilike", "=") and value:
            number_domain = [("number_ids.number", "ilike", value)]
            e164 = self.env["permanence.client.number"]._normalize_any(value)
            if e164:
                number_domain = [("number_ids.number", "=", e164)]
            domain = ["|", "|", ("code", operator, value)] + number_domain + domain
        return domain

    # Lifecycle -------------------------------------------------------------

    def _set_state(self, allowed_from, target):
        for client in self:
            if client.state not in allowed_from:
                raise UserError(
                    _(
                        "The account %(client)s is %(state)s: it cannot go to "
                        "%(target)s from there.",
                        client=client.display_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[client.state],
                        target=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[target],
                    )
                )
        self.write({"state": target})
        if target in ("suspended", "closed"):
            # Billed up to today only.
            self.env["permanence.subscription"].sudo()._on_client_stopped(self)
        if target == "closed":
            # A closed account frees its numbers for another client.
            self.number_ids.action_archive()

    @api.constrains("service_target")
    def _check_service_target(self):
        for client in self:
            if not 1 <= client.service_target <= 600:
                raise ValidationError(
                    _("The answer-time target must be between 1 and 600 seconds.")
                )

    def _check_emergency_configuration(self):
        """On-call rotas and emergency protocols must hold before going live."""
        errors = self.oncall_rota_ids._emergency_config_errors()
        errors += self.emergency_protocol_ids._emergency_config_errors()
        if errors:
            raise UserError("\n".join(errors))

    @api.depends("confidential")
    def _compute_content_free_notice(self):
        for client in self:
            client.content_free_notice = client.confidential

    def action_start_test(self):
        check_rights(self, "write", SUPERVISOR)
        self._check_emergency_configuration()
        for client in self:
            if not client.number_ids:
                raise UserError(
                    _(
                        "The account %s has no number yet: add the number "
                        "forwarded to us before the test phase.",
                        client.display_name,
                    )
                )
            if not client.greeting_script:
                raise UserError(
                    _(
                        "The account %s has no greeting script yet.",
                        client.display_name,
                    )
                )
        self._set_state(("onboarding",), "test")

    def action_activate(self):
        check_rights(self, "write", SUPERVISOR)
        self._check_emergency_configuration()
        self._set_state(("onboarding", "test", "suspended"), "active")

    def action_suspend(self):
        check_rights(self, "write", SUPERVISOR)
        self._set_state(("test", "active"), "suspended")

    def action_close(self):
        check_rights(self, "write", SUPERVISOR)
        self._set_state(("onboarding", "test", "active", "suspended"), "closed")

    def action_reopen(self):
        check_rights(self, "write", SUPERVISOR)
        self._set_state(("closed",), "onboarding")

    # Transmission ----------------------------------------------------------

    def _local_now(self):
        self.ensure_one()
        return pytz.utc.localize(fields.Datetime.now()).astimezone(
            pytz.timezone(self.tz or "UTC")
        )

    def _escalation_delay(self, urgency):
        """Delay before an unacknowledged message of ``urgency`` escalates."""
        self.ensure_one()
        minutes = self[f"escalation_delay_{urgency}"]
        return timedelta(minutes=minutes) if minutes > 0 else None

    def action_generate_webhook_secret(self):
        check_rights(self, "write", SUPERVISOR)
        for client in self:
            client.sudo().webhook_secret = secrets.token_hex(32)
        return True

    @api.model
    def _cron_send_digest(self):
        """The daily digest: one email per client listing the last day."""
        since = fields.Datetime.now() - timedelta(days=1)
        template = self.env.ref(
            "permanence_telephonique.mail_template_permanence_digest"
        )
        # A client with content-free notices gets no digest: it would list
        # the subjects and callers its notices keep out of mailboxes.
        clients = self.sudo().search(
            [
                ("daily_digest", "=", True),
                ("content_free_notice", "=", False),
                ("state", "in", ANSWERING_STATES),
            ]
        )
        template = template.with_context(permanence_digest_since=since)
        batch = self.env["permanence.batch"]
        for client in clients.with_context(permanence_digest_since=since):
            with batch._row("_digest_set_aside", client):
                if client._digest_messages() or client._digest_calls():
                    template.send_mail(client.id)
        return len(clients)

    def _digest_set_aside(self, error):
        """The digest of these clients failed (called apart from the batch):
        say so on the account, for its manager."""
        for client in self:
            client.message_post(
                body=client.env._("The daily digest could not be sent: %s", error)
            )

    def _activity_report_set_aside(self, error):
        """The monthly report of these clients failed (called apart from the
        batch): say so on the account; the next run tries again."""
        for client in self:
            client.message_post(
                body=client.env._("The monthly activity report failed: %s", error)
            )

    def action_permanence_activity_report(self):
        """Open the wizard regenerating the report of a chosen month."""
        check_rights(self, "write", SUPERVISOR)
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Monthly report"),
            "res_model": "permanence.activity.report.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_client_id": self.id},
        }

    def _digest_since(self):
        return self.env.context.get(
            "permanence_digest_since"
        ) or fields.Datetime.now() - timedelta(days=1)

    def _digest_messages(self):
        since = self._digest_since()
        return (
            self.env["permanence.message"]
            .sudo()
            .search([("client_id", "=", self.id), ("create_date", ">=", since)])
        )

    def _digest_calls(self):
        since = self._digest_since()
        return (
            self.env["permanence.call"]
            .sudo()
            .search([("client_id", "=", self.id), ("date_start", ">=", since)])
        )

    # Coverage --------------------------------------------------------------

    def _is_in_business_hours(self, when, calendar=None):
        """Whether ``when`` (naive UTC) falls in ``calendar`` (by default the
        client's coverage hours), read in the client's time zone."""
        self.ensure_one()
        calendar = calendar or self.resource_calendar_id
        if not calendar:
            return True
        tz = pytz.timezone(self.tz or "UTC")
        start = pytz.utc.localize(when)
        intervals = calendar._work_intervals_batch(
            start, start + timedelta(minutes=1), tz=tz
        )[False]
        return bool(list(intervals))

    def _service_at(self, when):
        """``on``/``off`` when a service period of the client (switched on or
        off by the client for a while) holds at ``when`` (naive UTC), else
        None. Read as superuser: it decides coverage for whoever asks."""
        self.ensure_one()
        period = (
            self.env["permanence.service.period"]
            .sudo()
            .search(
                [
                    ("client_id", "=", self.id),
                    ("state", "=", "confirmed"),
                    ("date_from", "<=", when),
                    ("date_to", ">", when),
                ],
                limit=1,
            )
        )
        return period.mode or None

    def _service_period_next(self):
        """The client's current or next service period, for the portal's
        overview (the account was found as the user by the caller)."""
        self.ensure_one()
        return (
            self.env["permanence.service.period"]
            .sudo()
            .search(
                [
                    ("client_id", "=", self.id),
                    ("state", "=", "confirmed"),
                    ("date_to", ">", fields.Datetime.now()),
                ],
                order="date_from asc, id asc",
                limit=1,
            )
        )

    def _is_covered_at(self, when):
        """Whether a call at ``when`` (naive UTC) is inside the contract, a
        service period the client chose for that moment included."""
        self.ensure_one()
        service = self._service_at(when)
        if service:
            return coverage.is_covered(self.coverage_mode, None, service=service)
        return coverage.is_covered(self.coverage_mode, self._is_in_business_hours(when))

    def _own_partners(self, partners):
        """Which of ``partners`` are this client's own contacts: its company
        and people, its interlocutors, and whoever already called it.

        Bounded by ``partners`` (the few contacts having a caller's number),
        never by the size of the client: the calls are read only for these
        partners, through the index on ``permanence_call.partner_id``."""
        self.ensure_one()
        if not partners:
            return partners
        commercial = self.partner_id.commercial_partner_id
        own = partners.filtered(
            lambda partner: commercial and partner.commercial_partner_id == commercial
        )
        own |= partners & self.interlocutor_ids.partner_id
        rest = partners - own
        if rest:
            groups = self.env["permanence.call"]._read_group(
                [("client_id", "=", self.id), ("partner_id", "in", rest.ids)],
                ["partner_id"],
            )
            own |= partners.browse().union(*(partner for (partner,) in groups))
        return own

    # Audit -----------------------------------------------------------------

    def write(self, vals):
        if "instructions" not in vals or self.env.context.get("tracking_disable"):
            return super().write(vals)
        before = {client.id: client.instructions for client in self}
        result = super().write(vals)
        for client in self:
            client._note_instructions_change(before[client.id])
        return result

    def _note_instructions_change(self, before):
        """Post in the chatter what changed in the instructions, line by
        line: mail's tracking cannot record an html field."""
        self.ensure_one()
        changes = diff.line_changes(
            html2plaintext(before or ""), html2plaintext(self.instructions or "")
        )
        if all(op == diff.KEPT for op, __ in changes):
            return
        tags = {
            diff.ADDED: Markup("<li><ins>%s</ins></li>"),
            diff.REMOVED: Markup("<li><del>%s</del></li>"),
            diff.KEPT: Markup("<li>%s</li>"),
        }
        lines = Markup("").join(tags[op] % line for op, line in changes)
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (self.env._("Instructions changed:"), lines),
            subtype_xmlid="mail.mt_note",
        )

    # Navigation ------------------------------------------------------------

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_telephonique.action_permanence_call"
        )
        action["domain"] = [("client_id", "=", self.id)]
        action["context"] = {"default_client_id": self.id}
        return action

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_telephonique.action_permanence_message"
        )
        action["domain"] = [("client_id", "=", self.id)]
        action["context"] = {"default_client_id": self.id}
        return action

    def action_new_call(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_telephonique.action_permanence_call_console"
        )
        action["context"] = {"default_client_id": self.id}
        return action

    # Retention ---------------------------------------------------------------

    def _retention_policy(self):
        """``{kind: months}`` of this client, read as superuser (the purge
        and the register need it, not the user)."""
        self.ensure_one()
        client = self.sudo()
        return {
            "call": client.retention_call_months,
            "message": client.retention_message_months,
            "recording": client.retention_recording_months,
            "payload": client.retention_payload_months,
            "access_log": client.retention_access_log_months,
        }

    def _retention_register_rows(self):
        """What is kept and for how long: ``[(label, months, purged count)]``,
        each addon adding its own kinds through
        ``permanence.retention._retention_kinds``."""
        self.ensure_one()
        engine = self.env["permanence.retention"]
        totals = self.env["permanence.retention.run"].sudo()._totals(self)
        policy = self._retention_policy()
        return [
            (label, policy.get(policy_key), totals.get(count_key, 0))
            for count_key, policy_key, label in engine._retention_kinds()
        ]

    @api.depends_context("lang")
    def _compute_retention_register(self):
        runs = self.env["permanence.retention.run"].sudo()
        last = dict(
            runs._read_group(
                [("client_id", "in", self.ids), ("state", "=", "done")],
                ["client_id"],
                ["date_end:max"],
            )
        )
        env = self.env
        for client in self:
            client.retention_last_purge = last.get(client)
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
                % (
                    label,
                    env._("%s months", months) if months else env._("No limit"),
                    count,
                )
                for label, months, count in client._retention_register_rows()
            )
            client.retention_register_html = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th>"
                "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                env._("Data"),
                env._("Kept for"),
                env._("Purged or anonymised so far"),
                rows,
            )
