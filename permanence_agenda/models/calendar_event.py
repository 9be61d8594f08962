import base64
import logging
from contextlib import contextmanager
from datetime import timedelta

import psycopg2
import pytz
from psycopg2 import errorcodes

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime, sql

from odoo.addons.permanence_telephonique.tools import context as ui_context
from odoo.addons.permanence_telephonique.tools import phone
from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights

from ..tools import ical

_logger = logging.getLogger(__name__)

BOOKING_STATES = [("booked", "Booked"), ("cancelled", "Cancelled")]
NO_OVERLAP = "calendar_event_permanence_agenda_no_overlap"
# Errors meaning "someone else took the slot first".
CONFLICT_CODES = (errorcodes.EXCLUSION_VIOLATION, errorcodes.SERIALIZATION_FAILURE)
FRESH_SLOTS = 5
# Babel pattern of a slot shown to people: weekday, date and time.
SLOT_FORMAT = "EEE d MMM y, HH:mm"


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _inherit = ["calendar.event", "permanence.phone.mixin", "permanence.client.owned"]
    _phone_search_fields = {"caller_number": ("caller_number",)}
    # What a client's portal user may read of the fields our addons add
    # (over JSON-RPC as well): the others are internal
    # (see permanence_telephonique's base._setup_complete).
    _permanence_portal_fields = (
        "agenda_id",
        "appointment_type_id",
        "client_id",
        "booking_state",
        "caller_name",
    )

    agenda_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.agenda",
        string="Shared agenda",
        ondelete="restrict",
        index="btree_not_null",
    )
    appointment_type_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.appointment.type",
        ondelete="restrict",
        index="btree_not_null",
    )
    client_id = fields.Many2one(
        related="agenda_id.client_id",
        store=True,
        index="btree_not_null",
        string="Client account",
    )
    company_id = fields.Many2one(
        related="agenda_id.company_id", store=True, string="Company"
    )
    call_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.call",
        string="Booked during call",
        ondelete="set null",
        index="btree_not_null",
        copy=False,
    )
    booking_state = fields.Selection(
        selection=BOOKING_STATES, copy=False, index="btree_not_null"
    )
    caller_name = fields.Char()
    caller_number = fields.Char(
        index="btree_not_null",
        help="Caller's number in E.164, to find the "
        "appointment again when the caller calls back.",
    )
    caller_email = fields.Char()
    booking_reason = fields.Char(string="Reason")
    booking_buffer_before = fields.Integer(string="Buffer before (minutes)")
    booking_buffer_after = fields.Integer(string="Buffer after (minutes)")
    booking_start = fields.Datetime(
        compute="_compute_booking_span",
        store=True,
        help="Start of the time the booking keeps busy, buffer included.",
    )
    booking_stop = fields.Datetime(compute="_compute_booking_span", store=True)
    booking_sequence = fields.Integer(default=0, copy=False)

    @api.depends("start", "stop", "booking_buffer_before", "booking_buffer_after")
    def _compute_booking_span(self):
        for event in self:
            if event.start and event.stop:
                event.booking_start = event.start - timedelta(
                    minutes=event.booking_buffer_before
                )
                event.booking_stop = event.stop + timedelta(
                    minutes=event.booking_buffer_after
                )
            else:
                event.booking_start = event.booking_stop = False

    def init(self):
        """No two live bookings of one agenda overlap, whoever writes them:
        a PostgreSQL exclusion constraint over the booked span."""
        super().init()
        cr = self.env.cr
        if sql.constraint_definition(cr, self._table, NO_OVERLAP):
            return
        agenda_key = SQL("agenda_id WITH =")
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        except psycopg2.Error:
            # Without btree_gist (not allowed to create it), compare the
            # agenda as a one-value range, which gist supports natively.
            _logger.info("btree_gist unavailable, agenda compared as a range")
            agenda_key = SQL("int4range(agenda_id, agenda_id, '[]') WITH &&")
        cr.execute(
            SQL(
                """ALTER TABLE %s ADD CONSTRAINT %s EXCLUDE USING gist (
                       %s, tsrange(booking_start, booking_stop, '[)') WITH &&
                   ) WHERE (agenda_id IS NOT NULL AND booking_state = 'booked'
                            AND active AND booking_start IS NOT NULL
                            AND booking_stop IS NOT NULL)""",
                SQL.identifier(self._table),
                SQL.identifier(NO_OVERLAP),
                agenda_key,
            )
        )

    # Booking ---------------------------------------------------------------

    @api.model
    def _permanence_book(self, appointment_type, agenda, start, vals=None):
        """Book ``agenda`` for ``appointment_type`` at ``start`` (naive UTC).

        Checked twice: in Python with a reason the operator can tell the
        caller, then by the database, which refuses an overlap even when two
        operators book the same slot at the same moment. Both end in a
        UserError listing fresh slots."""
        self = self._permanence_clean_context()
        refusal = appointment_type._slot_refusal(agenda, start)
        if refusal:
            raise UserError(self._with_fresh_slots(refusal, appointment_type, agenda))
        stop = start + timedelta(minutes=appointment_type.duration)
        values = {
            "name": appointment_type.name,
            "start": start,
            "stop": stop,
            "agenda_id": agenda.id,
            "appointment_type_id": appointment_type.id,
            "booking_state": "booked",
            "booking_buffer_before": appointment_type.buffer_before,
            "booking_buffer_after": appointment_type.buffer_after,
            "location": appointment_type.location,
            "user_id": False,
            "show_as": "busy",
            # Not tied to the screen's active record (no meeting activity).
            "res_model_id": False,
            "res_id": False,
        }
        values.update(vals or {})
        partners = agenda.partner_id | self.env["res.partner"].browse(
            values.pop("caller_partner_id", False) or []
        )
        values["partner_ids"] = [Command.set(partners.ids)]
        with self._slot_guard(appointment_type, agenda, (start, stop)):
            event = self.with_context(no_mail_to_attendees=True).create(values)
            event.flush_recordset()
        return event

    def _permanence_clean_context(self):
        """These records without the keys of the screen that asked for them
        (``active_model``/``active_id``, ``default_*``): calendar and mail
        would otherwise tie what they create to the console's call."""
        return self.with_env(
            self.env(context=ui_context.without_ui_keys(self.env.context))
        )

    def _permanence_move(self, start, agenda=None):
        """Move the booking to ``start`` (naive UTC), possibly to another
        agenda of the same type; same checks as a new booking."""
        self.ensure_one()
        self = self._permanence_clean_context()
        atype = self.appointment_type_id
        agenda = agenda or self.agenda_id
        # The booking itself does not collide with its new time.
        previous = {"booking_state": "booked", "active": True}
        self.sudo().write({"booking_state": "cancelled"})
        refusal = atype._slot_refusal(agenda, start)
        if refusal:
            self.sudo().write(previous)
            raise UserError(self._with_fresh_slots(refusal, atype, agenda))
        partner_commands = []
        if agenda != self.agenda_id:
            if self.agenda_id.partner_id:
                partner_commands.append(Command.unlink(self.agenda_id.partner_id.id))
            if agenda.partner_id:
                partner_commands.append(Command.link(agenda.partner_id.id))
        stop = start + timedelta(minutes=atype.duration)
        with self._slot_guard(atype, agenda, (start, stop)):
            self.write(
                {
                    "start": start,
                    "stop": stop,
                    "agenda_id": agenda.id,
                    "partner_ids": partner_commands,
                    "booking_state": "booked",
                    "booking_sequence": self.booking_sequence + 1,
                }
            )
            self.flush_recordset()
        self._permanence_notify("moved")
        return True

    def action_permanence_cancel(self):
        """Cancel bookings: the slot is free again, the caller and the
        interlocutor are told."""
        check_rights(self, "write", OPERATOR)
        self = self._permanence_clean_context()
        for event in self.filtered(lambda e: e.booking_state == "booked"):
            event.write(
                {
                    "booking_state": "cancelled",
                    "booking_sequence": event.booking_sequence + 1,
                }
            )
            event._permanence_notify("cancelled")
            event.action_archive()
        return True

    @api.model
    @contextmanager
    def _slot_guard(self, appointment_type, agenda, span):
        """Write a booking in a savepoint; when the database refuses it
        because another transaction has just taken the slot, say so with
        fresh slots instead of failing."""
        try:
            with self.env.cr.savepoint():
                yield
        except psycopg2.Error as exc:
            if exc.pgcode not in CONFLICT_CODES:
                raise
            raise UserError(
                self._with_fresh_slots(
                    _("Another operator has just booked this slot."),
                    appointment_type,
                    agenda,
                    taken=span,
                )
            ) from None

    def _with_fresh_slots(self, message, appointment_type, agenda, taken=None):
        """``message`` followed by the next free slots. ``taken`` is the span
        another transaction has just booked: this transaction cannot see it
        yet, so it is left out explicitly."""

        def free(slot):
            return not taken or (
                slot["stop"] <= taken[0]
                or slot["start"] >= taken[1]
                or slot["agenda"] != agenda
            )

        margin = FRESH_SLOTS + (appointment_type.duration // 5 if taken else 0)
        fresh = list(
            filter(free, appointment_type._find_slots(agendas=agenda, limit=margin))
        )[:FRESH_SLOTS]
        if not fresh:
            fresh = appointment_type._find_slots(limit=FRESH_SLOTS)
        if not fresh:
            return _("%s No free slot is left in the booking horizon.", message)
        lines = "\n".join(
            f"- {self._format_local(slot['start'], slot['agenda'])} "
            f"({slot['agenda'].name})"
            for slot in fresh
        )
        return _(
            "%(message)s\nNext free slots:\n%(slots)s", message=message, slots=lines
        )

    @api.model
    def _format_local(self, when, agenda, lang=None):
        """``when`` (naive UTC) in the agenda's client's time zone, with the
        weekday, in ``lang`` (default: the current one): "lun. 30 nov. 2026,
        10:00" in French, "Mon 30 Nov 2026, 10:00" in English."""
        return format_datetime(
            self.env,
            when,
            tz=agenda.sudo().client_id.tz or "UTC",
            dt_format=SLOT_FORMAT,
            lang_code=lang or self.env.lang or "en_US",
        )

    @api.model
    def _permanence_find_by_number(self, e164, client=None):
        """Future live bookings of the caller ``e164`` (E.164), found on the
        booking or on the caller's contact."""
        if not e164:
            return self.browse()
        domain = [
            ("agenda_id", "!=", False),
            ("booking_state", "=", "booked"),
            ("start", ">=", fields.Datetime.now()),
            "|",
            "|",
            ("caller_number", "=", e164),
            ("partner_ids.phone_e164", "=", e164),
            ("partner_ids.mobile_e164", "=", e164),
        ]
        if client:
            domain.append(("client_id", "=", client.id))
        return self.search(domain, order="start")

    # Notifications ---------------------------------------------------------

    def _ical_values(self, status="CONFIRMED", private=False):
        """The event for iCalendar. ``private``: for a feed that leaves for
        a third-party calendar, the appointment of a confidential client
        carries no caller (name, number, email) nor reason."""
        self.ensure_one()
        event = self.sudo()
        description = "\n".join(
            filter(
                None,
                [
                    event.booking_reason,
                    event.caller_name,
                    event.caller_number,
                    event.caller_email,
                ],
            )
        )
        values = {
            "uid": f"permanence-appointment-{event.id}@{event.agenda_id.company_id.id}",
            "start": pytz.utc.localize(event.start),
            "end": pytz.utc.localize(event.stop),
            "summary": " - ".join(filter(None, [event.name, event.caller_name])),
            "description": description,
            "location": event.location or "",
            "sequence": event.booking_sequence,
            "status": status,
            "organizer": event.agenda_id.company_id.email,
            "attendees": [(p.name, p.email) for p in event.partner_ids],
        }
        if private:
            values.update(
                summary=event.appointment_type_id.name or self.env._("Appointment"),
                description="",
                attendees=[],
            )
        return values

    def _ics_attachment(self, status="CONFIRMED"):
        self.ensure_one()
        method = "CANCEL" if status == "CANCELLED" else "REQUEST"
        text = ical.build_calendar([self._ical_values(status)], method=method)
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "appointment.ics",
                    "datas": base64.b64encode(text.encode()),
                    "mimetype": "text/calendar",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )

    def _permanence_sms_caller(self, what):
        """Text the caller too when they gave a mobile number and the
        company has an SMS gateway; sent after commit by the SMS outbox."""
        self.ensure_one()
        number = self.caller_number
        if not number or not phone.is_mobile(number):
            return
        client = self.agenda_id.client_id
        env = self.with_context(lang=client.lang or self.env.lang).env
        when = self._format_local(self.start, self.agenda_id, lang=env.lang)
        text = {
            "booked": env._(
                "%(client)s: your appointment on %(when)s is confirmed.",
                client=client.name,
                when=when,
            ),
            "moved": env._(
                "%(client)s: your appointment is moved to %(when)s.",
                client=client.name,
                when=when,
            ),
            "cancelled": env._(
                "%(client)s: your appointment on %(when)s is cancelled.",
                client=client.name,
                when=when,
            ),
        }[what]
        self.env["permanence.sms.outbox"]._queue(number, text, record=self)

    def _permanence_notify(self, what):
        """E-mail the caller (with an .ics) and tell the interlocutor.

        ``what`` is ``booked``, ``moved`` or ``cancelled``."""
        template = self.env.ref(
            f"permanence_agenda.mail_template_appointment_{what}",
            raise_if_not_found=False,
        )
        for event in self:
            status = "CANCELLED" if what == "cancelled" else "CONFIRMED"
            email = event.caller_email
            if template and email:
                attachment = event._ics_attachment(status)
                template.sudo().send_mail(
                    event.id,
                    email_values={
                        "email_to": email,
                        "recipient_ids": [],
                        "attachment_ids": [Command.link(attachment.id)],
                    },
                )
            event._permanence_sms_caller(what)
            partner = event.agenda_id.partner_id
            if partner:
                lang = partner.lang or event.agenda_id.sudo().client_id.lang
                env = event.with_context(lang=lang).env
                when = self._format_local(event.start, event.agenda_id, lang=env.lang)
                body = {
                    "booked": env._(
                        "New appointment booked by the answering service: "
                        "%(when)s, %(caller)s.",
                        when=when,
                        caller=event.caller_name or "-",
                    ),
                    "moved": env._(
                        "Appointment moved by the answering service to %(when)s "
                        "(%(caller)s).",
                        when=when,
                        caller=event.caller_name or "-",
                    ),
                    "cancelled": env._(
                        "Appointment of %(when)s cancelled by the answering "
                        "service (%(caller)s).",
                        when=when,
                        caller=event.caller_name or "-",
                    ),
                }[what]
                event.sudo().message_notify(
                    partner_ids=partner.ids,
                    body=body,
                    subject=event.name,
                    email_layout_xmlid="mail.mail_notification_light",
                )
        return True

    def _skip_send_mail_status_update(self):
        # Bookings send their own confirmation with the caller's .ics.
        return super()._skip_send_mail_status_update() or bool(self.agenda_id)

    def action_permanence_open_move(self):
        """Open the booking assistant to move this appointment (from the
        console, when the caller calls back)."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        wizard = self.env["permanence.appointment.booking"].create(
            {
                "event_id": self.id,
                "call_id": self.env.context.get("permanence_call_id"),
                "agenda_id": self.agenda_id.id,
            }
        )
        return wizard._reopen()

    def action_permanence_cancel_from_call(self):
        """Cancel from the console: the call's outcome says so."""
        self.action_permanence_cancel()
        call = (
            self.env["permanence.call"]
            .browse(self.env.context.get("permanence_call_id"))
            .exists()
        )
        if call:
            call.message_post(body=_("Appointment cancelled at the caller's request."))
        return True
