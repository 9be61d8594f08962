import logging
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights

from ..tools import events

_logger = logging.getLogger(__name__)

OPERATOR_GROUP = "permanence_telephonique.group_permanence_operator"
SUPERVISOR_GROUP = "permanence_telephonique.group_permanence_supervisor"
# Calls still ringing that a (re)loaded screen pops up again.
RINGING_RECENT_MINUTES = 10
RINGING_LIMIT = 20
# Calls written by the PBX (events, call records): no creation log, no
# follower, and no "you have been assigned" mail when the operator is set.
MACHINE_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_auto_subscribe_no_notify": True,
    "permanence_voip_event": True,
}
TRANSFER_STATES = [
    ("announcing", "Announcing"),
    ("accepted", "Accepted"),
    ("refused", "Refused"),
]


class PermanenceCall(models.Model):
    _inherit = "permanence.call"

    pbx_id = fields.Many2one(
        comodel_name="permanence.voip.pbx",
        string="PBX",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    recording_url = fields.Char(
        string="Recording", readonly=True, help="Link to the call's recording."
    )
    date_hangup = fields.Datetime(
        string="Hung up", readonly=True, help="When the PBX reported the hang-up."
    )
    transfer_number = fields.Char(
        string="Transferred to number", readonly=True, copy=False
    )
    transfer_state = fields.Selection(
        selection=TRANSFER_STATES,
        string="Announced transfer",
        readonly=True,
        copy=False,
        tracking=True,
    )
    transfer_channel = fields.Char(
        string="Interlocutor channel",
        readonly=True,
        copy=False,
        help="PBX channel of the interlocutor during an announced transfer.",
    )
    date_closed = fields.Datetime(
        string="Sheet closed",
        readonly=True,
        copy=False,
        help="When the operator closed the call sheet (the end of the wrap-up).",
    )
    wrapup_duration = fields.Integer(
        string="Wrap-up (s)",
        compute="_compute_wrapup_duration",
        store=True,
        help="Time from the hang-up to the call sheet being closed.",
    )

    def init(self):
        res = super().init()
        # The purge finds the expired recording links without a scan
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS permanence_call_recording_idx "
            "ON permanence_call (client_id, date_start, id) "
            "WHERE recording_url IS NOT NULL"
        )
        # The wallboard finds the live calls without a scan of the day's calls
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS permanence_call_live_idx "
            "ON permanence_call (company_id, date_start) "
            "WHERE state IN ('ringing', 'ongoing')"
        )
        return res

    def _permanence_access_kind(self, fnames):
        """Opening a call with its recording link is logged as such."""
        if (
            len(self) == 1
            and "recording_url" in (fnames or [])
            and self.sudo().recording_url
        ):
            return "recording"
        return super()._permanence_access_kind(fnames)

    @api.depends("date_hangup", "date_closed")
    def _compute_wrapup_duration(self):
        for call in self:
            call.wrapup_duration = (
                max(0, int((call.date_closed - call.date_hangup).total_seconds()))
                if call.date_hangup and call.date_closed
                else 0
            )

    @api.model
    def _permanence_service_level(self, domain):
        """Per client: the service figures (tools/figures.py) of the calls of
        ``domain``."""
        return {
            client: values
            for (client,), values in self._permanence_figures(
                domain, ["client_id"]
            ).items()
        }

    # Telephony events ------------------------------------------------------

    def _voip_values(self):
        self.ensure_one()
        return {key: self[key] for key in events.CALL_KEYS}

    @api.model
    def _voip_find_operator(self, pbx, token):
        """The internal user of the PBX's company whose login or PBX
        extension is ``token``."""
        if not token:
            return self.env["res.users"]
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", pbx.company_id.ids),
                    "|",
                    ("permanence_extension", "=", token),
                    ("login", "=", token),
                ],
                limit=1,
            )
        )

    @api.model
    def _voip_create_values(self, pbx, event, changes):
        called = pbx._e164(event["to"])
        client = pbx._find_client_number(called).client_id
        e164 = pbx._e164(event["from"])
        found = self.env["res.partner"]._permanence_voip_lookup(
            e164, company=pbx.company_id, client=client
        )
        return {
            "external_id": event["call_id"],
            "company_id": pbx.company_id.id,
            "pbx_id": pbx.id,
            "client_id": client.id,
            "direction": "inbound",
            "caller_number_raw": event["from"] or False,
            "called_number": called or event["to"] or False,
            "partner_id": found["partner"].id,
            "user_id": False,
            **changes,
        }

    @api.model
    def _voip_changes(self, pbx, call, event):
        """What ``event`` changes on ``call`` (empty: a new call)."""
        changes = events.apply(call._voip_values() if call else None, event)
        changes = {key: (value or False) for key, value in changes.items()}
        if event["event"] == "answered" and event["operator"]:
            user = self._voip_find_operator(pbx, event["operator"])
            if user and user != call.user_id:
                changes["user_id"] = user.id
        return changes

    @api.model
    def _voip_process(self, pbx, event):
        """Apply a validated ``event`` from ``pbx``; return the call and
        what happened (created, updated, unchanged). Runs as superuser in the
        PBX's company: the caller has checked the signature. The PBX is a
        machine: it writes as OdooBot (not the public user of the request)
        and assigning the operator notifies nobody (still tracked)."""
        Call = (
            self.with_user(SUPERUSER_ID)
            .with_company(pbx.company_id)
            .with_context(**MACHINE_CONTEXT)
        )
        domain = [
            ("company_id", "=", pbx.company_id.id),
            ("external_id", "=", event["call_id"]),
        ]
        if event["transfer_to"]:
            event = dict(
                event,
                transfer_to=pbx._e164(event["transfer_to"]) or event["transfer_to"],
            )
        # The events of one call are processed one at a time, whatever
        # arrives together; the lock is released at commit. The caller's
        # transaction reads in READ COMMITTED (see the controller), so the
        # search below sees the call the previous holder created.
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [events.lock_key(pbx.company_id.id, event["call_id"])],
        )
        call = Call.search(domain, limit=1)
        before, result = None, None
        if not call:
            changes = self._voip_changes(pbx, call, event)
            try:
                with self.env.cr.savepoint():
                    call = Call.create(self._voip_create_values(pbx, event, changes))
                result = "created"
            except pg_errors.UniqueViolation:
                # Created meanwhile by a writer that does not take the lock
                # (a CDR import): committed, hence visible now.
                call = Call.search(domain, limit=1)
                if not call:
                    raise
        if not result:
            before = call.state
            changes = self._voip_changes(pbx, call, event)
            if changes:
                call.write(changes)
                result = "updated"
            else:
                result = "unchanged"
        if changes.get("transfer_number"):
            call.message_post(
                body=_("The PBX transferred the call to %s.", call.transfer_number)
            )
        call._voip_follow_operator(event["event"], changes)
        if result == "created" and call.state == "ringing":
            call._voip_notify_ring()
        elif before in (None, "ringing") and call.state != "ringing":
            call._voip_notify_close()
        if result != "unchanged":
            self.env["permanence.wallboard"]._wallboard_push_calls(call)
        self.env["permanence.voip.event"].sudo().create(
            {
                "pbx_id": pbx.id,
                "call_id": call.id,
                "event": event["event"],
                "external_id": event["call_id"],
                "timestamp": event["timestamp"],
                "body": event.get("raw"),
                "result": result,
            }
        )
        _logger.info(
            "PBX %s: %s of call %s -> %s %s",
            pbx.code,
            event["event"],
            event["call_id"],
            result,
            call.id,
        )
        return call, result

    def _voip_follow_operator(self, kind, changes):
        """The operator's state follows the PBX: on a call once answered,
        in wrap-up once the caller hung up or was transferred (until the
        sheet is closed)."""
        self.ensure_one()
        user = self.user_id.sudo()
        if not user:
            return
        if "user_id" in changes and kind == "answered":
            user.permanence_presence = "busy"
        elif (
            kind in ("hangup", "transferred")
            and self.date_answer
            and user.permanence_presence == "busy"
        ):
            user.permanence_presence = "wrapup"

    def _voip_answer(self):
        """What the PBX gets back: the call sheet, its client and caller."""
        self.ensure_one()
        return {
            "call_id": self.id,
            "client": {
                "id": self.client_id.id or None,
                "name": self.client_id.name or None,
                "greeting": self.client_id.greeting_script or None,
            },
            "caller": {
                "name": self.partner_id.name or None,
                "partner_id": self.partner_id.id or None,
            },
        }

    # Screen pop ------------------------------------------------------------

    def _voip_operators(self, available_only=True):
        """Internal operators of the call's company allowed for its client:
        everyone for an ordinary client, the allowed operators and the
        supervisors for a confidential one, supervisors only without client."""
        self.ensure_one()
        operator = self.env.ref(OPERATOR_GROUP)
        supervisor = self.env.ref(SUPERVISOR_GROUP)
        domain = [
            ("share", "=", False),
            ("company_ids", "in", self.company_id.ids),
            ("groups_id", "in", operator.ids),
        ]
        if available_only:
            domain.append(("permanence_presence", "=", "available"))
        client = self.client_id.sudo()
        if not client:
            domain.append(("groups_id", "in", supervisor.ids))
        elif client.confidential:
            domain += [
                "|",
                ("id", "in", client.allowed_operator_ids.ids),
                ("groups_id", "in", supervisor.ids),
            ]
        return self.env["res.users"].sudo().search(domain)

    def _voip_ring_payload(self):
        self.ensure_one()
        caller = self.caller_name or self.partner_id.name or self.caller_company
        if caller and self.caller_company and self.caller_company != caller:
            caller = f"{caller} ({self.caller_company})"
        return {
            "call_id": self.id,
            "client": self.client_id.name or _("Unknown number"),
            "date_start": fields.Datetime.to_string(self.date_start),
            "wait": max(
                0, int((fields.Datetime.now() - self.date_start).total_seconds())
            ),
            "caller": caller or "",
            "number": self.caller_number_display
            or (_("Withheld number") if self.caller_withheld else ""),
        }

    @api.model
    def permanence_voip_ringing(self):
        """The pop-ups the current operator would have got for the calls
        ringing now: a screen (re)loaded while a call rings still shows it.
        Read as the operator, so record rules keep confidential clients'
        calls for their allowed operators."""
        try:
            check_rights(self, "read", OPERATOR)
        except AccessError:
            return []  # not an operator: no pop-up, whatever the screen
        user = self.env.user
        since = fields.Datetime.now() - timedelta(minutes=RINGING_RECENT_MINUTES)
        calls = self.search(
            [
                ("state", "=", "ringing"),
                ("direction", "=", "inbound"),
                ("create_date", ">=", since),
            ],
            order="date_start",
            limit=RINGING_LIMIT,
        )
        return [
            call._voip_ring_payload()
            for call in calls
            if user in call._voip_operators()
        ]

    @api.model
    def permanence_voip_queue(self):
        """The queue panel: the calls ringing now that the current operator
        may take (confidential clients for their allowed operators only),
        oldest first, whatever the operator's state."""
        try:
            check_rights(self, "read", OPERATOR)
        except AccessError:
            return []
        user = self.env.user
        since = fields.Datetime.now() - timedelta(minutes=RINGING_RECENT_MINUTES)
        calls = self.search(
            [
                ("state", "=", "ringing"),
                ("direction", "=", "inbound"),
                ("user_id", "=", False),
                ("create_date", ">=", since),
            ],
            order="date_start, id",
            limit=RINGING_LIMIT,
        )
        return [
            call._voip_ring_payload()
            for call in calls
            if user in call._voip_operators(available_only=False)
        ]

    def action_voip_take(self):
        """Take a ringing call from the queue: it becomes the current
        operator's (refused if someone else took it meanwhile), the PBX is
        asked to put it through to the operator's phone where it can, and
        the console opens on it."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        user = self.env.user
        if user not in self._voip_operators(available_only=False):
            raise UserError(_("You may not take the calls of this client."))
        # One operator takes the call: the row is locked until commit; a
        # second operator clicking at the same moment is told at once.
        self.flush_recordset(["user_id", "state"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT user_id, state FROM permanence_call "
                    "WHERE id = %s FOR UPDATE NOWAIT",
                    [self.id],
                )
                taker_id, state = self.env.cr.fetchone()
        except pg_errors.LockNotAvailable as error:
            raise UserError(
                _("Another operator is taking this call right now.")
            ) from error
        if taker_id and taker_id != user.id:
            raise UserError(
                _(
                    "%s has already taken this call.",
                    self.env["res.users"].sudo().browse(taker_id).name,
                )
            )
        if state == "done":
            raise UserError(_("The caller has hung up."))
        self.invalidate_recordset(["user_id", "state"])
        was_ringing = state == "ringing"
        now = fields.Datetime.now()
        vals = {"user_id": user.id}
        if was_ringing:
            vals.update(state="ongoing", date_answer=self.date_answer or now)
        self.sudo().with_context(mail_auto_subscribe_no_notify=True).write(vals)
        if self.external_id and self.pbx_id:
            self._voip_pbx()._pickup(self, user)
        user.sudo().permanence_presence = "busy"
        if was_ringing:
            self._voip_notify_close()
        return self.action_open_console()

    def _voip_notify_ring(self):
        """Pop the call on the screens of the available operators allowed
        for it."""
        for call in self:
            payload = call._voip_ring_payload()
            for user in call._voip_operators():
                user._bus_send("permanence_voip/ring", payload)

    def _voip_notify_close(self):
        """Close the ring notifications: someone answered, or the caller hung
        up. The operator who answered gets the console opened."""
        for call in self:
            payload = {"call_id": call.id, "answered_by": call.user_id.id or False}
            for user in call._voip_operators(available_only=False) | call.user_id:
                user._bus_send("permanence_voip/close", payload)

    # Keeping the PBX's times -----------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        if not self.env.context.get("permanence_voip_event"):
            # A call sheet opened by hand: on the boards (the PBX's calls are
            # pushed once their event is processed).
            self.env["permanence.wallboard"]._wallboard_push_calls(calls)
        return calls

    def write(self, vals):
        if vals.get("state") == "done" and "date_closed" not in vals:
            vals = dict(vals, date_closed=fields.Datetime.now())
        res = super().write(vals)
        if {"state", "user_id"} & set(vals) and not self.env.context.get(
            "permanence_voip_event"
        ):
            self.env["permanence.wallboard"]._wallboard_push_calls(self)
        if vals.get("date_end") and not self.env.context.get("permanence_voip_event"):
            # The console closes the sheet after the wrap-up: the call itself
            # ended when the PBX said so.
            for call in self.filtered(
                lambda c: c.date_hangup and c.date_end and c.date_end > c.date_hangup
            ):
                super(PermanenceCall, call).write({"date_end": call.date_hangup})
        if vals.get("state") == "done" and not self.env.context.get(
            "permanence_voip_event"
        ):
            # The sheet is closed: the wrap-up is over. An operator put on
            # a break meanwhile stays on it.
            self.user_id.sudo().filtered(
                lambda u: u.permanence_presence in ("busy", "wrapup")
            ).write({"permanence_presence": "available"})
        return res

    # Console actions -------------------------------------------------------

    def _voip_pbx(self):
        self.ensure_one()
        return self.pbx_id.sudo() or self.env["permanence.voip.pbx"]._for_company(
            self.company_id
        )

    def action_voip_dial(self):
        """Call the caller back from the operator's phone."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        if not self.caller_number:
            raise UserError(_("This call has no caller number to dial."))
        self._voip_pbx()._dial(self.caller_number, self.env.user)
        self.message_post(body=_("Called back %s.", self.caller_number))
        return True

    def action_voip_announce(self):
        """Announced transfer, first step: hold the caller and ring the
        interlocutor, whom the operator announces the caller to."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        self._check_can_transfer()
        interlocutor = self.transfer_interlocutor_id
        if not self.external_id:
            raise UserError(
                _("This call did not come through the PBX: transfer it by hand.")
            )
        number = interlocutor._transfer_target()
        if not number:
            raise UserError(_("%s has no number to transfer to.", interlocutor.name))
        channel = self._voip_pbx()._transfer(
            "announce", self, number=number, user=self.env.user
        )
        self.write(
            {
                "transfer_state": "announcing",
                "transfer_channel": channel or False,
                "transfer_number": number,
            }
        )
        self.message_post(
            body=_(
                "Caller on hold, announcing the call to %(name)s (%(number)s).",
                name=interlocutor.name,
                number=number,
            )
        )
        return True

    def action_voip_transfer_accept(self):
        """The interlocutor takes the call: connect them with the caller."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        if self.transfer_state != "announcing":
            raise UserError(_("Announce the call first."))
        self._voip_pbx()._transfer(
            "accept", self, user=self.env.user, consult_id=self.transfer_channel
        )
        self.write({"transfer_state": "accepted"})
        # They took the call themselves: a status saying they are away (set
        # before) no longer stands in the way.
        return self.with_context(permanence_transfer_accepted=True).action_transfer()

    def action_voip_transfer_refuse(self):
        """The interlocutor does not take the call: back to the caller, who
        leaves a message."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        if self.transfer_state != "announcing":
            raise UserError(_("Announce the call first."))
        self._voip_pbx()._transfer(
            "refuse", self, user=self.env.user, consult_id=self.transfer_channel
        )
        self.write({"transfer_state": "refused", "transfer_channel": False})
        self.message_post(
            body=_(
                "%s did not take the call: back to the caller, take a message.",
                self.transfer_interlocutor_id.name,
            )
        )
        return True
