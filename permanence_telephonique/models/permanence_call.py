from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from ..tools import figures, filtering, phone
from .permanence_client import ANSWERING_STATES
from .permanence_filter_rule import CALLER_CATEGORIES, FILTER_ACTIONS

OUTCOMES = [
    ("message", "Message taken"),
    ("transferred", "Transferred"),
    ("appointment", "Appointment booked"),
    ("information", "Information given"),
    ("escalated", "Escalated"),
    ("filtered", "Filtered"),
    ("wrong_number", "Wrong number"),
    ("abandoned", "Abandoned"),
]
CALL_STATES = [
    ("ringing", "Ringing"),
    ("ongoing", "In progress"),
    ("done", "Done"),
]
HISTORY_LIMIT = 10
# read_group aggregate spec of a service figure (tools/figures.py)
FIGURE_SPEC = "__figure_"


class PermanenceCall(models.Model):
    _name = "permanence.call"
    _description = "Call sheet"
    _inherit = [
        # First, so that its hooks come before mail.thread's
        "permanence.access.logged.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "permanence.phone.mixin",
        "permanence.client.owned",
    ]
    _phone_search_fields = {
        "caller_number": ("caller_number",),
        "caller_number_raw": ("caller_number",),
        "called_number": ("called_number",),
    }
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "name",
        "client_id",
        "direction",
        "state",
        "date_start",
        "caller_number",
        "caller_number_raw",
        "caller_withheld",
        "caller_name",
        "caller_company",
        "reason_id",
        "outcome",
        "talk_duration",
        "in_coverage",
    )
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", default="/", readonly=True, copy=False, index=True
    )
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Operator",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    direction = fields.Selection(
        selection=[("inbound", "Inbound"), ("outbound", "Outbound")],
        default="inbound",
        required=True,
    )
    state = fields.Selection(
        selection=CALL_STATES, default="ongoing", required=True, tracking=True
    )
    external_id = fields.Char(
        string="Telephony id", copy=False, help="Unique id given by the PBX."
    )
    # Caller
    caller_number_raw = fields.Char(
        string="Caller number as received",
        help="The number as the PBX or the operator gave it.",
    )
    caller_number = fields.Char(
        compute="_compute_caller_number",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="Caller number in E.164.",
    )
    caller_withheld = fields.Boolean(
        string="Withheld number", compute="_compute_caller_number", store=True
    )
    caller_number_display = fields.Char(
        string="Caller number",
        compute="_compute_caller_number_display",
        help="The caller's number as people read it (national format).",
    )
    # One compute each: what the operator typed in one is kept while the
    # others still come from the recognised contact.
    caller_name = fields.Char(
        string="Caller name",
        compute="_compute_caller_name",
        store=True,
        readonly=False,
    )
    caller_company = fields.Char(
        string="Caller company",
        compute="_compute_caller_company",
        store=True,
        readonly=False,
    )
    caller_email = fields.Char(
        string="Caller email",
        compute="_compute_caller_email",
        store=True,
        readonly=False,
    )
    caller_category = fields.Selection(
        selection=CALLER_CATEGORIES, string="Caller category"
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Known caller",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index="btree_not_null",
    )
    partner_candidate_ids = fields.Many2many(
        comodel_name="res.partner",
        compute="_compute_partner_candidate_ids",
        string="Possible callers",
        help="Every contact who has this number: shown when it is ambiguous.",
    )
    partner_candidate_count = fields.Integer(compute="_compute_partner_candidate_ids")
    called_number = fields.Char(string="Called number (DID)", index="btree_not_null")
    reason_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.call.reason",
        string="Call reason",
        domain="[('client_id', '=', client_id)]",
        ondelete="restrict",
    )
    reason_action = fields.Selection(
        related="reason_id.action", string="Expected action"
    )
    reason_instructions = fields.Html(
        related="reason_id.instructions", string="Instructions for this reason"
    )
    # Times
    date_start = fields.Datetime(
        string="Start", default=fields.Datetime.now, required=True, index=True
    )
    date_answer = fields.Datetime(string="Answered")
    date_end = fields.Datetime(string="End")
    ring_duration = fields.Integer(
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="Seconds before pick-up.",
    )
    talk_duration = fields.Integer(
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="Seconds of conversation.",
    )
    wait_duration = fields.Integer(
        string="Wait",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="Seconds the caller waited: until an operator answered or, for an "
        "abandoned call, until the caller hung up.",
    )
    service_target = fields.Integer(
        string="Answer-time target",
        compute="_compute_service_target",
        store=True,
        help="The client's answer-time target (seconds) when the call came in.",
    )
    answered_in_target = fields.Boolean(
        string="Answered within target",
        compute="_compute_durations",
        store=True,
    )
    # Figures of a group of calls: in a pivot or a read_group their
    # aggregate is the figure of the group (tools/figures.py), the same SQL
    # as the wallboard, the portal and the monthly report.
    service_level = fields.Float(
        string="Service level (%)",
        compute="_compute_figures",
        aggregator="avg",
        help="Calls answered within the client's target, out of the answered and "
        "abandoned calls.",
    )
    answer_rate = fields.Float(
        string="Answer rate (%)", compute="_compute_figures", aggregator="avg"
    )
    abandoned_rate = fields.Float(
        string="Abandon rate (%)", compute="_compute_figures", aggregator="avg"
    )
    asa = fields.Float(
        string="Average speed of answer (s)",
        compute="_compute_figures",
        aggregator="avg",
        help="Average wait of the answered calls only.",
    )
    abandon_wait = fields.Float(
        string="Average time to abandon (s)",
        compute="_compute_figures",
        aggregator="avg",
    )
    outcome = fields.Selection(selection=OUTCOMES, tracking=True, index=True)
    notes = fields.Text()
    answer_ids = fields.One2many(
        comodel_name="permanence.call.answer",
        inverse_name="call_id",
        string="Script answers",
    )
    permanence_message_ids = fields.One2many(
        comodel_name="permanence.message",
        inverse_name="call_id",
        string="Messages taken",
    )
    transfer_interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        string="Transfer to",
        domain="[('client_id', '=', client_id), ('transfer_allowed', '=', True)]",
    )
    # Console: what the operator reads
    client_state = fields.Selection(related="client_id.state", string="Account state")
    client_confidential = fields.Boolean(related="client_id.confidential")
    greeting_script = fields.Text(related="client_id.greeting_script")
    closing_script = fields.Text(related="client_id.closing_script")
    client_instructions = fields.Html(
        related="client_id.instructions", string="Client instructions"
    )
    faq_ids = fields.One2many(related="client_id.faq_ids")
    interlocutor_ids = fields.One2many(related="client_id.interlocutor_ids")
    client_warning = fields.Char(compute="_compute_client_warning")
    client_usage_summary = fields.Char(related="client_id.usage_summary")
    client_usage_percent = fields.Float(related="client_id.usage_percent")
    # Facts about the call, recorded when it happens: they follow the call's
    # own values (client, time, caller), never the client's configuration
    # of today (a coverage or a filtering rule changed later).
    in_coverage = fields.Boolean(
        string="In contract hours",
        compute="_compute_in_coverage",
        store=True,
        help="Whether the call came within the contract hours as they were "
        "when it came.",
    )
    filter_rule_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.filter.rule",
        string="Filtering rule applied",
        compute="_compute_filter_rule_id",
        store=True,
        ondelete="restrict",
    )
    filter_action = fields.Selection(
        selection=FILTER_ACTIONS,
        string="Filtering",
        compute="_compute_filter_action",
        store=True,
        help="What the rule said to do when the call came.",
    )
    filter_note = fields.Char(related="filter_rule_id.note")
    emergency_ids = fields.One2many(
        comodel_name="permanence.emergency",
        inverse_name="call_id",
    )
    oncall_rota_ids = fields.One2many(
        related="client_id.oncall_rota_ids", string="On call"
    )
    previous_call_ids = fields.Many2many(
        comodel_name="permanence.call",
        compute="_compute_history",
        string="Previous calls",
    )
    previous_message_ids = fields.Many2many(
        comodel_name="permanence.message",
        compute="_compute_history",
        string="Previous messages",
    )
    # Retention (CNIL)
    legal_hold = fields.Boolean(
        copy=False,
        tracking=True,
        groups="permanence_telephonique.group_permanence_manager",
        help="Kept as it is whatever the retention policy (litigation, "
        "request of an authority).",
    )
    anonymised_date = fields.Datetime(
        string="Anonymised on",
        readonly=True,
        copy=False,
        groups="permanence_telephonique.group_permanence_supervisor",
        help="The caller's data was erased on this date (retention policy or "
        "erasure request); dates, durations and outcome are kept for billing.",
    )

    _sql_constraints = [
        (
            "external_id_company_uniq",
            "unique(company_id, external_id)",
            "A call with this telephony id already exists in this company.",
        ),
    ]

    def init(self):
        res = super().init()
        # A client's calls by date: the call list, the history of a caller
        # and the usage of the period read them newest first.
        create_index(
            self.env.cr,
            "permanence_call_client_date_index",
            self._table,
            ["client_id", "date_start DESC", "id DESC"],
        )
        # The purge finds the expired calls of a client without a scan
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS permanence_call_retention_idx "
            "ON permanence_call (client_id, date_start, id) "
            "WHERE anonymised_date IS NULL"
        )
        return res

    # Computes --------------------------------------------------------------

    @api.depends("client_id")
    def _compute_company_id(self):
        for call in self:
            call.company_id = (
                call.client_id.company_id or call.company_id or self.env.company
            )

    def _country(self):
        self.ensure_one()
        return (
            self.client_id.partner_id.country_id
            or self.company_id.country_id
            or self.env.ref("base.fr")
        )

    @api.depends("caller_number_raw", "client_id")
    def _compute_caller_number(self):
        for call in self:
            raw = call.caller_number_raw
            withheld = phone.is_withheld(raw)
            country = call._country()
            call.caller_withheld = withheld
            call.caller_number = (
                False
                if withheld
                else phone.try_e164(raw, country.code, country.phone_code)
            )

    def _partner_candidates_by_call(self):
        """``{call: contacts having the caller's number}``, the client's own
        contacts first, for the whole batch: one indexed query on the E.164
        columns, then the client's own among these few contacts only."""
        partner_model = self.env["res.partner"]
        found = partner_model._permanence_find_by_numbers(self.mapped("caller_number"))
        result = {}
        for call in self:
            candidates = found.get(call.caller_number, partner_model)
            if len(candidates) > 1 and call.client_id:
                own = call.client_id._own_partners(candidates)
                ordered, __ = phone.rank_candidates(candidates.ids, set(own.ids))
                candidates = partner_model.browse(ordered)
            result[call] = candidates
        return result

    def _partner_candidates(self):
        """Contacts having the caller's number, the client's own first."""
        self.ensure_one()
        return self._partner_candidates_by_call()[self]

    @api.depends("caller_number", "client_id")
    def _compute_partner_id(self):
        by_call = self._partner_candidates_by_call()
        for call in self:
            candidates = by_call[call]
            if candidates and call.partner_id not in candidates:
                call.partner_id = candidates[0]
            elif not candidates and call.caller_number:
                call.partner_id = False

    @api.depends("caller_number", "client_id")
    def _compute_partner_candidate_ids(self):
        by_call = self._partner_candidates_by_call()
        for call in self:
            candidates = by_call[call]
            call.partner_candidate_ids = candidates
            call.partner_candidate_count = len(candidates)

    @api.depends(
        "direction",
        "date_start",
        "date_answer",
        "date_end",
        "outcome",
        "service_target",
    )
    def _compute_durations(self):
        for call in self:
            start, answer, end = call.date_start, call.date_answer, call.date_end
            call.ring_duration = (
                int((answer - start).total_seconds()) if start and answer else 0
            )
            call.talk_duration = (
                int((end - answer).total_seconds()) if answer and end else 0
            )
            wait = 0
            if start and answer:
                wait = call.ring_duration
            elif start and end and call.outcome == "abandoned":
                wait = max(int((end - start).total_seconds()), 0)
            call.wait_duration = wait
            call.answered_in_target = (
                call.direction == "inbound"
                and bool(answer)
                and wait <= (call.service_target or figures.DEFAULT_TARGET_SECONDS)
            )

    @api.depends("client_id")
    def _compute_service_target(self):
        # A fact of the call: changing the client's target later does not
        # rewrite the past (the dependency is on the client, not its target).
        for call in self:
            call.service_target = (
                call.client_id.sudo().service_target or figures.DEFAULT_TARGET_SECONDS
            )

    @api.depends("direction", "date_answer", "outcome", "answered_in_target")
    def _compute_figures(self):
        for call in self:
            answered = call.direction == "inbound" and bool(call.date_answer)
            abandoned = (
                call.direction == "inbound"
                and not call.date_answer
                and call.outcome == "abandoned"
            )
            call.service_level = 100.0 if call.answered_in_target else 0.0
            call.answer_rate = 100.0 if answered else 0.0
            call.abandoned_rate = 100.0 if abandoned else 0.0
            call.asa = call.wait_duration if answered else 0.0
            call.abandon_wait = call.wait_duration if abandoned else 0.0

    @staticmethod
    def _figure_of_spec(aggregate_spec):
        """The figure an aggregate spec stands for: ``__figure_<name>``, or a
        figure field (``service_level:avg`` as a pivot asks), else None."""
        if aggregate_spec.startswith(FIGURE_SPEC):
            name = aggregate_spec[len(FIGURE_SPEC) :]
            if name not in figures.AGGREGATES:
                raise ValueError(f"Invalid figure {aggregate_spec!r}")
            return name
        return figures.FIELD_FIGURES.get(aggregate_spec.split(":")[0])

    def _read_group_select(self, aggregate_spec, query):
        name = self._figure_of_spec(aggregate_spec)
        if name:
            self.flush_model(figures.COLUMNS)
            return figures.aggregate(name, self._table)
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_postprocess_aggregate(self, aggregate_spec, raw_values):
        if self._figure_of_spec(aggregate_spec):
            return iter(raw_values)
        return super()._read_group_postprocess_aggregate(aggregate_spec, raw_values)

    def _read_group_empty_value(self, spec):
        if spec.startswith(FIGURE_SPEC):
            return None
        return super()._read_group_empty_value(spec)

    @api.model
    def _permanence_figures(self, domain, groupby=()):
        """The service figures (tools/figures.py) of the calls of ``domain``
        the user may read, record rules applied, in one query: a dict
        ``{group values tuple: figures}`` per ``groupby`` (read_group specs
        such as ``client_id`` or ``date_start:hour``); ``{(): figures}``
        without groupby."""
        names = list(figures.AGGREGATES)
        rows = self._read_group(
            domain, list(groupby), [FIGURE_SPEC + name for name in names]
        )
        width = len(groupby)
        result = {
            tuple(row[:width]): figures.clean(
                dict(zip(names, row[width:], strict=True))
            )
            for row in rows
        }
        if not groupby and not result:
            result[()] = figures.empty()
        return result

    @api.depends("client_id.state", "client_id.name")
    def _compute_client_warning(self):
        states = dict(
            self.env["permanence.client"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        for call in self:
            client = call.client_id
            if client and client.state not in ANSWERING_STATES:
                call.client_warning = _(
                    "The account %(client)s is %(state)s: calls are not taken "
                    "for it. Tell the caller politely and do not take a message.",
                    client=client.name,
                    state=states[client.state],
                )
            else:
                call.client_warning = False

    @api.depends("client_id", "date_start")
    def _compute_in_coverage(self):
        for call in self:
            call.in_coverage = bool(call.client_id) and call.client_id._is_covered_at(
                call.date_start or fields.Datetime.now()
            )

    @api.depends("client_id", "caller_number", "partner_id", "caller_category")
    def _compute_filter_rule_id(self):
        rule_model = self.env["permanence.filter.rule"]
        for call in self:
            partners = call.partner_id | call.partner_id.commercial_partner_id
            chosen = filtering.select_rule(
                call.client_id.filter_rule_ids._as_dict(),
                caller_number=call.caller_number,
                partner_ids=set(partners.ids),
                category=call.caller_category,
            )
            call.filter_rule_id = rule_model.browse(chosen["id"]) if chosen else False

    @api.depends("filter_rule_id")
    def _compute_filter_action(self):
        for call in self:
            call.filter_action = call.filter_rule_id.action

    @api.depends("client_id", "caller_number", "partner_id")
    def _compute_history(self):
        """The caller's last calls and messages with this client: the
        ``HISTORY_LIMIT`` latest of each, read through indexes whatever the
        size of the client's history (the rest is one click away, see
        ``action_view_caller_calls``)."""
        message_model = self.env["permanence.message"]
        for call in self:
            domain = call._caller_history_domain()
            if not domain:
                call.previous_call_ids = False
                call.previous_message_ids = False
                continue
            call.previous_call_ids = self.search(domain, limit=HISTORY_LIMIT)
            # The caller's calls as a subquery: no list of ids in Python.
            call.previous_message_ids = message_model.search(
                [
                    ("client_id", "=", call.client_id.id),
                    ("call_id", "any", call._caller_history_domain(same=True)),
                ],
                limit=HISTORY_LIMIT,
            )

    def _caller_history_domain(self, same=False):
        """Domain of the other calls of this caller with this client (with
        this call too when ``same``), or [] when the caller is unknown."""
        self.ensure_one()
        caller_domain = self._caller_domain()
        if not self.client_id or not caller_domain:
            return []
        domain = [("client_id", "=", self.client_id.id)] + caller_domain
        if self._origin.id and not same:
            domain.append(("id", "!=", self._origin.id))
        return domain

    def _caller_domain(self):
        """Domain matching the calls of the same caller (number or contact)."""
        self.ensure_one()
        if self.partner_id and self.caller_number:
            return [
                "|",
                ("caller_number", "=", self.caller_number),
                ("partner_id", "=", self.partner_id.id),
            ]
        if self.caller_number:
            return [("caller_number", "=", self.caller_number)]
        if self.partner_id:
            return [("partner_id", "=", self.partner_id.id)]
        return []

    # Onchanges -------------------------------------------------------------

    @api.onchange("called_number")
    def _onchange_called_number(self):
        """Choosing the client by the number the caller dialled (DID)."""
        if not self.called_number:
            return
        number = self.env["permanence.client.number"]._normalize_any(self.called_number)
        if not number:
            return
        line = self.env["permanence.client.number"].search(
            [("number", "=", number)], limit=1
        )
        self.called_number = number
        if line:
            self.client_id = line.client_id

    # A recognised caller fills what the operator has not typed, for calls
    # from the PBX as well as in the form.
    @api.depends("partner_id")
    def _compute_caller_name(self):
        for call in self:
            partner = call.partner_id
            call.caller_name = call.caller_name or (
                partner.name if partner and not partner.is_company else False
            )

    @api.depends("partner_id")
    def _compute_caller_company(self):
        for call in self:
            partner = call.partner_id
            company = partner.parent_id or partner.filtered("is_company")
            call.caller_company = call.caller_company or company.name or False

    @api.depends("partner_id")
    def _compute_caller_email(self):
        for call in self:
            call.caller_email = call.caller_email or call.partner_id.email or False

    @api.depends("caller_number", "caller_number_raw", "caller_withheld", "client_id")
    def _compute_caller_number_display(self):
        for call in self:
            if call.caller_withheld:
                call.caller_number_display = (
                    _("Withheld number") if call.caller_number_raw else False
                )
            else:
                call.caller_number_display = (
                    self._phone_display(call.caller_number, call.sudo()._country())
                    or call.caller_number_raw
                )

    @api.onchange("reason_id")
    def _onchange_reason_id(self):
        self.answer_ids = [Command.clear()] + [
            Command.create({"question_id": question.id})
            for question in self.reason_id.question_ids
        ]

    # CRUD ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("permanence.call") or "/"
                )
            if vals.get("state", "ongoing") == "ongoing" and not vals.get(
                "date_answer"
            ):
                vals["date_answer"] = vals.get("date_start") or fields.Datetime.now()
        calls = super().create(vals_list)
        calls._sync_answers()
        return calls

    def write(self, vals):
        res = super().write(vals)
        if "reason_id" in vals:
            self._sync_answers()
        return res

    def _sync_answers(self):
        """Give each call one answer line per question of its reason."""
        commands = []
        for call in self.filtered("reason_id"):
            asked = call.answer_ids.question_id
            stale = call.answer_ids.filtered(
                lambda a, r=call.reason_id: a.question_id.reason_id != r
            )
            stale.unlink()
            commands.extend(
                {"call_id": call.id, "question_id": question.id}
                for question in call.reason_id.question_ids - asked
            )
        if commands:
            self.env["permanence.call.answer"].create(commands)

    # Console actions -------------------------------------------------------

    def _check_can_take_call(self):
        for call in self:
            if not call.client_id:
                raise UserError(_("Choose the client account first."))
            if call.client_id.state not in ANSWERING_STATES:
                raise UserError(call.client_warning)

    def _check_required_answers(self):
        missing = self.answer_ids.filtered(
            lambda a: a.question_id.required and not a.is_answered
        )
        if missing:
            raise UserError(
                _(
                    "Please answer the required questions: %s",
                    ", ".join(missing.mapped("question_id.name")),
                )
            )

    def _closing_script_action(self, next_action=None):
        """What the operator's screen does once the call's business is done:
        show the client's closing script (a sticky notification the
        operator reads to the caller), then ``next_action``."""
        script = "\n".join(filter(None, self.mapped("closing_script")))
        if not script:
            return next_action or True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Closing script"),
                "message": script,
                "type": "success",
                "sticky": True,
                "className": "o_permanence_closing_script",
                "next": next_action,
            },
        }

    def _finish(self, outcome, body=None):
        now = fields.Datetime.now()
        for call in self:
            vals = {"outcome": outcome, "state": "done", "date_end": now}
            if not call.date_answer and outcome != "abandoned":
                vals["date_answer"] = call.date_start
            call.write(vals)
            if body:
                call.message_post(body=body)
        return True

    def _default_recipients(self):
        """Who a message is for: the reason's interlocutors, else those who
        receive messages; one away with a replacement is replaced."""
        self.ensure_one()
        recipients = self.reason_id.interlocutor_ids.filtered("active")
        if not recipients:
            recipients = self.client_id.interlocutor_ids.filtered("receives_messages")
        return recipients._replaced()[0]

    def _note_replacements(self, message):
        """Say on the message who replaces whom among its recipients."""
        self.ensure_one()
        recipients = self.reason_id.interlocutor_ids.filtered("active")
        if not recipients:
            recipients = self.client_id.interlocutor_ids.filtered("receives_messages")
        for away, replacement, status in recipients._replaced()[1]:
            message.message_post(
                body=_(
                    "%(away)s is away (%(status)s): the message goes to "
                    "%(replacement)s.",
                    away=away.name,
                    status=status.label,
                    replacement=replacement.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _message_values(self):
        self.ensure_one()
        return {
            "client_id": self.client_id.id,
            "call_id": self.id,
            "recipient_ids": [Command.set(self._default_recipients().ids)],
            "caller_name": self.caller_name or self.partner_id.name,
            "caller_company": self.caller_company,
            "caller_phone": self.caller_number or self.caller_number_raw,
            "caller_email": self.caller_email or self.partner_id.email,
            "urgency": self.reason_id.urgency or "normal",
            "body": self.notes and f"<p>{self.notes}</p>",
        }

    def action_take_message(self):
        self.ensure_one()
        self._check_can_take_call()
        self._check_required_answers()
        message = self.permanence_message_ids.filtered(lambda m: m.state == "draft")[:1]
        if not message:
            message = self.env["permanence.message"].create(self._message_values())
            self._note_replacements(message)
        if self.outcome != "message":
            self.write({"outcome": "message"})
        return {
            "type": "ir.actions.act_window",
            "name": _("Take a message"),
            "res_model": "permanence.message",
            "res_id": message.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "permanence_telephonique.permanence_message_view_form_quick"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }

    def action_information_given(self):
        self._check_can_take_call()
        self._check_required_answers()
        self._finish("information")
        return self._closing_script_action(
            {"type": "ir.actions.client", "tag": "soft_reload"}
        )

    def _check_can_transfer(self):
        """The call may go to its chosen interlocutor: one is chosen, takes
        transferred calls, and no filtering rule keeps this caller out."""
        self._check_can_take_call()
        for call in self:
            interlocutor = call.transfer_interlocutor_id
            if not interlocutor:
                raise UserError(_("Choose the interlocutor to transfer the call to."))
            if not interlocutor.transfer_allowed:
                raise UserError(
                    _(
                        "%s does not take transferred calls: take a message.",
                        interlocutor.name,
                    )
                )
            refusal = (
                not self.env.context.get("permanence_transfer_accepted")
                and interlocutor._status_refusal()
            )
            if refusal:
                raise UserError(refusal)
            if call.filter_action in ("message", "block"):
                raise UserError(
                    _(
                        "The filtering rule “%s” forbids transferring this caller.",
                        call.filter_rule_id.name,
                    )
                )

    def action_transfer(self):
        self._check_can_transfer()
        for call in self:
            interlocutor = call.transfer_interlocutor_id
            call._finish(
                "transferred",
                body=_(
                    "Call transferred to %(name)s (%(number)s).",
                    name=interlocutor.name,
                    number=interlocutor._transfer_target() or "-",
                ),
            )
        return True

    def action_wrong_number(self):
        return self._finish("wrong_number")

    def action_filtered(self):
        for call in self:
            body = (
                _("Filtered by the rule “%s”.", call.filter_rule_id.name)
                if call.filter_rule_id
                else None
            )
            call._finish("filtered", body=body)
        return True

    def action_done(self):
        for call in self:
            if not call.outcome:
                raise UserError(_("Say how the call ended before closing it."))
        return self.write({"state": "done", "date_end": fields.Datetime.now()})

    def action_reopen(self):
        return self.write({"state": "ongoing"})

    def action_view_caller_calls(self):
        """Every call of this caller with this client (the console shows the
        last ones)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_telephonique.action_permanence_call"
        )
        action["domain"] = self._caller_history_domain() or [("id", "=", False)]
        action["context"] = {"create": False}
        action["name"] = _("Calls of this caller")
        return action

    def action_view_caller_messages(self):
        """Every message taken for this caller with this client."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_telephonique.action_permanence_message"
        )
        calls = self._caller_history_domain(same=True)
        action["domain"] = (
            [
                ("client_id", "=", self.client_id.id),
                ("call_id", "any", calls),
            ]
            if calls
            else [("id", "=", False)]
        )
        action["context"] = {"create": False}
        action["name"] = _("Messages of this caller")
        return action

    def action_open_console(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "permanence.call",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "permanence_telephonique.permanence_call_view_form_console"
                    ).id,
                    "form",
                )
            ],
            "target": "current",
        }
