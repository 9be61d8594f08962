from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import AgendaCase

OLD = datetime(2025, 1, 15, 9, 0)
RECENT = datetime(2026, 5, 12, 9, 0)
PURGE_AT = datetime(2026, 6, 1, 3, 0)
SECRET = "Patiente Secretnom"
EMAIL = "patiente.secret@example.org"


@tagged("post_install", "-at_install")
class TestAgendaRetention(AgendaCase):
    """Appointments lose their caller with the call sheets: fields, name,
    attendees and the contact made for the booking."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.caller = cls.env["res.partner"].create(
            {"name": SECRET, "phone": "06 58 47 36 25", "email": EMAIL}
        )
        cls.old_call = cls.env["permanence.call"].create(
            {
                "client_id": cls.medical.id,
                "caller_name": SECRET,
                "caller_number_raw": "06 58 47 36 25",
                "partner_id": cls.caller.id,
                "state": "done",
                "outcome": "appointment",
                "date_start": OLD,
                "date_end": OLD + timedelta(minutes=3),
            }
        )
        cls.old_event = cls._event(OLD, cls.old_call)
        cls.recent_event = cls._event(RECENT)

    @classmethod
    def _event(cls, start, call=None):
        return (
            cls.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": f"Consultation - {SECRET}",
                    "start": start,
                    "stop": start + timedelta(minutes=30),
                    "agenda_id": cls.doctor_agenda.id,
                    "appointment_type_id": cls.visit.id,
                    "booking_state": "booked",
                    "call_id": call.id if call else False,
                    "caller_name": SECRET,
                    "caller_number": "+33658473625",
                    "caller_email": EMAIL,
                    "booking_reason": "Douleur au genou",
                    "description": f"<p>{SECRET} viendra en fauteuil</p>",
                    "partner_ids": [
                        (6, 0, (cls.doctor_agenda.partner_id | cls.caller).ids)
                    ],
                }
            )
        )

    def _caller_data(self, event):
        return [
            event.caller_name,
            event.caller_number,
            event.caller_email,
            event.booking_reason,
            event.description,
        ]

    def test_purge_and_erasure(self):
        self.assertIn(self.caller, self.old_event.attendee_ids.partner_id)
        self.env["permanence.retention"]._purge(now=PURGE_AT)
        event = self.old_event
        self.assertFalse(any(self._caller_data(event)))
        self.assertEqual(event.name, "Consultation")
        self.assertFalse(event.call_id)
        self.assertEqual(event.partner_ids, self.doctor_agenda.partner_id)
        self.assertNotIn(self.caller, event.attendee_ids.partner_id)
        self.assertEqual(event.booking_state, "booked")  # still a busy slot
        self.assertEqual(event.start, OLD)
        # The recent appointment keeps everything, and so the contact
        self.assertTrue(all(self._caller_data(self.recent_event)))
        self.assertTrue(self.caller.exists())
        run = self.env["permanence.retention.run"].search(
            [("client_id", "=", self.medical.id)]
        )
        self.assertEqual(run.counts["appointments"], 1)

        # The person asks for erasure: the recent appointment too, then the
        # contact nothing uses any more
        wizard = (
            self.env["permanence.privacy.wizard"]
            .with_user(self.manager)
            .create({"subject": EMAIL})
        )
        wizard.action_search()
        export = self.env["permanence.retention"].with_user(self.manager)
        found = export._privacy_collect([], EMAIL)
        self.assertEqual(found["appointments"], self.recent_event)
        rows = export._privacy_rows(found)
        self.assertEqual(rows["appointments"][0]["caller_name"], SECRET)
        wizard.action_erase()
        self.assertFalse(any(self._caller_data(self.recent_event)))
        self.assertFalse(self.caller.exists())
