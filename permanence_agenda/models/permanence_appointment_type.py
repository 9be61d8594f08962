from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import slots

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Search windows grow until enough slots are found or the horizon is reached:
# a first page costs a week of data, not the whole horizon.
FIRST_WINDOW_DAYS = 7


class PermanenceAppointmentType(models.Model):
    _name = "permanence.appointment.type"
    _inherit = ["permanence.client.owned"]
    _description = "Appointment type"
    _order = "client_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    duration = fields.Integer(string="Duration (minutes)", default=30, required=True)
    slot_step = fields.Integer(
        string="Slots every (minutes)",
        help="Interval between two proposed start times; the duration when empty.",
    )
    buffer_before = fields.Integer(string="Buffer before (minutes)")
    buffer_after = fields.Integer(string="Buffer after (minutes)")
    min_notice = fields.Float(
        string="Minimum notice (hours)",
        default=2.0,
        help="No appointment is booked sooner than this from now.",
    )
    horizon_days = fields.Integer(
        string="Booking horizon (days)",
        default=60,
        required=True,
        help="No appointment is booked further ahead than this.",
    )
    mon = fields.Boolean(string="Monday", default=True)
    tue = fields.Boolean(string="Tuesday", default=True)
    wed = fields.Boolean(string="Wednesday", default=True)
    thu = fields.Boolean(string="Thursday", default=True)
    fri = fields.Boolean(string="Friday", default=True)
    sat = fields.Boolean(string="Saturday", default=True)
    sun = fields.Boolean(string="Sunday", default=True)
    hour_from = fields.Float(
        string="Not before", help="Earliest start, local time; empty: any."
    )
    hour_to = fields.Float(
        string="Not after", help="Latest end, local time; 0: any time of the day."
    )
    agenda_ids = fields.Many2many(
        check_client=True,
        comodel_name="permanence.agenda",
        relation="permanence_appointment_type_agenda_rel",
        column1="type_id",
        column2="agenda_id",
        string="Who may be booked",
        domain="[('client_id', '=', client_id)]",
    )
    location = fields.Char()
    instructions = fields.Html(
        string="Instructions for the operator",
        help="Shown to the operator when booking, e.g. what to ask the caller.",
    )

    _sql_constraints = [
        ("duration_positive", "CHECK (duration > 0)", "The duration must be positive."),
        (
            "horizon_positive",
            "CHECK (horizon_days > 0)",
            "The booking horizon must be at least one day.",
        ),
        (
            "buffers_positive",
            "CHECK (COALESCE(buffer_before, 0) >= 0 "
            "AND COALESCE(buffer_after, 0) >= 0)",
            "Buffers cannot be negative.",
        ),
    ]

    @api.constrains("hour_from", "hour_to", "slot_step")
    def _check_hours(self):
        for atype in self:
            if not 0 <= atype.hour_from <= 24 or not 0 <= atype.hour_to <= 24:
                raise ValidationError(_("Hours must be between 0:00 and 24:00."))
            if atype.hour_to and atype.hour_to <= atype.hour_from:
                raise ValidationError(_("“Not after” must be later than “Not before”."))
            if atype.slot_step < 0:
                raise ValidationError(_("The slot interval cannot be negative."))

    @api.constrains("agenda_ids", "client_id")
    def _check_agendas(self):
        for atype in self:
            if atype.agenda_ids.client_id - atype.client_id:
                raise ValidationError(
                    _("Only the agendas of the client account may be booked.")
                )

    # Slots -----------------------------------------------------------------

    def _slot_rules(self, tz, now):
        """The type's constraints as :class:`tools.slots.SlotRules`."""
        self.ensure_one()
        weekdays = {day for day, name in enumerate(WEEKDAYS) if self[name]}
        return slots.SlotRules(
            duration=timedelta(minutes=self.duration),
            step=timedelta(minutes=self.slot_step or self.duration),
            buffer_before=timedelta(minutes=self.buffer_before),
            buffer_after=timedelta(minutes=self.buffer_after),
            now=now,
            earliest=now + timedelta(hours=self.min_notice),
            latest=now + timedelta(days=self.horizon_days),
            weekdays=weekdays,
            hour_from=self.hour_from or None,
            hour_to=self.hour_to or None,
            tz=tz,
        )

    def _now(self):
        return pytz.utc.localize(fields.Datetime.now().replace(microsecond=0))

    def _bookable_agendas(self, agendas=None):
        self.ensure_one()
        allowed = self.agenda_ids.filtered("active")
        return allowed & agendas if agendas else allowed

    def _find_slots(self, agendas=None, after=None, limit=10, now=None):
        """The next ``limit`` free slots of this type, for ``agendas`` (one,
        several, or by default any agenda that may be booked), starting after
        ``after`` (aware or naive UTC). Returns a list of dicts with
        ``start``, ``stop`` (naive UTC, as Odoo stores them) and ``agenda``.

        Data is read a window at a time (a week, then doubling), with a fixed
        number of queries per window whatever the number of agendas."""
        self.ensure_one()
        agendas = self._bookable_agendas(agendas).sudo()
        if not agendas:
            return []
        now = now or self._now()
        if after and after.tzinfo is None:
            after = pytz.utc.localize(after)
        rules = self._slot_rules(agendas[0].client_id.tz or "UTC", now)
        window_start = max(filter(None, (rules.earliest, after)))
        found = []
        days = FIRST_WINDOW_DAYS
        while window_start < rules.latest and len(found) < limit:
            window_end = min(window_start + timedelta(days=days), rules.latest)
            found += self._slots_in_window(
                agendas, rules, window_start, window_end, limit - len(found)
            )
            window_start = window_end
            days *= 2
        return found

    def _slots_in_window(self, agendas, rules, window_start, window_end, limit):
        # A day of margin so that intervals are not clipped at the window's
        # edges (slots stay aligned on their interval's start).
        data = agendas._slot_data(
            window_start - timedelta(days=1),
            window_end + rules.duration + timedelta(days=1),
        )
        streams = [
            (agenda, data[agenda.id][0], slots.Busy(data[agenda.id][1]))
            for agenda in agendas
        ]
        found = []
        for start, end, agenda in slots.iter_free_slots_any(
            streams, rules, after=window_start
        ):
            if start >= window_end or len(found) >= limit:
                break
            found.append(
                {
                    "start": start.replace(tzinfo=None),
                    "stop": end.replace(tzinfo=None),
                    "agenda": agenda.with_env(self.env),
                }
            )
        return found

    def _slot_refusal(self, agenda, start, now=None):
        """Why ``agenda`` cannot be booked for this type at ``start`` (naive
        UTC): a translated sentence, or ``None`` when the slot is free."""
        self.ensure_one()
        now = now or self._now()
        agenda = agenda.sudo()
        if agenda not in self.agenda_ids:
            return _(
                "%(agenda)s cannot be booked for “%(type)s”.",
                agenda=agenda.name,
                type=self.name,
            )
        rules = self._slot_rules(agenda.client_id.tz or "UTC", now)
        aware_start = pytz.utc.localize(start)
        aware_end = aware_start + rules.duration
        availability, busy = agenda._slot_data(
            aware_start - timedelta(days=1), aware_end + timedelta(days=1)
        )[agenda.id]
        reason = slots.refusal(aware_start, aware_end, availability, busy, rules)
        return self._refusal_message(reason) if reason else None

    def _refusal_message(self, reason):
        return {
            "past": _("This slot is in the past."),
            "notice": _(
                "This slot is too soon: appointments of this type are booked "
                "at least %s hours ahead.",
                format(self.min_notice, "g"),
            ),
            "horizon": _(
                "This slot is too far ahead: appointments of this type are "
                "booked at most %s days ahead.",
                self.horizon_days,
            ),
            "weekday": _("Appointments of this type are not booked on that day."),
            "hours": _("Appointments of this type are not booked at that time."),
            "availability": _("This slot is outside the agenda's availability."),
            "collision": _("This slot is already taken."),
        }[reason]
