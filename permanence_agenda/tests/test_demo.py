# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

TYPES = (
    "appointment_type_martin_consultation",
    "appointment_type_martin_new_patient",
    "appointment_type_lefevre_first",
)


@tagged("post_install", "-at_install")
class TestDemoAgenda(TransactionCase):
    """Whenever the demo is installed, its agendas have appointments booked
    in the coming days and free slots left."""

    def setUp(self):
        super().setUp()
        if not self.env.ref(
            "permanence_agenda.agenda_martin_paul", raise_if_not_found=False
        ):
            self.skipTest("installed without demo data")

    def test_free_slots_in_the_coming_days(self):
        soon = fields.Datetime.now() + timedelta(days=10)
        for xmlid in TYPES:
            appointment_type = self.env.ref(f"permanence_agenda.{xmlid}")
            slots = appointment_type._find_slots(limit=3)
            self.assertEqual(len(slots), 3, xmlid)
            self.assertLess(slots[0]["start"], soon, xmlid)

    def test_upcoming_appointments_booked(self):
        now = fields.Datetime.now()
        for xmlid in TYPES:
            appointment_type = self.env.ref(f"permanence_agenda.{xmlid}")
            events = self.env["calendar.event"].search(
                [
                    ("appointment_type_id", "=", appointment_type.id),
                    ("start", ">", now - timedelta(days=1)),
                    ("booking_state", "=", "booked"),
                ]
            )
            self.assertTrue(events, xmlid)
            self.assertTrue(all(events.mapped("caller_name")), xmlid)
