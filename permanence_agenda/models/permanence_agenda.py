import logging
import secrets
from datetime import timedelta

import pytz
import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.permanence_telephonique.tools.access import SUPERVISOR, check_rights

from ..tools import ical, slots

_logger = logging.getLogger(__name__)

IMPORT_TIMEOUT = 15  # seconds
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_DAYS_BACK = 1
IMPORT_DAYS_AHEAD = 180
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 365


def _token():
    return secrets.token_urlsafe(24)


class PermanenceAgenda(models.Model):
    _name = "permanence.agenda"
    _inherit = ["permanence.client.owned"]
    _description = "Shared agenda"
    _order = "client_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
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
    kind = fields.Selection(
        selection=[("interlocutor", "Interlocutor"), ("resource", "Room or resource")],
        default="interlocutor",
        required=True,
    )
    interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        domain="[('client_id', '=', client_id)]",
        ondelete="restrict",
        index="btree_not_null",
    )
    partner_id = fields.Many2one(
        related="interlocutor_id.partner_id",
        store=True,
        string="Contact",
        index="btree_not_null",
    )
    tz = fields.Selection(related="client_id.tz", string="Time zone")
    resource_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Availability",
        required=True,
        check_company=True,
        help="Weekly opening ranges, in the client's time zone; the calendar's "
        "time off (leave, closures) are exceptions when nobody can be booked.",
    )
    exception_ids = fields.One2many(
        related="resource_calendar_id.global_leave_ids",
        string="Exceptions",
        readonly=False,
    )
    appointment_type_ids = fields.Many2many(
        check_client=True,
        comodel_name="permanence.appointment.type",
        relation="permanence_appointment_type_agenda_rel",
        column1="agenda_id",
        column2="type_id",
        string="Appointment types",
    )
    event_ids = fields.One2many(
        comodel_name="calendar.event",
        inverse_name="agenda_id",
        string="Appointments",
    )
    busy_ids = fields.One2many(
        comodel_name="permanence.agenda.busy",
        inverse_name="agenda_id",
        string="Imported busy times",
    )
    upcoming_count = fields.Integer(compute="_compute_upcoming_count")
    # iCal feed (subscribed to by Google Calendar, Outlook...)
    feed_enabled = fields.Boolean(string="Publish an iCal feed", default=True)
    feed_token = fields.Char(
        copy=False,
        default=lambda self: _token(),
        groups="permanence_telephonique.group_permanence_supervisor",
    )
    feed_url = fields.Char(
        string="iCal feed address",
        compute="_compute_feed_url",
        groups="permanence_telephonique.group_permanence_supervisor",
    )
    # Import of the practitioner's own busy times
    import_url = fields.Char(
        string="Busy times from (iCal address)",
        groups="permanence_telephonique.group_permanence_supervisor",
        help="Published iCal address of the practitioner's own calendar "
        "(Google Calendar's secret address, Outlook's published calendar). "
        "Its events are read every half hour and block the matching slots.",
    )
    import_date = fields.Datetime(string="Last import attempt", readonly=True)
    import_success_date = fields.Datetime(
        string="Last successful import", readonly=True
    )
    import_error = fields.Text(string="Last import error", readonly=True)

    _sql_constraints = [
        ("feed_token_uniq", "unique(feed_token)", "The feed token must be unique."),
    ]

    @api.depends("kind", "interlocutor_id.name")
    def _compute_name(self):
        for agenda in self:
            if agenda.kind == "interlocutor" and agenda.interlocutor_id:
                agenda.name = agenda.interlocutor_id.name
            elif not agenda.name:
                agenda.name = False

    def _compute_feed_url(self):
        base = self.get_base_url()
        for agenda in self:
            agenda.feed_url = (
                f"{base}/permanence/agenda/{agenda.feed_token}.ics"
                if agenda.feed_token and agenda.feed_enabled
                else False
            )

    def _compute_upcoming_count(self):
        groups = self.env["calendar.event"]._read_group(
            [
                ("agenda_id", "in", self.ids),
                ("booking_state", "=", "booked"),
                ("start", ">=", fields.Datetime.now()),
            ],
            ["agenda_id"],
            ["__count"],
        )
        counts = {agenda.id: count for agenda, count in groups}
        for agenda in self:
            agenda.upcoming_count = counts.get(agenda.id, 0)

    @api.constrains("kind", "interlocutor_id", "client_id")
    def _check_interlocutor(self):
        for agenda in self:
            if agenda.kind == "interlocutor" and not agenda.interlocutor_id:
                raise UserError(_("Choose the interlocutor whose agenda this is."))
            if agenda.interlocutor_id and agenda.interlocutor_id.client_id != (
                agenda.client_id
            ):
                raise UserError(
                    _("The interlocutor must belong to the agenda's client account.")
                )

    # Availability ----------------------------------------------------------

    def _timezone(self):
        self.ensure_one()
        return pytz.timezone(self.client_id.tz or "UTC")

    def _slot_data(self, start, end):
        """Availability and busy intervals of the agendas in ``self`` between
        ``start`` and ``end`` (aware UTC), read with one query per kind of
        data whatever the number of agendas: ``{agenda_id: (availability,
        busy)}``. Busy times are read without record rules: an event the
        operator may not read still makes its slot busy."""
        if not self:
            return {}
        naive_start = start.astimezone(pytz.utc).replace(tzinfo=None)
        naive_end = end.astimezone(pytz.utc).replace(tzinfo=None)
        calendars = self.resource_calendar_id | self.client_id.resource_calendar_id
        attendances = (
            self.env["resource.calendar.attendance"]
            .sudo()
            .search_read(
                [
                    ("calendar_id", "in", self.resource_calendar_id.ids),
                    ("display_type", "=", False),
                    ("resource_id", "=", False),
                ],
                [
                    "calendar_id",
                    "dayofweek",
                    "hour_from",
                    "hour_to",
                    "date_from",
                    "date_to",
                    "week_type",
                ],
                load=None,
            )
        )
        two_weeks = set(self.resource_calendar_id.filtered("two_weeks_calendar").ids)
        rules_by_calendar = {}
        for attendance in attendances:
            if attendance["calendar_id"] not in two_weeks:
                attendance["week_type"] = None
            rules_by_calendar.setdefault(attendance["calendar_id"], []).append(
                attendance
            )
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search_read(
                [
                    ("calendar_id", "in", calendars.ids),
                    ("resource_id", "=", False),
                    ("time_type", "=", "leave"),
                    ("date_from", "<", naive_end),
                    ("date_to", ">", naive_start),
                ],
                ["calendar_id", "date_from", "date_to"],
                load=None,
            )
        )
        leaves_by_calendar = {}
        for leave in leaves:
            leaves_by_calendar.setdefault(leave["calendar_id"], []).append(
                (
                    pytz.utc.localize(leave["date_from"]),
                    pytz.utc.localize(leave["date_to"]),
                )
            )
        busy = self._busy_intervals(naive_start, naive_end)
        result = {}
        for agenda in self:
            calendar = agenda.resource_calendar_id
            availability = slots.weekly_intervals(
                rules_by_calendar.get(calendar.id, []), agenda._timezone(), start, end
            )
            exceptions = leaves_by_calendar.get(calendar.id, []) + (
                leaves_by_calendar.get(agenda.client_id.resource_calendar_id.id, [])
            )
            result[agenda.id] = (
                slots.subtract(availability, exceptions),
                busy.get(agenda.id, []),
            )
        return result

    def _busy_intervals(self, naive_start, naive_end):
        """``{agenda_id: [(start, end)]}`` (aware UTC): the agendas' bookings
        (buffers included), the other events their person attends, and the
        imported busy times."""
        self.env["calendar.event"].flush_model()
        self.env["calendar.attendee"].flush_model()
        self.env["permanence.agenda.busy"].flush_model()
        self.flush_recordset(["partner_id"])
        query = SQL(
            """
            SELECT e.agenda_id, e.booking_start, e.booking_stop, FALSE, NULL, NULL
              FROM calendar_event e
             WHERE e.agenda_id = ANY(%(ids)s) AND e.active
               AND e.booking_state = 'booked'
               AND e.booking_start < %(end)s AND e.booking_stop > %(start)s
            UNION ALL
            SELECT a.id, e.start, e.stop, e.allday, e.start_date, e.stop_date
              FROM permanence_agenda a
              JOIN calendar_attendee att ON att.partner_id = a.partner_id
              JOIN calendar_event e ON e.id = att.event_id
             WHERE a.id = ANY(%(ids)s) AND e.active AND e.show_as = 'busy'
               AND att.state != 'declined'
               AND (e.agenda_id IS NULL OR e.agenda_id != a.id)
               AND e.start < %(end)s + interval '1 day'
               AND e.stop > %(start)s - interval '1 day'
            UNION ALL
            SELECT b.agenda_id, b.start, b.stop, FALSE, NULL, NULL
              FROM permanence_agenda_busy b
             WHERE b.agenda_id = ANY(%(ids)s)
               AND b.start < %(end)s AND b.stop > %(start)s
            """,
            ids=self.ids,
            start=naive_start,
            end=naive_end,
        )
        self.env.cr.execute(query)
        timezones = {agenda.id: agenda._timezone() for agenda in self}
        busy = {}
        for (
            agenda_id,
            start,
            stop,
            allday,
            start_date,
            stop_date,
        ) in self.env.cr.fetchall():
            if allday:
                tz = timezones[agenda_id]
                start = slots.local_datetime(tz, start_date, 0)
                stop = slots.local_datetime(tz, stop_date + timedelta(days=1), 0)
            else:
                start, stop = pytz.utc.localize(start), pytz.utc.localize(stop)
            busy.setdefault(agenda_id, []).append((start, stop))
        return busy

    # Calendar interoperability ---------------------------------------------

    def action_reset_feed_token(self):
        """Revoke the current feed address and publish a new one."""
        check_rights(self, "write", SUPERVISOR)
        for agenda in self:
            agenda.sudo().feed_token = _token()
        return True

    def _feed_events(self):
        self.ensure_one()
        now = fields.Datetime.now()
        events = (
            self.env["calendar.event"]
            .sudo()
            .search(
                [
                    ("agenda_id", "=", self.id),
                    ("booking_state", "=", "booked"),
                    ("start", ">=", now - timedelta(days=FEED_DAYS_BACK)),
                    ("start", "<=", now + timedelta(days=FEED_DAYS_AHEAD)),
                ],
                order="start",
            )
        )
        private = self.sudo().client_id.confidential
        return [event._ical_values(private=private) for event in events]

    def _feed_ics(self):
        self.ensure_one()
        return ical.build_calendar(self._feed_events(), name=self.display_name)

    def action_import_busy_times(self):
        check_rights(self, "write", SUPERVISOR)
        self._import_busy_times()
        return True

    def _import_busy_times(self):
        """Read each agenda's published calendar; on failure keep the busy
        times already known and show the error on the agenda."""
        now = fields.Datetime.now()
        busy_model = self.env["permanence.agenda.busy"].sudo()
        batch = self.env["permanence.batch"]
        for agenda in self.sudo().filtered("import_url"):
            with batch._row("_import_set_aside", agenda):
                agenda._import_busy_times_one(busy_model, now)

    def _import_set_aside(self, error):
        """An unexpected error while importing (called apart from the
        batch): shown on the agenda; the busy times already known stay."""
        self.write({"import_date": fields.Datetime.now(), "import_error": error})

    def _import_busy_times_one(self, busy_model, now):
        for agenda in self:
            start = pytz.utc.localize(now - timedelta(days=IMPORT_DAYS_BACK))
            end = pytz.utc.localize(now + timedelta(days=IMPORT_DAYS_AHEAD))
            try:
                text = agenda._fetch_calendar(agenda.import_url)
                busy = ical.parse_busy(text, start, end, agenda._timezone())
            except (requests.RequestException, ical.ICalError, UserError) as exc:
                _logger.warning(
                    "agenda %s: import of busy times failed: %s", agenda.id, exc
                )
                agenda.write({"import_date": now, "import_error": str(exc)})
                continue
            agenda.busy_ids.unlink()
            busy_model.create(
                [
                    {
                        "agenda_id": agenda.id,
                        "start": s.replace(tzinfo=None),
                        "stop": e.replace(tzinfo=None),
                        "name": summary[:200] or False,
                    }
                    for s, e, summary in busy
                ]
            )
            agenda.write(
                {"import_date": now, "import_success_date": now, "import_error": False}
            )
            _logger.info("agenda %s: %s busy times imported", agenda.id, len(busy))

    @api.model
    def _fetch_calendar(self, url):
        if url.lower().startswith("webcal://"):
            url = "https://" + url[len("webcal://") :]
        if not url.lower().startswith(("http://", "https://")):
            raise UserError(_("The address must start with http:// or https://."))
        response = requests.get(
            url,
            timeout=IMPORT_TIMEOUT,
            stream=True,
            headers={"Accept": "text/calendar"},
        )
        response.raise_for_status()
        content = response.raw.read(IMPORT_MAX_BYTES + 1, decode_content=True)
        if len(content) > IMPORT_MAX_BYTES:
            raise UserError(_("The calendar is larger than 5 MB."))
        # iCalendar is UTF-8 (RFC 5545) unless the server says otherwise.
        charset = "charset=" in response.headers.get("Content-Type", "").lower()
        encoding = response.encoding if charset else "utf-8"
        return content.decode(encoding or "utf-8", errors="replace")

    @api.model
    def _cron_import_busy_times(self):
        self.search([("import_url", "!=", False)])._import_busy_times()

    # Navigation ------------------------------------------------------------

    def action_view_appointments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_agenda.action_permanence_appointment"
        )
        action["domain"] = [("agenda_id", "=", self.id)]
        action["context"] = {"default_agenda_id": self.id}
        return action
