from datetime import datetime, timedelta

import pytz

from odoo.tests import Form, tagged

from .common import NOW, AgendaCase

UTC = pytz.utc
PARIS = pytz.timezone("Europe/Paris")


def aware(naive):
    return UTC.localize(naive)


@tagged("post_install", "-at_install")
class TestAvailability(AgendaCase):
    def find(self, atype, now=NOW, **kwargs):
        return atype._find_slots(now=aware(now), **kwargs)

    def local(self, naive):
        return aware(naive).astimezone(PARIS)

    def test_first_slots_respect_notice(self):
        found = self.find(self.visit, limit=3)
        # 8:00 in Paris + 2 h notice: 10:00 is the first slot.
        self.assertEqual(
            self.starts(found),
            [
                datetime(2026, 3, 23, 9),
                datetime(2026, 3, 23, 9, 30),
                datetime(2026, 3, 23, 10),
            ],
        )
        self.assertEqual(found[0]["agenda"], self.doctor_agenda)
        self.assertEqual(found[0]["stop"] - found[0]["start"], timedelta(minutes=30))

    def test_same_local_hours_across_spring_change(self):
        # Friday 27 March (UTC+1) and Monday 30 March (UTC+2).
        friday = self.find(self.visit, after=datetime(2026, 3, 27), limit=1)
        monday = self.find(self.visit, after=datetime(2026, 3, 28), limit=1)
        self.assertEqual(friday[0]["start"], datetime(2026, 3, 27, 8))
        self.assertEqual(monday[0]["start"], datetime(2026, 3, 30, 7))
        for found in (friday, monday):
            self.assertEqual(self.local(found[0]["start"]).strftime("%H:%M"), "09:00")

    def test_same_local_hours_across_autumn_change(self):
        now = datetime(2026, 10, 20, 7)
        friday = self.find(self.visit, now=now, after=datetime(2026, 10, 23), limit=1)
        monday = self.find(self.visit, now=now, after=datetime(2026, 10, 24), limit=1)
        self.assertEqual(friday[0]["start"], datetime(2026, 10, 23, 7))
        self.assertEqual(monday[0]["start"], datetime(2026, 10, 26, 8))

    def test_matches_odoo_working_intervals(self):
        """Our weekly expansion gives the same intervals as Odoo's resource
        engine, leaves included, across the DST change."""
        start, end = aware(datetime(2026, 3, 23)), aware(datetime(2026, 4, 6))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congrès",
                "calendar_id": self.hours.id,
                "date_from": datetime(2026, 3, 31, 12),
                "date_to": datetime(2026, 4, 1, 9),
            }
        )
        odoo_intervals = self.hours._work_intervals_batch(start, end, tz=PARIS)[False]
        expected = [
            (s.astimezone(UTC), e.astimezone(UTC)) for s, e, _r in odoo_intervals
        ]
        ours, _busy = self.doctor_agenda._slot_data(start, end)[self.doctor_agenda.id]
        self.assertEqual(ours, expected)

    def test_exception_closes_the_agenda(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Vacances",
                "calendar_id": self.hours.id,
                "date_from": datetime(2026, 3, 23, 0),
                "date_to": datetime(2026, 3, 24, 23),
            }
        )
        found = self.find(self.visit, limit=1)
        self.assertEqual(self.local(found[0]["start"]).date().isoformat(), "2026-03-25")

    def test_client_closure_applies_to_its_agendas(self):
        self.medical.resource_calendar_id = self.hours.copy({"name": "Cabinet"})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fermeture",
                "calendar_id": self.medical.resource_calendar_id.id,
                "date_from": datetime(2026, 3, 23, 0),
                "date_to": datetime(2026, 3, 23, 23),
            }
        )
        found = self.find(self.visit, limit=1)
        self.assertEqual(self.local(found[0]["start"]).date().isoformat(), "2026-03-24")

    def test_events_and_buffers_block_slots(self):
        # An existing quote Monday 10:00-11:00 Paris with 30 min buffers:
        # a new one needs 30 min + 30 min between them.
        self.env["calendar.event"].create(
            {
                "name": "Devis",
                "start": datetime(2026, 3, 23, 9),
                "stop": datetime(2026, 3, 23, 10),
                "agenda_id": self.plumber_agenda.id,
                "appointment_type_id": self.quote.id,
                "booking_state": "booked",
                "booking_buffer_before": 30,
                "booking_buffer_after": 30,
            }
        )
        found = self.find(self.quote, limit=2)
        local = [self.local(s).strftime("%H:%M") for s in self.starts(found)]
        # 9:00 would end at 10:00 + 30 min buffer = overlap with 9:30-11:30.
        self.assertEqual(local, ["14:00", "15:00"])

    def test_other_events_of_the_person_block_slots(self):
        self.env["calendar.event"].create(
            {
                "name": "Bloc opératoire",
                "start": datetime(2026, 3, 23, 9),
                "stop": datetime(2026, 3, 23, 11),
                "partner_ids": [(6, 0, self.doctor.ids)],
            }
        )
        found = self.find(self.visit, limit=1)
        self.assertEqual(found[0]["start"], datetime(2026, 3, 23, 13))
        free = self.env["calendar.event"].create(
            {
                "name": "Libre",
                "start": datetime(2026, 3, 23, 13),
                "stop": datetime(2026, 3, 23, 14),
                "show_as": "free",
                "partner_ids": [(6, 0, self.doctor.ids)],
            }
        )
        self.assertTrue(free)
        self.assertEqual(
            self.find(self.visit, limit=1)[0]["start"], datetime(2026, 3, 23, 13)
        )

    def test_imported_busy_times_block_slots(self):
        self.env["permanence.agenda.busy"].create(
            {
                "agenda_id": self.doctor_agenda.id,
                "start": datetime(2026, 3, 23, 9),
                "stop": datetime(2026, 3, 23, 17),
            }
        )
        found = self.find(self.visit, limit=1)
        self.assertEqual(self.local(found[0]["start"]).date().isoformat(), "2026-03-24")

    def test_any_agenda_and_paging(self):
        first = self.find(self.any_visit, limit=4)
        self.assertEqual(len(set(self.starts(first))), 4, "one proposal per time")
        following = self.find(
            self.any_visit, limit=4, after=first[-1]["start"] + timedelta(seconds=1)
        )
        self.assertGreater(following[0]["start"], first[-1]["start"])
        # The doctor is busy all Monday: the room is proposed instead.
        self.env["permanence.agenda.busy"].create(
            {
                "agenda_id": self.doctor_agenda.id,
                "start": datetime(2026, 3, 23, 5),
                "stop": datetime(2026, 3, 23, 20),
            }
        )
        found = self.find(self.any_visit, limit=1)
        self.assertEqual(found[0]["agenda"], self.room_agenda)
        self.assertEqual(found[0]["start"], datetime(2026, 3, 23, 8))

    def test_weekdays_hours_and_horizon(self):
        self.visit.write(
            {
                "mon": False,
                "wed": False,
                "thu": False,
                "fri": False,
                "hour_from": 14,
                "hour_to": 16,
                "horizon_days": 10,
            }
        )
        found = self.find(self.visit, limit=20)
        days = {self.local(s).strftime("%a %H:%M") for s in self.starts(found)}
        self.assertEqual(days, {"Tue 14:00", "Tue 14:30", "Tue 15:00", "Tue 15:30"})
        self.assertEqual(len(found), 8, "two Tuesdays inside ten days")

    def test_refusal_reasons_are_explained(self):
        with self.subTest("in the past"):
            self.assertIn(
                "past",
                self.visit._slot_refusal(
                    self.doctor_agenda, datetime(2026, 3, 20, 9), now=aware(NOW)
                ),
            )
        with self.subTest("too soon"):
            self.assertIn(
                "too soon",
                self.visit._slot_refusal(
                    self.doctor_agenda, datetime(2026, 3, 23, 8), now=aware(NOW)
                ),
            )
        with self.subTest("outside availability"):
            self.assertIn(
                "outside",
                self.visit._slot_refusal(
                    self.doctor_agenda, datetime(2026, 3, 23, 11, 30), now=aware(NOW)
                ),
            )
        with self.subTest("free"):
            self.assertIsNone(
                self.visit._slot_refusal(
                    self.doctor_agenda, datetime(2026, 3, 23, 13), now=aware(NOW)
                )
            )

    def test_all_day_event_blocks_the_local_day(self):
        self.env["calendar.event"].create(
            {
                "name": "Congrès",
                "allday": True,
                "start_date": "2026-03-23",
                "stop_date": "2026-03-24",
                "partner_ids": [(6, 0, self.doctor.ids)],
            }
        )
        found = self.find(self.visit, limit=1)
        self.assertEqual(
            self.local(found[0]["start"]).strftime("%Y-%m-%d %H:%M"), "2026-03-25 09:00"
        )

    def test_operator_opens_agenda_and_type_forms(self):
        agenda = Form(self.doctor_agenda.with_user(self.allowed_operator))
        self.assertEqual(agenda.name, "Dr Paul Test")
        atype = Form(self.visit.with_user(self.allowed_operator))
        self.assertEqual(atype.duration, 30)
