from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..tools import emergency as emergency_tools
from ..tools.access import OPERATOR, check_rights
from .permanence_call_reason import URGENCIES

EMERGENCY_STATES = [
    ("running", "Escalating"),
    ("fallback", "Fallback"),
    ("reached", "Reached"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("running", "fallback")
CRON_XMLID = "permanence_telephonique.ir_cron_permanence_emergency"


class PermanenceEmergency(models.Model):
    """One emergency: the escalation of one call through its client's
    protocol, step by step, until somebody takes it.

    The steps that need no operator (SMS, email) are sent by the cron on
    schedule; the operator answers the phone steps with the buttons
    "reached", "no answer" and "refused". Every try is an attempt: the
    timeline.
    """

    _name = "permanence.emergency"
    _description = "Emergency"
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "name",
        "client_id",
        "reason_id",
        "urgency",
        "state",
        "date_start",
        "date_reached",
        "date_end",
        "reached_interlocutor_id",
        "reach_duration",
        "attempt_ids",
    )
    _inherit = ["mail.thread", "mail.activity.mixin", "permanence.client.owned"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(related="call_id.name", store=True, string="Reference")
    call_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.call",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        ondelete="restrict",
        index=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    protocol_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.emergency.protocol",
        required=True,
        ondelete="restrict",
    )
    reason_id = fields.Many2one(
        related="call_id.reason_id", store=True, string="Call reason"
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Operator",
        default=lambda self: self.env.user,
    )
    urgency = fields.Selection(selection=URGENCIES, required=True, default="critical")
    urgency_note = fields.Char(
        string="Why this urgency", help="The qualification answers that set it."
    )
    state = fields.Selection(
        selection=EMERGENCY_STATES,
        default="running",
        required=True,
        index=True,
        tracking=True,
    )
    step_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.emergency.step",
        string="Current step",
        ondelete="set null",
    )
    step_index = fields.Integer(help="Position of the current step (from 0).")
    step_note = fields.Char(related="step_id.note", string="Step note")
    current_attempt_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.emergency.attempt",
        ondelete="set null",
    )
    current_channel = fields.Selection(
        related="current_attempt_id.channel", string="Channel"
    )
    current_interlocutor_id = fields.Many2one(
        related="current_attempt_id.interlocutor_id", string="Trying to reach"
    )
    current_destination = fields.Char(
        related="current_attempt_id.destination", string="Number / address"
    )
    current_destination_display = fields.Char(
        string="Number / address to reach",
        compute="_compute_destination_display",
        help="The number as people read it (national format).",
    )
    due_at = fields.Datetime(string="Next step at", index="btree_not_null", copy=False)
    remaining_seconds = fields.Integer(
        string="Seconds left", compute="_compute_remaining_seconds"
    )
    date_start = fields.Datetime(
        string="Started", default=fields.Datetime.now, required=True, index=True
    )
    date_reached = fields.Datetime(string="Reached at", copy=False)
    date_end = fields.Datetime(string="Ended", copy=False)
    reached_interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        string="Reached",
        ondelete="set null",
        copy=False,
    )
    reach_duration = fields.Integer(
        string="Time to reach (s)",
        aggregator="avg",
        copy=False,
        help="Seconds from the start of the emergency to the person who took it.",
    )
    attempt_ids = fields.One2many(
        comodel_name="permanence.emergency.attempt",
        inverse_name="emergency_id",
        string="Timeline",
    )
    attempt_count = fields.Integer(string="Attempts", compute="_compute_attempt_count")
    operator_instructions = fields.Text(related="protocol_id.operator_instructions")
    fallback_instructions = fields.Text(related="protocol_id.fallback_instructions")
    fallback_number = fields.Char(related="protocol_id.fallback_number")
    fallback_number_display = fields.Char(
        string="Fallback number to call", compute="_compute_destination_display"
    )
    voip_available = fields.Boolean(compute="_compute_voip_available")

    _sql_constraints = [
        ("call_uniq", "unique(call_id)", "This call already has an emergency."),
    ]

    @api.depends("current_destination", "fallback_number")
    def _compute_destination_display(self):
        display = self.env["permanence.phone.mixin"]._phone_display
        for emergency in self:
            destination = emergency.current_destination
            emergency.current_destination_display = (
                display(destination)
                if destination and "@" not in destination
                else destination
            )
            emergency.fallback_number_display = display(emergency.fallback_number)

    @api.depends("due_at")
    def _compute_remaining_seconds(self):
        now = fields.Datetime.now()
        for emergency in self:
            emergency.remaining_seconds = emergency_tools.remaining_seconds(
                emergency.due_at if emergency.state == "running" else False, now
            )

    def _compute_attempt_count(self):
        groups = self.env["permanence.emergency.attempt"]._read_group(
            [("emergency_id", "in", self.ids)], ["emergency_id"], ["__count"]
        )
        counts = {emergency.id: count for emergency, count in groups}
        for emergency in self:
            emergency.attempt_count = counts.get(emergency.id, 0)

    def _compute_voip_available(self):
        available = self._voip_model() is not None
        for emergency in self:
            emergency.voip_available = available

    def _voip_model(self):
        """permanence_voip's PBX model when that addon is installed and
        offers click-to-dial, else None."""
        if "permanence.voip.pbx" not in self.env:
            return None
        model = self.env["permanence.voip.pbx"]
        return model if hasattr(model, "_dial_for_user") else None

    # Start -----------------------------------------------------------------

    @api.model
    def _call_answers(self, call):
        """``{question id: forms of the answer}`` for the rules."""
        answers = {}
        for answer in call.answer_ids.filtered("is_answered"):
            answers[answer.question_id.id] = (
                answer.value_text,
                answer.value_boolean,
                answer.value_date and fields.Date.to_string(answer.value_date),
                answer.value_display,
            )
        return answers

    @api.model
    def _qualify(self, call, protocol):
        """``(urgency, note)`` of ``call`` by ``protocol``'s rules."""
        urgency, matched = emergency_tools.urgency_from_answers(
            protocol.rule_ids._as_dicts(),
            self._call_answers(call),
            default=call.reason_id.urgency or "normal",
        )
        rules = protocol.rule_ids.browse(matched)
        note = "; ".join(f"{rule.question_id.name} {rule.value}" for rule in rules)
        return urgency, note

    @api.model
    def _start_for_calls(self, calls):
        """Start the emergency procedure of each call (the console button);
        a call that already has one keeps it."""
        calls._check_can_take_call()
        calls._check_required_answers()
        protocols = self.env["permanence.emergency.protocol"]._for_calls(calls)
        urgency_labels = dict(self._fields["urgency"]._description_selection(self.env))
        emergencies = self.browse()
        for call in calls:
            if call.emergency_ids:
                emergencies |= call.emergency_ids
                continue
            protocol = protocols[call]
            if not protocol:
                raise UserError(
                    _(
                        "%(client)s has no emergency protocol for “%(reason)s”: "
                        "follow the client's instructions.",
                        client=call.client_id.display_name,
                        reason=call.reason_id.name or _("this call"),
                    )
                )
            urgency, note = self._qualify(call, protocol)
            if not emergency_tools.is_emergency(urgency, protocol.escalate_from):
                raise UserError(
                    _(
                        "By the protocol of %(client)s, this call is not an "
                        "emergency (urgency: %(urgency)s): take a message.",
                        client=call.client_id.display_name,
                        urgency=urgency_labels[urgency],
                    )
                )
            emergency = self.create(
                {
                    "call_id": call.id,
                    "client_id": call.client_id.id,
                    "protocol_id": protocol.id,
                    "urgency": urgency,
                    "urgency_note": note,
                }
            )
            call.write({"outcome": "escalated"})
            call.message_post(body=_("Emergency procedure started."))
            emergency._enter_step(0)
            emergencies |= emergency
        return emergencies

    # Step machine ----------------------------------------------------------

    def _steps(self):
        self.ensure_one()
        return self.protocol_id.step_ids.sorted()

    def _first_oncall(self):
        """Who the first on-call step tried: the backup comes after them."""
        self.ensure_one()
        first = self.attempt_ids.filtered(
            lambda a: a.step_id.target == "oncall" and a.interlocutor_id
        )[:1]
        return first.interlocutor_id

    def _enter_step(self, index):
        """Carry out step ``index``; steps that cannot be carried out are
        logged as failed and the next one follows at once."""
        self.ensure_one()
        steps = self._steps()
        now = fields.Datetime.now()
        while index is not None and index < len(steps):
            step = steps[index]
            attempt = self._open_attempt(step, now)
            if attempt.result == "pending":
                due = emergency_tools.due_at(now, step.wait_minutes)
                self.write(
                    {
                        "state": "running",
                        "step_id": step.id,
                        "step_index": index,
                        "current_attempt_id": attempt.id,
                        "due_at": due,
                    }
                )
                self.env.ref(CRON_XMLID).sudo()._trigger(at=due)
                return attempt
            position, index = emergency_tools.next_position(
                len(steps), index, attempt.result
            )
        return self._enter_fallback()

    def _open_attempt(self, step, now):
        """Try ``step``: a phone call waits for the operator; an SMS or an
        email is a critical message planned through the transmission engine
        (acknowledged by its link)."""
        self.ensure_one()
        attempt_model = self.env["permanence.emergency.attempt"]
        person = step._person(now, oncall=self._first_oncall())
        vals = {
            "emergency_id": self.id,
            "step_id": step.id,
            "channel": step.channel,
            "interlocutor_id": person.id,
            "date_start": now,
        }
        if not person:
            return attempt_model.create(
                dict(
                    vals,
                    result="failed",
                    date_end=now,
                    note=_("Nobody is on call."),
                )
            )
        if person:
            status = person._status_at(now)
            if status:
                replaced, swaps = person._replaced(now)
                label = status.label
                if not swaps:
                    return attempt_model.create(
                        dict(
                            vals,
                            result="failed",
                            date_end=now,
                            note=_(
                                "%(name)s is away: %(status)s.",
                                name=person.name,
                                status=label,
                            ),
                        )
                    )
                vals["note"] = _(
                    "%(name)s is away (%(status)s): %(replacement)s instead.",
                    name=person.name,
                    status=label,
                    replacement=replaced.name,
                )
                person = replaced
                vals["interlocutor_id"] = person.id
        destination = step._destination(step.channel, person)
        if not destination:
            return attempt_model.create(
                dict(
                    vals,
                    result="failed",
                    date_end=now,
                    note=_("%s has no number or email for this channel.", person.name),
                )
            )
        vals["destination"] = destination
        if step.channel in ("sms", "email"):
            message, notes = self._send_message(person, step.channel)
            if not message:
                return attempt_model.create(
                    dict(vals, result="failed", date_end=now, note=" ".join(notes))
                )
            vals["message_id"] = message.id
        return attempt_model.create(vals)

    def _send_message(self, person, channel):
        """A critical message to ``person``, sent by ``channel`` after commit.
        Returns ``(message, notes)``; no message when it cannot be sent."""
        self.ensure_one()
        call = self.call_id
        client = self.client_id
        env = self.with_context(lang=client.lang or self.env.lang).env
        message_model = self.env["permanence.message"].sudo()
        delivery_model = self.env["permanence.message.delivery"]
        body = Markup("<p>%s</p>") % env._(
            "Emergency: %(reason)s. Please call the answering service back or "
            "confirm with the link.",
            reason=call.reason_id.name or call.name,
        )
        if call.notes:
            body += Markup("<p>%s</p>") % call.notes
        message = message_model.create(
            {
                "client_id": client.id,
                "call_id": call.id,
                "recipient_ids": [Command.set(person.ids)],
                "caller_name": call.caller_name or call.partner_id.name,
                "caller_company": call.caller_company,
                "caller_phone": call.caller_number or call.caller_number_raw,
                "caller_email": call.caller_email or call.partner_id.email,
                "urgency": "critical",
                "subject": env._(
                    "EMERGENCY — %s",
                    call.reason_id.name or call.caller_name or call.name,
                ),
                "body": body,
            }
        )
        deliveries, notes = delivery_model._plan(
            message, person, lambda interlocutor: channel
        )
        if not deliveries.filtered(lambda d: d.interlocutor_id == person):
            message.unlink()
            return message_model.browse(), notes
        # Escalation is ours: the message's own escalation stays off.
        message.write(
            {
                "state": "sent",
                "date_sent": fields.Datetime.now(),
                "escalation_due_at": False,
            }
        )
        delivery_model._trigger()
        return message, notes

    def _close_attempt(self, result, note=None):
        self.ensure_one()
        attempt = self.current_attempt_id
        if attempt and attempt.result == "pending":
            vals = {"result": result, "date_end": fields.Datetime.now()}
            if note:
                vals["note"] = note
            attempt.write(vals)
        return attempt

    def _advance(self, result):
        """The current step ended with ``result``: reached, next step or
        fallback."""
        for emergency in self:
            if emergency.state != "running":
                continue
            attempt = emergency._close_attempt(result)
            position, index = emergency_tools.next_position(
                len(emergency._steps()), emergency.step_index, result
            )
            if position == "reached":
                emergency._mark_reached(attempt, result)
            elif position == "step":
                emergency._enter_step(index)
            else:
                emergency._enter_fallback()
        return True

    def _enter_fallback(self):
        """Nobody took it: alert the supervisor, show the fallback."""
        self.ensure_one()
        protocol = self.protocol_id
        now = fields.Datetime.now()
        attempt = self.env["permanence.emergency.attempt"].create(
            {
                "emergency_id": self.id,
                "channel": "fallback",
                "destination": protocol.fallback_number,
                "date_start": now,
                "note": protocol.fallback_instructions,
                "user_id": protocol.fallback_user_id.id or self.env.user.id,
            }
        )
        self.write(
            {
                "state": "fallback",
                "step_id": False,
                "current_attempt_id": attempt.id,
                "due_at": False,
            }
        )
        if protocol.fallback_user_id:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=protocol.fallback_user_id.id,
                summary=_("Emergency: nobody reached"),
                note=_(
                    "Nobody could be reached for %(call)s (%(client)s).",
                    call=self.call_id.name,
                    client=self.client_id.display_name,
                ),
            )
        self.message_post(
            body=_("Nobody reached: fallback. %s", protocol.fallback_instructions or "")
        )
        return attempt

    def _mark_reached(self, attempt, result, when=None):
        """``attempt``'s person took the emergency: it stops here."""
        self.ensure_one()
        when = when or fields.Datetime.now()
        attempt.write({"result": result, "date_end": attempt.date_end or when})
        (self.attempt_ids - attempt).filtered(lambda a: a.result == "pending").write(
            {"result": "cancelled", "date_end": when}
        )
        self.write(
            {
                "state": "reached",
                "date_reached": when,
                "date_end": when,
                "due_at": False,
                "reached_interlocutor_id": attempt.interlocutor_id.id,
                "reach_duration": emergency_tools.reach_duration(self.date_start, when),
            }
        )
        self.sudo().activity_ids.action_feedback(feedback=_("Reached."))
        how = dict(attempt._fields["result"]._description_selection(self.env))[result]
        body = _(
            "Emergency taken by %(name)s (%(how)s).",
            name=attempt.interlocutor_id.name or attempt.destination or "-",
            how=how,
        )
        self.message_post(body=body)
        call = self.call_id
        if call.state != "done":
            call._finish("escalated", body=body)
        else:
            call.message_post(body=body)
        return True

    # Cron ------------------------------------------------------------------

    @api.model
    def _cron_advance(self, limit=200):
        """Stop the escalations acknowledged by link, then run the steps
        that are due. Returns how many emergencies moved."""
        attempts = (
            self.env["permanence.emergency.attempt"]
            .sudo()
            .search(
                [
                    ("emergency_id.state", "in", OPEN_STATES),
                    ("message_id.state", "in", ("acknowledged", "done")),
                    ("result", "not in", ("accepted", "acknowledged", "failed")),
                ],
                order="id",
            )
        )
        batch = self.env["permanence.batch"]
        moved = seen = self.browse()
        for attempt in attempts:
            emergency = attempt.emergency_id
            if emergency in seen or emergency.state not in OPEN_STATES:
                continue
            seen |= emergency
            with batch._row("_advance_set_aside", emergency) as row:
                emergency._mark_reached(
                    attempt,
                    "acknowledged",
                    when=attempt.message_id.date_acknowledged or fields.Datetime.now(),
                )
            if not row.error:
                moved |= emergency
        due = self.sudo().search(
            [
                ("state", "=", "running"),
                ("due_at", "!=", False),
                ("due_at", "<=", fields.Datetime.now()),
                ("id", "not in", seen.ids),
            ],
            limit=limit,
            order="due_at, id",
        )
        for emergency in due:
            with batch._row("_advance_set_aside", emergency) as row:
                emergency._advance("timeout")
            if not row.error:
                moved |= emergency
        return len(moved)

    def _advance_set_aside(self, error):
        """An unexpected error stopped the automatic escalation of these
        emergencies (called apart from the batch): no more automatic step;
        the emergency stays open for the operators, who carry on by hand,
        and the fallback person (or the account manager) is told."""
        self.write({"due_at": False})
        for emergency in self:
            note = emergency.env._(
                "The automatic escalation stopped on an unexpected error: "
                "%s. Carry on by hand with the on-call list.",
                error,
            )
            emergency.message_post(body=note)
            responsible = (
                emergency.protocol_id.fallback_user_id
                or emergency.client_id.user_id
                or emergency.env.ref("base.user_admin")
            )
            emergency.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=responsible.id,
                summary=emergency.env._("Emergency: escalation stopped"),
                note=note,
            )

    # Operator buttons ------------------------------------------------------

    def _check_open(self, states=("running",)):
        for emergency in self:
            if emergency.state not in states:
                raise UserError(
                    _(
                        "The emergency %(name)s is %(state)s: nothing left to do.",
                        name=emergency.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[emergency.state],
                    )
                )

    def action_reached(self):
        """The person answered and takes the emergency."""
        check_rights(self, "write", OPERATOR)
        self._check_open(OPEN_STATES)
        for emergency in self:
            emergency._mark_reached(emergency.current_attempt_id, "accepted")
        return True

    def action_no_answer(self):
        check_rights(self, "write", OPERATOR)
        self._check_open()
        return self._advance("no_answer")

    def action_refused(self):
        check_rights(self, "write", OPERATOR)
        self._check_open()
        return self._advance("refused")

    def action_fallback_done(self):
        """The operator applied the fallback instruction."""
        check_rights(self, "write", OPERATOR)
        self._check_open(("fallback",))
        now = fields.Datetime.now()
        for emergency in self:
            emergency._close_attempt("fallback")
            emergency.write({"state": "closed", "date_end": now})
            call = emergency.call_id
            body = _("Emergency closed after the fallback.")
            if call.state != "done":
                call._finish("escalated", body=body)
            else:
                call.message_post(body=body)
        return True

    def action_cancel(self):
        """False alarm, or the caller solved it."""
        check_rights(self, "write", OPERATOR)
        self._check_open(OPEN_STATES)
        now = fields.Datetime.now()
        for emergency in self:
            emergency.attempt_ids.filtered(lambda a: a.result == "pending").write(
                {"result": "cancelled", "date_end": now}
            )
            emergency.write({"state": "cancelled", "date_end": now, "due_at": False})
            emergency.message_post(
                body=_("Emergency cancelled by %s.", self.env.user.name)
            )
        return True

    def action_dial(self):
        """Dial the current step's number: through the PBX when
        permanence_voip is installed, else show it to dial by hand."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        number = self.current_destination or (
            self.state == "fallback" and self.fallback_number
        )
        if not number:
            raise UserError(_("There is no number to dial at this step."))
        pbx_model = self._voip_model()
        if pbx_model is not None:
            try:
                pbx_model._dial_for_user(number)
            except UserError as error:
                return self._notify(
                    _("Dial %(number)s by hand: %(error)s", number=number, error=error),
                    "warning",
                )
            return self._notify(_("Dialling %s…", number), "info")
        return self._notify(_("Dial %s", number), "info")

    def _notify(self, text, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Emergency"),
                "message": text,
                "type": kind,
                "sticky": kind == "warning",
            },
        }

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "permanence.emergency",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
