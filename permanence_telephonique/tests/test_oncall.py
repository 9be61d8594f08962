from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from odoo.tests import tagged

from ..tools import oncall
from .common import PermanenceCase

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def rota(**kw):
    values = {
        "tz": "Europe/Paris",
        "anchor": date(2025, 1, 6),  # a Monday
        "handover_weekday": 0,
        "handover_time": time(8, 0),
        "members": ("A", "B", "C"),
    }
    values.update(kw)
    return oncall.Rota(**values)


@tagged("post_install", "-at_install")
class TestOncall(PermanenceCase):
    # Pure evaluation ---------------------------------------------------------

    def test_weekly_rotation_and_midnight_hand_over(self):
        weekly = rota(handover_time=time(0, 0))
        # 2025-01-06 → A, 2025-01-13 → B ...
        self.assertEqual(oncall.oncall_at(weekly, paris(2025, 1, 12, 23, 59, 59)), "A")
        self.assertEqual(oncall.oncall_at(weekly, paris(2025, 1, 13, 0, 0)), "B")
        self.assertEqual(oncall.oncall_at(weekly, paris(2025, 1, 27, 0, 0)), "A")
        # Before the first hand-over, nobody.
        self.assertIsNone(oncall.oncall_at(weekly, paris(2025, 1, 5, 23, 0)))
        # Midnight in Paris is 23:00 UTC the day before.
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 1, 12, 23, 0)), "B")
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 1, 12, 22, 59)), "A")

    def test_week_end_hand_over_on_friday_evening(self):
        weekend = rota(handover_weekday=4, handover_time=time(18, 0))
        # The anchor is a Monday: the first hand-over is Friday 10 January.
        self.assertIsNone(oncall.oncall_at(weekend, paris(2025, 1, 10, 17, 59)))
        for moment in (
            paris(2025, 1, 10, 18, 0),
            paris(2025, 1, 11, 3, 0),
            paris(2025, 1, 12, 23, 59),
            paris(2025, 1, 17, 17, 59),
        ):
            self.assertEqual(oncall.oncall_at(weekend, moment), "A", moment)
        self.assertEqual(oncall.oncall_at(weekend, paris(2025, 1, 17, 18, 0)), "B")
        self.assertEqual(
            oncall.next_handover(weekend, paris(2025, 1, 11, 12, 0)),
            (paris(2025, 1, 17, 18, 0).astimezone(UTC), "B"),
        )

    def test_hand_over_keeps_local_time_across_dst(self):
        weekly = rota()
        # Winter: Monday 24 March 08:00 CET is 07:00 UTC.
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 3, 24, 6, 59)), "B")
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 3, 24, 7, 0)), "C")
        # Summer time from Sunday 30 March: the next hand-over, Monday 31
        # March 08:00 CEST, is 06:00 UTC — the shift lasted 167 hours.
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 3, 31, 5, 59)), "C")
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 3, 31, 6, 0)), "A")
        start, member = oncall.next_handover(weekly, utc(2025, 3, 29, 12, 0))
        self.assertEqual((start, member), (utc(2025, 3, 31, 6, 0), "A"))
        self.assertEqual(
            start - oncall.shift_start(weekly, oncall.shift_index(weekly, start) - 1),
            timedelta(hours=167),
        )
        # Back to winter on Sunday 26 October: 169 hours.
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 10, 27, 6, 59)), "C")
        self.assertEqual(oncall.oncall_at(weekly, utc(2025, 10, 27, 7, 0)), "A")

    def test_hand_over_at_a_time_the_dst_change_skips_or_repeats(self):
        sunday_night = rota(handover_weekday=6, handover_time=time(2, 30))
        # 30 March 2025, 02:30 does not exist in Paris: the hand-over happens
        # when the clock has jumped, at 03:30 CEST (01:30 UTC).
        self.assertEqual(oncall.shift_start(sunday_night, 11), utc(2025, 3, 30, 1, 30))
        before = oncall.oncall_at(sunday_night, utc(2025, 3, 30, 1, 29))
        after = oncall.oncall_at(sunday_night, utc(2025, 3, 30, 1, 30))
        self.assertNotEqual(before, after)
        # 26 October 2025, 02:30 happens twice: the first one (00:30 UTC).
        change = oncall.next_handover(sunday_night, utc(2025, 10, 25, 12, 0))
        self.assertEqual(change[0], utc(2025, 10, 26, 0, 30))
        self.assertEqual(
            oncall.gaps(sunday_night, utc(2025, 3, 1), utc(2025, 11, 1)), []
        )

    def test_other_time_zone(self):
        auckland = rota(tz="Pacific/Auckland", handover_time=time(0, 0))
        # Monday 13 January 00:00 in Auckland (UTC+13) is Sunday 11:00 UTC.
        self.assertEqual(oncall.oncall_at(auckland, utc(2025, 1, 12, 10, 59)), "A")
        self.assertEqual(oncall.oncall_at(auckland, utc(2025, 1, 12, 11, 0)), "B")

    def test_replacements_absences_and_gaps(self):
        weekly = rota(
            members=("A", "B"),
            overrides=(
                oncall.Override(paris(2025, 1, 8, 18), paris(2025, 1, 9, 8), "C"),
            ),
            absences=(
                oncall.Absence("B", paris(2025, 1, 14, 0), paris(2025, 1, 16, 0)),
            ),
        )
        self.assertEqual(oncall.oncall_at(weekly, paris(2025, 1, 8, 17, 59)), "A")
        self.assertEqual(oncall.oncall_at(weekly, paris(2025, 1, 8, 18, 0)), "C")
        self.assertEqual(oncall.oncall_at(weekly, paris(2025, 1, 9, 8, 0)), "A")
        self.assertEqual(
            oncall.next_handover(weekly, paris(2025, 1, 8, 12)),
            (paris(2025, 1, 8, 18).astimezone(UTC), "C"),
        )
        # B's holidays with nobody to replace them: a gap, and it is found.
        self.assertIsNone(oncall.oncall_at(weekly, paris(2025, 1, 15, 12)))
        self.assertEqual(
            oncall.gaps(weekly, paris(2025, 1, 6, 8), paris(2025, 2, 1)),
            [(paris(2025, 1, 14, 0), paris(2025, 1, 16, 0))],
        )
        self.assertEqual(
            oncall.next_handover(weekly, paris(2025, 1, 13, 12)),
            (paris(2025, 1, 14, 0).astimezone(UTC), None),
        )
        self.assertEqual(oncall.member_after(("A", "B"), "B"), "A")
        with self.assertRaises(ValueError):
            oncall.oncall_at(weekly, datetime(2025, 1, 8))

    # The rota records ----------------------------------------------------------

    def _rota(self, **vals):
        tech = self.env["res.partner"].create(
            {"name": "Théo Technicien", "mobile": "06 11 22 33 44"}
        )
        self.tech_interlocutor = self.env["permanence.interlocutor"].create(
            {"client_id": self.client.id, "partner_id": tech.id}
        )
        values = {
            "name": "Astreinte",
            "client_id": self.client.id,
            "anchor_date": "2025-01-06",
            "handover_weekday": "0",
            "handover_hour": 8.0,
            "member_ids": [
                (0, 0, {"sequence": 1, "interlocutor_id": self.tech_interlocutor.id}),
                (0, 0, {"sequence": 2, "interlocutor_id": self.boss_interlocutor.id}),
            ],
        }
        values.update(vals)
        return self.env["permanence.oncall.rota"].create(values)

    def test_who_is_on_call_now_in_the_client_time_zone(self):
        rota_record = self._rota()
        with freeze_time("2025-01-13 06:59:00"):  # 07:59 in Paris
            rota_record.invalidate_recordset()
            self.assertEqual(
                rota_record.current_interlocutor_id, self.tech_interlocutor
            )
            self.assertEqual(rota_record.current_number, "+33611223344")
            self.assertEqual(rota_record.next_handover, datetime(2025, 1, 13, 7, 0))
            self.assertEqual(rota_record.next_interlocutor_id, self.boss_interlocutor)
        with freeze_time("2025-01-13 07:00:00"):
            rota_record.invalidate_recordset()
            self.assertEqual(
                rota_record.current_interlocutor_id, self.boss_interlocutor
            )
            self.assertEqual(rota_record._oncall_at(), self.boss_interlocutor)
            self.assertFalse(rota_record._emergency_config_errors())

    def test_configuration_errors(self):
        with freeze_time("2025-01-13 12:00:00"):
            rota_record = self._rota()
            rota_record.override_ids = [
                (
                    0,
                    0,
                    {
                        "kind": "absence",
                        "interlocutor_id": self.boss_interlocutor.id,
                        "date_from": "2025-01-15 00:00:00",
                        "date_to": "2025-01-17 00:00:00",
                    },
                )
            ]
            errors = rota_record._emergency_config_errors()
            self.assertEqual(len(errors), 1)
            self.assertIn(
                "nobody is on call from 1/15/25, 1:00 AM to 1/17/25, 1:00 AM", errors[0]
            )
            self.assertEqual(rota_record.config_errors, errors[0])
            # A member nobody can call.
            self.tech_interlocutor.partner_id.mobile = False
            errors = rota_record._emergency_config_errors()
            self.assertTrue(
                any("Théo Technicien has no number" in e for e in errors), errors
            )
            empty = self._rota(member_ids=[])
            self.assertIn("it has no member", empty._emergency_config_errors()[0])
