# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

import pytz

from odoo.tests import tagged

from odoo.addons.permanence_telephonique.tests.test_activity_report import pdf_text
from odoo.addons.permanence_telephonique.tools import activity

from .common import AgendaCase


@tagged("post_install", "-at_install")
class TestActivityReportAppointments(AgendaCase):
    """The monthly activity report counts the appointments booked in the
    month, through the agenda addon's hook."""

    def test_appointments_in_the_report(self):
        Event = self.env["calendar.event"]
        values = {
            "name": "Fuite chez M. Dupont",
            "agenda_id": self.plumber_agenda.id,
            "booking_state": "booked",
            "start": datetime(2026, 12, 7, 9),
            "stop": datetime(2026, 12, 7, 10),
        }
        booked = Event.create(values)
        Event.create(
            dict(values, start=datetime(2026, 12, 8, 9), stop=datetime(2026, 12, 8, 10))
        ).booking_state = "cancelled"
        self.assertEqual(booked.client_id, self.client)
        booked.flush_recordset()
        # the month the bookings were made in, in the client's time zone
        made = pytz.utc.localize(booked.create_date).astimezone(
            pytz.timezone(self.client.tz)
        )
        self.client.lang = "en_US"
        report, _created = self.env["permanence.activity.report"]._ensure(
            self.client, activity.first_day(made.date())
        )
        appointments = report._activity_values()["appointments"]
        self.assertEqual(appointments["count"], 2)
        self.assertEqual(appointments["cancelled"], 1)
        report._generate()
        text = pdf_text(report.attachment_id.raw)
        self.assertIn("Appointments booked", text)
        self.assertRegex(text, r"Appointments booked: 2; cancelled since: 1")
