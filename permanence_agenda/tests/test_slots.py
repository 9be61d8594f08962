from datetime import date, datetime, timedelta

import pytz

from odoo.tests import BaseCase, tagged

from ..tools import slots

PARIS = pytz.timezone("Europe/Paris")
UTC = pytz.utc
OPEN = [
    {"dayofweek": day, "hour_from": h_from, "hour_to": h_to}
    for day in range(5)
    for h_from, h_to in ((9, 12), (14, 18))
]


def utc(*args):
    return UTC.localize(datetime(*args))


def minutes(n):
    return timedelta(minutes=n)


@tagged("post_install", "-at_install")
class TestSlotTools(BaseCase):
    """tools/slots.py: the free-slot arithmetic, without a database."""

    def test_weekly_intervals_across_spring_change(self):
        # Paris goes from UTC+1 to UTC+2 on Sunday 29 March 2026.
        found = slots.weekly_intervals(OPEN, PARIS, utc(2026, 3, 27), utc(2026, 3, 31))
        self.assertEqual(found[0], (utc(2026, 3, 27, 8), utc(2026, 3, 27, 11)))
        self.assertEqual(found[2], (utc(2026, 3, 30, 7), utc(2026, 3, 30, 10)))
        self.assertEqual(found[3], (utc(2026, 3, 30, 12), utc(2026, 3, 30, 16)))
        self.assertEqual(len(found), 4, "nothing on Saturday and Sunday")

    def test_weekly_intervals_across_autumn_change(self):
        # Back to UTC+1 on Sunday 25 October 2026.
        found = slots.weekly_intervals(
            OPEN, PARIS, utc(2026, 10, 23), utc(2026, 10, 27)
        )
        self.assertEqual(found[0], (utc(2026, 10, 23, 7), utc(2026, 10, 23, 10)))
        self.assertEqual(found[2], (utc(2026, 10, 26, 8), utc(2026, 10, 26, 11)))

    def test_night_range_on_change_day(self):
        # An on-call range 0:00-24:00 on the Sunday of the change lasts 23 h.
        rules = [{"dayofweek": 6, "hour_from": 0, "hour_to": 24}]
        (interval,) = slots.weekly_intervals(
            rules, PARIS, utc(2026, 3, 28), utc(2026, 3, 30)
        )
        self.assertEqual(interval[1] - interval[0], timedelta(hours=23))

    def test_dated_and_two_week_rules(self):
        rules = [
            {
                "dayofweek": 0,
                "hour_from": 9,
                "hour_to": 10,
                "date_from": date(2026, 3, 30),
            },
            {
                "dayofweek": 1,
                "hour_from": 9,
                "hour_to": 10,
                "week_type": slots.week_type(date(2026, 3, 24)),
            },
        ]
        found = slots.weekly_intervals(rules, PARIS, utc(2026, 3, 23), utc(2026, 4, 4))
        days = [start.astimezone(PARIS).date() for start, _end in found]
        self.assertEqual(days, [date(2026, 3, 24), date(2026, 3, 30)])

    def test_subtract_and_merge(self):
        day = [(utc(2026, 3, 23, 8), utc(2026, 3, 23, 17))]
        left = slots.subtract(
            day,
            [
                (utc(2026, 3, 23, 10), utc(2026, 3, 23, 12)),
                (utc(2026, 3, 23, 11), utc(2026, 3, 23, 13)),
            ],
        )
        self.assertEqual(
            left,
            [
                (utc(2026, 3, 23, 8), utc(2026, 3, 23, 10)),
                (utc(2026, 3, 23, 13), utc(2026, 3, 23, 17)),
            ],
        )

    def test_buffers_keep_room_around_busy_times(self):
        availability = [(utc(2026, 3, 23, 8), utc(2026, 3, 23, 12))]
        busy = [(utc(2026, 3, 23, 9), utc(2026, 3, 23, 10))]
        rules = slots.SlotRules(
            minutes(30),
            step=minutes(30),
            buffer_before=minutes(15),
            buffer_after=minutes(15),
            tz=PARIS,
        )
        found = [s for s, _e in slots.iter_free_slots(availability, busy, rules)]
        # 8:30 would end at 9:00 + 15 min buffer: refused; 10:00 starts
        # 15 min buffer inside the busy hour: refused.
        self.assertEqual(
            found,
            [
                utc(2026, 3, 23, 8),
                utc(2026, 3, 23, 10, 30),
                utc(2026, 3, 23, 11),
                utc(2026, 3, 23, 11, 30),
            ],
        )

    def test_notice_horizon_weekdays_hours(self):
        availability = slots.weekly_intervals(
            OPEN, PARIS, utc(2026, 3, 23), utc(2026, 4, 6)
        )
        now = utc(2026, 3, 23, 8, 10)  # Monday 9:10 in Paris
        rules = slots.SlotRules(
            minutes(30),
            now=now,
            earliest=now + timedelta(hours=2),
            latest=now + timedelta(days=7),
            weekdays={1},
            hour_from=14,
            hour_to=16,
            tz=PARIS,
        )
        found = list(slots.iter_free_slots(availability, [], rules))
        local = [s.astimezone(PARIS) for s, _e in found]
        self.assertEqual({d.weekday() for d in local}, {1}, "Tuesdays only")
        self.assertEqual(local[0].hour, 14)
        self.assertEqual(local[-1].strftime("%H:%M"), "15:30", "ends by 16:00")
        self.assertEqual(len(found), 4, "one Tuesday inside the 7-day horizon")

    def test_refusal_reasons(self):
        availability = [(utc(2026, 3, 23, 8), utc(2026, 3, 23, 11))]
        busy = [(utc(2026, 3, 23, 9), utc(2026, 3, 23, 10))]
        now = utc(2026, 3, 23, 7)
        rules = slots.SlotRules(
            minutes(30),
            now=now,
            earliest=now + timedelta(hours=1),
            latest=now + timedelta(days=1),
            tz=PARIS,
        )

        def why(hour, minute=0):
            start = utc(2026, 3, 23, hour, minute)
            return slots.refusal(start, start + minutes(30), availability, busy, rules)

        self.assertEqual(why(6), "past")
        self.assertEqual(why(7, 30), "notice")
        self.assertEqual(why(9, 30), "collision")
        self.assertEqual(why(10, 45), "availability")
        self.assertIsNone(why(8))
        start = utc(2026, 3, 25, 8)
        self.assertEqual(
            slots.refusal(start, start + minutes(30), availability, busy, rules),
            "horizon",
        )

    def test_any_agenda_prefers_the_first_free(self):
        availability = [(utc(2026, 3, 23, 8), utc(2026, 3, 23, 10))]
        rules = slots.SlotRules(minutes(60), tz=PARIS)
        found = list(
            slots.iter_free_slots_any(
                [
                    (
                        "doctor",
                        availability,
                        [(utc(2026, 3, 23, 8), utc(2026, 3, 23, 9))],
                    ),
                    ("room", availability, []),
                ],
                rules,
            )
        )
        self.assertEqual(
            found,
            [
                (utc(2026, 3, 23, 8), utc(2026, 3, 23, 9), "room"),
                (utc(2026, 3, 23, 9), utc(2026, 3, 23, 10), "doctor"),
            ],
        )
