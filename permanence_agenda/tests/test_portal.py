from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AgendaCase


@tagged("post_install", "-at_install")
class TestPortal(AgendaCase, HttpCase):
    """The client company's users read its upcoming appointments, and only
    its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plumber_user = new_test_user(
            cls.env,
            "pt_portal_plumber",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create(
                {
                    "name": "Sophie Secrétaire",
                    "parent_id": cls.plumber_partner.id,
                    "email": "sophie@plomberie.example.com",
                }
            )
            .id,
        )
        cls.practice_user = new_test_user(
            cls.env,
            "pt_portal_practice",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create({"name": "Anne Assistante", "parent_id": cls.practice_partner.id})
            .id,
        )
        soon = fields.Datetime.now().replace(microsecond=0) + timedelta(days=2)

        def book(agenda, atype, caller, start):
            return cls.env["calendar.event"].create(
                {
                    "name": atype.name,
                    "agenda_id": agenda.id,
                    "appointment_type_id": atype.id,
                    "booking_state": "booked",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "caller_name": caller,
                }
            )

        cls.quote_event = book(cls.plumber_agenda, cls.quote, "Client Fuite", soon)
        cls.visit_event = book(cls.doctor_agenda, cls.visit, "Patient Secret", soon)
        cls.past_event = book(
            cls.plumber_agenda, cls.quote, "Client Passé", soon - timedelta(days=10)
        )

    def test_orm_rules(self):
        Event = self.env["calendar.event"]
        self.assertEqual(
            Event.with_user(self.plumber_user).search([("agenda_id", "!=", False)]),
            self.quote_event | self.past_event,
        )
        self.assertEqual(
            Event.with_user(self.practice_user).search([("agenda_id", "!=", False)]),
            self.visit_event,
            "the confidential practice's own users read its appointments",
        )

    def test_portal_page_shows_only_own_upcoming_appointments(self):
        self.authenticate("pt_portal_plumber", "pt_portal_plumber")
        response = self.url_open("/my/permanence/appointments")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Client Fuite", response.text)
        self.assertIn("Devis sur place", response.text)
        self.assertNotIn("Client Passé", response.text, "only upcoming ones")
        self.assertNotIn("Patient Secret", response.text, "never another client's")
        home = self.url_open("/my/home")
        self.assertIn("/my/permanence/appointments", home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["permanence_appointment_count"]}
        )
        self.assertEqual(counters["permanence_appointment_count"], 1)

    def test_practice_user_sees_theirs(self):
        self.authenticate("pt_portal_practice", "pt_portal_practice")
        response = self.url_open("/my/permanence/appointments")
        self.assertIn("Patient Secret", response.text)
        self.assertNotIn("Client Fuite", response.text)
