from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.permanence_telephonique.tests.common import CommittedCase

WAIT = 20  # seconds, upper bound of every wait in this test


@tagged("post_install", "-at_install")
class TestConcurrentBooking(CommittedCase):
    """Two operators book the same slot at the same moment, each in their own
    database transaction: one booking, one clear error with fresh slots."""

    def setUp(self):
        super().setUp()

        def fixture(env):
            partner = env["res.partner"].create(
                {"name": "Cabinet Concurrent", "is_company": True}
            )
            doctor = env["res.partner"].create(
                {"name": "Dr Concurrent", "parent_id": partner.id}
            )
            client = env["permanence.client"].create(
                {
                    "name": "Cabinet Concurrent",
                    "code": "CONCUR",
                    "partner_id": partner.id,
                    "state": "active",
                    "tz": "Europe/Paris",
                    "interlocutor_ids": [(0, 0, {"partner_id": doctor.id})],
                }
            )
            hours = env["resource.calendar"].create(
                {
                    "name": "Concurrent",
                    "tz": "Europe/Paris",
                    "attendance_ids": [
                        (
                            0,
                            0,
                            {
                                "name": str(day),
                                "dayofweek": str(day),
                                "hour_from": 8,
                                "hour_to": 19,
                            },
                        )
                        for day in range(7)
                    ],
                }
            )
            agenda = env["permanence.agenda"].create(
                {
                    "client_id": client.id,
                    "interlocutor_id": client.interlocutor_ids.id,
                    "resource_calendar_id": hours.id,
                }
            )
            atype = env["permanence.appointment.type"].create(
                {
                    "client_id": client.id,
                    "name": "Visite",
                    "duration": 30,
                    "min_notice": 24,
                    "agenda_ids": [(6, 0, agenda.ids)],
                }
            )
            return {
                "partners": (partner | doctor).ids,
                "client": client.id,
                "hours": hours.id,
                "agenda": agenda.id,
                "type": atype.id,
            }

        self.ids = self.run_in_new_transaction(fixture)
        self.addCleanup(self.run_in_new_transaction, self.cleanup)

    def cleanup(self, env):
        env["calendar.event"].with_context(active_test=False).search(
            [("agenda_id", "=", self.ids["agenda"])]
        ).unlink()
        env["permanence.appointment.type"].browse(self.ids["type"]).unlink()
        env["permanence.agenda"].browse(self.ids["agenda"]).unlink()
        env["permanence.client"].browse(self.ids["client"]).unlink()
        env["resource.calendar"].browse(self.ids["hours"]).unlink()
        env["res.partner"].browse(self.ids["partners"]).unlink()

    def test_same_slot_at_the_same_time(self):
        def first_slot(env):
            atype = env["permanence.appointment.type"].browse(self.ids["type"])
            return atype._find_slots(limit=1)[0]["start"]

        start = self.run_in_new_transaction(first_slot)

        def book(name):
            def operator(env):
                atype = env["permanence.appointment.type"].browse(self.ids["type"])
                agenda = env["permanence.agenda"].browse(self.ids["agenda"])
                env["calendar.event"]._permanence_book(
                    atype, agenda, start, {"caller_name": name}
                )
                return "booked"

            return operator

        alice, bruno, blocked = self.race(book("Alice"), book("Bruno"), WAIT)
        self.assertEqual(alice, "booked")
        self.assertTrue(blocked, "the second booking waited on the first")
        error = bruno
        self.assertIsInstance(error, UserError)
        message = str(error)
        self.assertIn("Another operator has just booked this slot", message)
        self.assertIn("Next free slots", message)

        def booked(env):
            return (
                env["calendar.event"]
                .search(
                    [
                        ("agenda_id", "=", self.ids["agenda"]),
                        ("booking_state", "=", "booked"),
                    ]
                )
                .mapped(lambda e: (e.caller_name, e.start))
            )

        self.assertEqual(self.run_in_new_transaction(booked), [("Alice", start)])

        # The fresh slots do not propose the slot just taken.
        def label(env):
            agenda = env["permanence.agenda"].browse(self.ids["agenda"])
            return env["calendar.event"]._format_local(start, agenda)

        self.assertNotIn(
            self.run_in_new_transaction(label), message.split("Next free slots")[1]
        )
