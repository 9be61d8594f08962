import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
import vobject

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.permanence_telephonique.tests.common import (
    BATCH_LOGGERS,
    REFUSED,
    refuse_rows,
)

from .common import AgendaCase

FEEDS = {}


class CalendarHandler(BaseHTTPRequestHandler):
    """Serves the calendars of ``FEEDS`` as a practitioner's calendar
    provider would."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        status, content_type, body = FEEDS.get(
            self.path, (404, "text/plain", "not found")
        )
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def ics_date(value):
    return value.strftime("%Y%m%dT%H%M%S")


@tagged("post_install", "-at_install")
class TestCalendarInterop(AgendaCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), CalendarHandler)
        cls.server_thread = threading.Thread(
            target=cls.server.serve_forever, daemon=True
        )
        cls.server_thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        # Relative to today: the feed and the import look at the coming weeks.
        cls.day = (fields.Datetime.now() + timedelta(days=3)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )

    def book(self, hours=0, caller="Marie Patiente"):
        return self.env["calendar.event"].create(
            {
                "name": "Consultation",
                "agenda_id": self.doctor_agenda.id,
                "appointment_type_id": self.visit.id,
                "booking_state": "booked",
                "start": self.day + timedelta(hours=hours),
                "stop": self.day + timedelta(hours=hours, minutes=30),
                "caller_name": caller,
                "caller_number": "+33611223344",
                "partner_ids": [(6, 0, self.doctor.ids)],
            }
        )

    def feed_path(self, agenda):
        return f"/permanence/agenda/{agenda.feed_token}.ics"

    # Feed ------------------------------------------------------------------

    def test_feed_read_back_by_two_parsers(self):
        # An ordinary client's feed names the callers (a confidential
        # client's does not: TestAgendaSideDoors).
        self.medical.confidential = False
        first, second = self.book(0), self.book(1, "Jean Dupont")
        cancelled = self.book(2, "Annulé")
        cancelled.action_permanence_cancel()
        response = self.url_open(self.feed_path(self.doctor_agenda))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/calendar"))

        cal = vobject.readOne(response.text)
        events = sorted(cal.vevent_list, key=lambda v: v.dtstart.value)
        self.assertEqual(len(events), 2, "cancelled bookings are left out")
        self.assertEqual(events[0].dtstart.value.replace(tzinfo=None), first.start)
        self.assertEqual(events[1].dtend.value.replace(tzinfo=None), second.stop)
        self.assertIn("Jean Dupont", events[1].summary.value)

        parsed = icalendar.Calendar.from_ical(response.content)
        vevents = sorted(parsed.walk("VEVENT"), key=lambda v: v.decoded("dtstart"))
        self.assertEqual(
            [str(v["summary"]) for v in vevents],
            ["Consultation - Marie Patiente", "Consultation - Jean Dupont"],
        )
        self.assertEqual(
            vevents[0].decoded("dtstart").replace(tzinfo=None), first.start
        )
        self.assertEqual(len({str(v["uid"]) for v in vevents}), 2)

    def test_feed_token_unknown_or_revoked(self):
        self.book()
        old_path = self.feed_path(self.doctor_agenda)
        self.assertEqual(self.url_open(old_path).status_code, 200)
        self.assertEqual(self.url_open("/permanence/agenda/nope.ics").status_code, 404)
        self.doctor_agenda.action_reset_feed_token()
        self.assertEqual(self.url_open(old_path).status_code, 404)
        self.assertEqual(
            self.url_open(self.feed_path(self.doctor_agenda)).status_code, 200
        )
        self.doctor_agenda.feed_enabled = False
        self.assertEqual(
            self.url_open(self.feed_path(self.doctor_agenda)).status_code, 404
        )
        self.assertFalse(
            self.room_agenda.with_user(self.allowed_operator)
            .read(["name"])[0]
            .get("feed_token"),
            "operators do not see the feed token",
        )

    # Import ----------------------------------------------------------------

    def serve(self, path, body, status=200, content_type="text/calendar"):
        FEEDS[path] = (status, content_type, body)
        self.addCleanup(FEEDS.pop, path, None)
        return self.base + path

    def recurring_calendar(self):
        start = self.day
        return "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//Test//EN",
                # Weekly clinic, 10:00-12:00 in Paris, 4 times, one skipped.
                "BEGIN:VEVENT",
                "UID:hospital@test",
                f"DTSTART;TZID=Europe/Paris:{ics_date(start.replace(hour=10))}",
                f"DTEND;TZID=Europe/Paris:{ics_date(start.replace(hour=12))}",
                "RRULE:FREQ=WEEKLY;COUNT=4",
                "EXDATE;TZID=Europe/Paris:"
                f"{ics_date(start.replace(hour=10) + timedelta(days=7))}",
                "SUMMARY:Hôpital",
                "END:VEVENT",
                # A one-off busy event, in UTC.
                "BEGIN:VEVENT",
                "UID:dentist@test",
                f"DTSTART:{ics_date(start + timedelta(days=1, hours=6))}Z",
                f"DTEND:{ics_date(start + timedelta(days=1, hours=7))}Z",
                "SUMMARY:Dentiste",
                "END:VEVENT",
                # Free time and cancelled events do not block.
                "BEGIN:VEVENT",
                "UID:free@test",
                f"DTSTART:{ics_date(start)}Z",
                f"DTEND:{ics_date(start + timedelta(hours=1))}Z",
                "TRANSP:TRANSPARENT",
                "SUMMARY:Libre",
                "END:VEVENT",
                "BEGIN:VEVENT",
                "UID:cancelled@test",
                f"DTSTART:{ics_date(start)}Z",
                f"DTEND:{ics_date(start + timedelta(hours=1))}Z",
                "STATUS:CANCELLED",
                "SUMMARY:Annulé",
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            ]
        )

    def test_import_recurring_then_failures_keep_last_good_data(self):
        agenda = self.doctor_agenda
        agenda.import_url = self.serve("/doctor.ics", self.recurring_calendar())
        agenda.action_import_busy_times()
        self.assertFalse(agenda.import_error)
        self.assertTrue(agenda.import_success_date)
        busy = agenda.busy_ids.sorted("start")
        self.assertEqual(
            busy.mapped("name"), ["Hôpital", "Dentiste", "Hôpital", "Hôpital"]
        )
        for clinic in busy.filtered(lambda b: b.name == "Hôpital"):
            local = fields.Datetime.context_timestamp(
                clinic.with_context(tz="Europe/Paris"), clinic.start
            )
            self.assertEqual(local.hour, 10, "10:00 in Paris whatever the season")
            self.assertEqual(clinic.stop - clinic.start, timedelta(hours=2))
        # Imported busy times block the slots.
        data = agenda._slot_data(
            self.visit._now(), self.visit._now() + timedelta(days=30)
        )[agenda.id]
        self.assertEqual(len(data[1]), 4)
        good_date = agenda.import_success_date

        failures = {
            "malformed": self.serve(
                "/malformed.ics",
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:not-a-date\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n",
            ),
            "not a calendar": self.serve(
                "/page.html", "<html>Sign in</html>", content_type="text/html"
            ),
            "404": self.base + "/missing.ics",
            "500": self.serve("/error.ics", "boom", status=500),
            "address": "ftp://example.com/cal.ics",
        }
        for case, url in failures.items():
            with self.subTest(case):
                agenda.import_url = url
                with self.assertLogs("odoo.addons.permanence_agenda", "WARNING"):
                    agenda.action_import_busy_times()
                self.assertTrue(agenda.import_error)
                self.assertEqual(len(agenda.busy_ids), 4, "last good data kept")
                self.assertEqual(agenda.import_success_date, good_date)
                if case in ("404", "500"):
                    self.assertIn(case, agenda.import_error)

    def test_cron_imports_every_agenda(self):
        self.doctor_agenda.import_url = self.serve(
            "/cron.ics", self.recurring_calendar()
        )
        self.env["permanence.agenda"]._cron_import_busy_times()
        self.assertEqual(len(self.doctor_agenda.busy_ids), 4)

    def test_cron_goes_past_an_agenda_the_database_refuses(self):
        url = self.serve("/shared.ics", self.recurring_calendar())
        (self.doctor_agenda | self.room_agenda).import_url = url
        refuse_rows(
            self.env.cr,
            "permanence_agenda_busy",
            "INSERT",
            "NEW.agenda_id = %s",
            self.doctor_agenda.id,
        )
        with mute_logger(*BATCH_LOGGERS):
            self.env["permanence.agenda"]._cron_import_busy_times()
        self.assertEqual(len(self.room_agenda.busy_ids), 4)
        self.assertFalse(self.room_agenda.import_error)
        self.assertFalse(self.doctor_agenda.busy_ids)
        self.assertIn(REFUSED, self.doctor_agenda.import_error)
        self.assertTrue(self.doctor_agenda.import_date)

    # vCard -----------------------------------------------------------------

    def test_vcard_export(self):
        self.authenticate("pt_allowed", "pt_allowed")
        ids = (self.doctor_interlocutor | self.boss_interlocutor).ids
        response = self.url_open(
            f"/permanence/interlocutors/vcard?ids={','.join(map(str, ids))}"
        )
        self.assertEqual(response.status_code, 200)
        cards = list(vobject.readComponents(response.text))
        self.assertEqual(
            sorted(card.fn.value for card in cards), ["Dr Paul Test", "Marc Plombier"]
        )
        doctor = next(c for c in cards if c.fn.value == "Dr Paul Test")
        self.assertEqual(doctor.email.value, "paul@cabinet.example.com")
        self.assertEqual(doctor.org.value, ["Cabinet Test"])
        # An operator not allowed for the confidential practice gets only
        # the plumber's card.
        self.authenticate("pt_operator", "pt_operator")
        response = self.url_open(
            f"/permanence/interlocutors/vcard?ids={','.join(map(str, ids))}"
        )
        self.assertEqual(
            [c.fn.value for c in vobject.readComponents(response.text)],
            ["Marc Plombier"],
        )
