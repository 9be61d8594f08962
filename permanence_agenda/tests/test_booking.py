import json
from datetime import datetime, timedelta

import psycopg2
import vobject
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.permanence_telephonique.tests.servers import RecordingHttpServer

from .common import NOW, AgendaCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestBooking(AgendaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls.new_call(
            cls.medical,
            caller_number_raw="06 11 22 33 44",
            caller_name="Marie Patiente",
            caller_email="marie@example.com",
        )

    def open_assistant(self, call, user):
        action = call.with_user(user).action_book_appointment()
        self.assertEqual(action["res_model"], "permanence.appointment.booking")
        return self.env[action["res_model"]].with_user(user).browse(action["res_id"])

    def book_first(self, call=None, user=None):
        wizard = self.open_assistant(call or self.call, user or self.allowed_operator)
        slot = wizard.slot_ids[0]
        slot.action_book()
        return self.env["calendar.event"].search(
            [("call_id", "=", (call or self.call).id)], limit=1
        )

    def test_console_booking(self):
        wizard = self.open_assistant(self.call, self.allowed_operator)
        self.assertEqual(wizard.appointment_type_id, self.visit)
        self.assertIn("carte Vitale", wizard.instructions)
        self.assertEqual(len(wizard.slot_ids), 8)
        self.assertEqual(wizard.slot_ids[0].start, datetime(2026, 3, 23, 9))
        self.assertEqual(wizard.slot_ids[0].label[-5:], "10:00", "client's time")
        with Form(wizard) as form:
            form.appointment_type_id = self.any_visit
            self.assertEqual(len(form.slot_ids), 0, "slots of the old type are gone")
            form.agenda_id = self.room_agenda
            form.reason = "Pansement"
            self.assertEqual(form.caller_name, "Marie Patiente")
        self.assertEqual(set(wizard.slot_ids.agenda_id), {self.room_agenda})
        first_page = wizard.slot_ids.mapped("start")
        wizard.action_next_page()
        self.assertGreater(wizard.slot_ids[0].start, max(first_page))
        wizard.action_search()
        self.assertEqual(wizard.slot_ids.mapped("start"), first_page)
        wizard.slot_ids[1].action_book()

        event = self.call.appointment_ids
        self.assertEqual(len(event), 1)
        self.assertEqual(event.agenda_id, self.room_agenda)
        self.assertEqual(event.start, first_page[1])
        self.assertEqual(event.stop - event.start, timedelta(hours=1))
        self.assertEqual(event.caller_number, "+33611223344")
        self.assertEqual(event.booking_reason, "Pansement")
        self.assertEqual(event.partner_ids.mapped("name"), ["Marie Patiente"])
        self.assertEqual(self.call.outcome, "appointment")
        self.assertEqual(self.call.state, "done")

    def test_sms_confirmation_to_a_mobile_caller(self):
        with RecordingHttpServer([(200, {"id": "sms-rdv"})]) as gateway:
            self.env["permanence.sms.gateway"].create(
                {"name": "Local", "provider": "generic_json", "url": gateway.url}
            )
            event = self.book_first()
            outbox = self.env["permanence.sms.outbox"].search(
                [("res_model", "=", "calendar.event"), ("res_id", "=", event.id)]
            )
            self.assertEqual(outbox.number, "+33611223344")
            self.assertEqual(gateway.requests, [], "sent after commit, not during")
            self.env["permanence.sms.outbox"]._process_due()
            self.assertEqual(outbox.state, "sent")
            payload = json.loads(gateway.requests[0]["body"])
            self.assertEqual(payload["to"], "+33611223344")
            self.assertIn("confirmed", payload["text"])
            self.assertIn(self.medical.name, payload["text"])
            # A landline caller gets the email only.
            call = self.new_call(
                self.medical,
                caller_number_raw="01 45 99 99 99",
                caller_name="M. Fixe",
                caller_email="fixe@example.com",
            )
            event = self.book_first(call=call)
            self.assertFalse(
                self.env["permanence.sms.outbox"].search(
                    [("res_model", "=", "calendar.event"), ("res_id", "=", event.id)]
                )
            )

    def test_confirmation_and_notification(self):
        event = self.book_first()
        self.assertEqual(
            event.partner_ids.mapped("name"), ["Dr Paul Test", "Marie Patiente"]
        )
        mail = self.env["mail.mail"].search([("email_to", "=", "marie@example.com")])
        self.assertEqual(len(mail), 1, "one confirmation, no Odoo invitation")
        self.assertIn("booked", mail.subject)
        (ics,) = mail.attachment_ids
        self.assertEqual(ics.mimetype, "text/calendar")
        cal = vobject.readOne(ics.raw.decode())
        self.assertEqual(cal.method.value, "REQUEST")
        self.assertEqual(
            cal.vevent.dtstart.value.replace(tzinfo=None), datetime(2026, 3, 23, 9)
        )
        self.assertIn(
            "marie@example.com", [a.value for a in cal.vevent.attendee_list][1]
        )
        notified = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("partner_ids", "in", self.doctor.ids),
            ]
        )
        self.assertTrue(notified, "the doctor is told")
        self.assertFalse(
            self.env["mail.mail"]
            .search([("email_to", "ilike", "paul@cabinet")])
            .filtered(lambda m: "invitation" in (m.subject or "").lower())
        )

    def test_refused_slots_give_the_reason_and_fresh_slots(self):
        taken = self.book_first()
        self.visit.sat = False
        call = self.new_call(self.medical, caller_name="Jean Autre")
        wizard = self.open_assistant(call, self.allowed_operator)
        cases = {
            "past": datetime(2026, 3, 20, 9),
            "outside": datetime(2026, 3, 23, 11, 30),
            "taken": taken.start,
            "not booked on that day": datetime(2026, 3, 28, 9),
        }
        for reason, start in cases.items():
            with self.subTest(reason), self.assertRaises(UserError) as error:
                wizard.write({"start": start, "agenda_id": self.doctor_agenda.id})
                wizard.action_book()
            self.assertIn(reason, str(error.exception))
            self.assertIn("Next free slots", str(error.exception))
        self.assertFalse(call.appointment_ids)

    def test_move_and_cancel_when_the_caller_calls_back(self):
        event = self.book_first()
        callback = self.new_call(
            self.medical, caller_number_raw="+33 6 11 22 33 44"
        ).with_user(self.allowed_operator)
        self.assertEqual(callback.caller_appointment_ids, event)
        action = callback.caller_appointment_ids.with_context(
            permanence_call_id=callback.id
        ).action_permanence_open_move()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.event_id, event)
        target = wizard.slot_ids.filtered(lambda s: s.start != event.start)[0]
        target.action_book()
        self.assertEqual(event.start, target.start)
        self.assertEqual(event.booking_sequence, 1)
        self.assertEqual(callback.outcome, "appointment")
        moved = self.env["mail.mail"].search(
            [("email_to", "=", "marie@example.com"), ("subject", "ilike", "moved")]
        )
        self.assertEqual(len(moved), 1)

        again = self.new_call(self.medical, caller_number_raw="0611223344")
        self.assertEqual(again.caller_appointment_ids, event)
        event.with_user(self.allowed_operator).with_context(
            permanence_call_id=again.id
        ).action_permanence_cancel_from_call()
        self.assertEqual(event.booking_state, "cancelled")
        self.assertFalse(event.active)
        self.assertFalse(again.caller_appointment_ids)
        cancel = self.env["mail.mail"].search(
            [("email_to", "=", "marie@example.com"), ("subject", "ilike", "cancelled")]
        )
        cal = vobject.readOne(cancel.attachment_ids.raw.decode())
        self.assertEqual(cal.method.value, "CANCEL")
        self.assertEqual(cal.vevent.status.value, "CANCELLED")
        # The slot is free again.
        self.assertIn(
            target.start,
            self.starts(self.visit._find_slots(limit=20)),
        )

    def test_database_refuses_overlaps(self):
        """The exclusion constraint holds even when Python is bypassed."""
        values = {
            "name": "A",
            "agenda_id": self.plumber_agenda.id,
            "booking_state": "booked",
            "start": datetime(2026, 3, 24, 9),
            "stop": datetime(2026, 3, 24, 10),
        }
        Event = self.env["calendar.event"]
        Event.create(values).flush_recordset()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error) as error:
            with self.env.cr.savepoint():
                Event.create(
                    dict(
                        values,
                        start=datetime(2026, 3, 24, 9, 30),
                        stop=datetime(2026, 3, 24, 10, 30),
                    )
                ).flush_recordset()
        self.assertEqual(error.exception.pgcode, "23P01")
        # Back to back, another agenda, or a cancelled booking: accepted.
        Event.create(
            dict(
                values, start=datetime(2026, 3, 24, 10), stop=datetime(2026, 3, 24, 11)
            )
        ).flush_recordset()
        Event.create(dict(values, agenda_id=self.doctor_agenda.id)).flush_recordset()
        Event.create(dict(values, booking_state="cancelled")).flush_recordset()

    def test_confidential_appointments(self):
        event = self.book_first()
        Event = self.env["calendar.event"]
        employee = new_test_user(self.env, "pt_employee", groups="base.group_user")
        for user, visible in (
            (self.allowed_operator, True),
            (self.supervisor, True),
            (self.operator, False),
            (self.other_operator, False),
            (employee, False),
        ):
            with self.subTest(user=user.login):
                found = Event.with_user(user).search([("id", "=", event.id)])
                self.assertEqual(bool(found), visible)
        self.assertFalse(
            self.env["permanence.agenda"]
            .with_user(self.operator)
            .search([("client_id", "=", self.medical.id)])
        )
        plumber_event = Event.create(
            {
                "name": "Devis",
                "agenda_id": self.plumber_agenda.id,
                "booking_state": "booked",
                "start": datetime(2026, 3, 24, 9),
                "stop": datetime(2026, 3, 24, 10),
            }
        )
        self.assertTrue(
            Event.with_user(self.operator).search([("id", "=", plumber_event.id)])
        )
        self.assertFalse(
            Event.with_user(self.other_operator).search(
                [("id", "=", plumber_event.id)]
            ),
            "another company's appointments stay hidden",
        )
