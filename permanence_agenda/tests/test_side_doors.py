from datetime import timedelta

import vobject

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import AgendaCase


@tagged("post_install", "-at_install")
class TestAgendaSideDoors(AgendaCase, HttpCase):
    """The agenda's side doors, over HTTP as the attacker: a portal user of
    another client (the plumber's) and an operator not allowed on the
    confidential practice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plumber_portal = new_test_user(
            cls.env,
            "pt_ag_portal",
            groups="base.group_portal",
            partner_id=cls.boss.id,
            name=cls.boss.name,
            email=cls.boss.email,
        )
        cls.day = (fields.Datetime.now() + timedelta(days=3)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )
        cls.call = cls.new_call(
            cls.medical,
            caller_number_raw="06 11 22 33 44",
            caller_name="Marie Patiente",
            caller_email="marie@example.com",
        )

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _refused(self, model, method, args, kwargs=None, error="AccessError"):
        with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
            self._call_kw(model, method, args, kwargs)
        self.assertIn(error, str(raised.exception.args))

    def _book(self):
        return self.env["calendar.event"].create(
            {
                "name": "Consultation - Marie Patiente",
                "agenda_id": self.doctor_agenda.id,
                "appointment_type_id": self.visit.id,
                "booking_state": "booked",
                "booking_reason": "Douleurs thoraciques",
                "start": self.day,
                "stop": self.day + timedelta(minutes=30),
                "caller_name": "Marie Patiente",
                "caller_number": "+33611223344",
                "caller_email": "marie@example.com",
                "partner_ids": [(6, 0, self.doctor.ids)],
            }
        )

    # Public methods ----------------------------------------------------------

    def test_feed_token_and_import_need_a_supervisor(self):
        token = self.doctor_agenda.feed_token
        self.doctor_agenda.import_url = "http://127.0.0.1:9/nothing.ics"
        for login in ("pt_ag_portal", "pt_operator", "pt_allowed"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                self._refused(
                    "permanence.agenda",
                    "action_reset_feed_token",
                    [self.doctor_agenda.ids],
                )
                self._refused(
                    "permanence.agenda",
                    "action_import_busy_times",
                    [self.doctor_agenda.ids],
                )
        self.doctor_agenda.invalidate_recordset()
        self.assertEqual(self.doctor_agenda.feed_token, token)
        self.assertFalse(self.doctor_agenda.import_date, "nothing was fetched")
        self.authenticate("pt_supervisor", "pt_supervisor")
        self._call_kw(
            "permanence.agenda", "action_reset_feed_token", [self.doctor_agenda.ids]
        )
        self.doctor_agenda.invalidate_recordset()
        self.assertNotEqual(self.doctor_agenda.feed_token, token)

    # iCal feed ---------------------------------------------------------------

    def test_confidential_feed_carries_no_caller(self):
        self._book()
        response = self.url_open(
            f"/permanence/agenda/{self.doctor_agenda.feed_token}.ics"
        )
        self.assertEqual(response.status_code, 200)
        for secret in (
            "Marie",
            "Patiente",
            "611223344",
            "marie@example.com",
            "thoraciques",
        ):
            self.assertNotIn(secret, response.text)
        event = vobject.readOne(response.text).vevent_list[0]
        self.assertEqual(event.summary.value, "Consultation")

    def test_bad_feed_tokens_are_404(self):
        for path in (
            "/permanence/agenda/%00.ics",
            "/permanence/agenda/a%00b.ics",
            "/permanence/agenda/%FF%FE.ics",
            "/permanence/agenda/" + "x" * 5000 + ".ics",
            "/permanence/agenda/.ics",
        ):
            with self.subTest(path=path[:40]):
                self.assertEqual(self.url_open(path).status_code, 404)

    def test_vcard_ids_out_of_range_are_404(self):
        self.authenticate("pt_allowed", "pt_allowed")
        for ids in ("99999999999", "1,%00", "-1", "1e9"):
            with self.subTest(ids=ids):
                response = self.url_open(f"/permanence/interlocutors/vcard?ids={ids}")
                self.assertEqual(response.status_code, 404)

    # Attendees and callers -----------------------------------------------------

    def test_attendees_of_confidential_appointments(self):
        event = self._book()
        patient = self.env["res.partner"].create(
            {"name": "Marie Patiente", "email": "marie@example.com"}
        )
        event.partner_ids = [(4, patient.id)]
        attendee = event.attendee_ids.filtered(lambda a: a.partner_id == patient)
        self.assertTrue(attendee)
        employee = new_test_user(self.env, "pt_ag_employee", groups="base.group_user")
        for login in ("pt_operator", "pt_ag_employee"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                rows = self._call_kw(
                    "calendar.attendee",
                    "search_read",
                    [[("event_id", "=", event.id)]],
                    {"fields": ["email", "common_name"]},
                )
                self.assertEqual(rows, [])
                self._refused("calendar.attendee", "read", [attendee.ids, ["email"]])
                self._refused(
                    "calendar.attendee",
                    "write",
                    [attendee.ids, {"email": "spy@example.com"}],
                )
        self.assertEqual(attendee.email, "marie@example.com")
        self.assertTrue(employee)
        self.authenticate("pt_allowed", "pt_allowed")
        rows = self._call_kw(
            "calendar.attendee",
            "search_read",
            [[("event_id", "=", event.id)]],
            {"fields": ["email"]},
        )
        self.assertIn("marie@example.com", [row["email"] for row in rows])

    def test_booking_callers_stay_with_the_client(self):
        wizard = self.env["permanence.appointment.booking"].browse(
            self.call.with_user(self.allowed_operator).action_book_appointment()[
                "res_id"
            ]
        )
        wizard.with_user(self.allowed_operator).slot_ids[0].action_book()
        event = self.call.appointment_ids
        patient = event.partner_ids.filtered(lambda p: p.name == "Marie Patiente")
        self.assertTrue(patient)
        self.assertEqual(patient.company_id, self.medical.company_id)
        employee = new_test_user(self.env, "pt_ag_employee2", groups="base.group_user")
        for login in ("pt_operator", employee.login):
            with self.subTest(login=login):
                self.authenticate(login, login)
                rows = self._call_kw(
                    "res.partner",
                    "search_read",
                    [[("id", "=", patient.id)]],
                    {"fields": ["name", "email", "phone"]},
                )
                self.assertEqual(rows, [])
                self._refused("res.partner", "read", [patient.ids, ["email"]])
        self.authenticate("pt_allowed", "pt_allowed")
        rows = self._call_kw("res.partner", "read", [patient.ids, ["email"]])
        self.assertEqual(rows[0]["email"], "marie@example.com")
