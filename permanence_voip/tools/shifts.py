"""Demo shifts: what an operator's presence log looks like over a few weeks.

Plain logic (no database): :func:`history` plans, per operator and working
day, a morning and an afternoon on the floor with a short break and a lunch
break in between; times are local to ``tz`` and returned in UTC (naive, as
Odoo stores them).
"""

import random
from datetime import datetime, time, timedelta

import pytz


def _utc(tz, moment):
    return tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)


def _day(rng, tz, day):
    """The spans of one day: ``(state, reason, start, end)`` in local time."""
    start = datetime.combine(day, time(8)) + timedelta(minutes=rng.randint(0, 45))
    coffee = start + timedelta(minutes=rng.randint(90, 150))
    coffee_end = coffee + timedelta(minutes=rng.randint(10, 20))
    lunch = datetime.combine(day, time(12)) + timedelta(minutes=rng.randint(0, 30))
    lunch_end = lunch + timedelta(minutes=rng.randint(45, 70))
    end = datetime.combine(day, time(16, 30)) + timedelta(minutes=rng.randint(0, 90))
    return [
        ("available", False, start, coffee),
        ("pause", "break", coffee, coffee_end),
        ("available", False, coffee_end, lunch),
        ("pause", "lunch", lunch, lunch_end),
        ("available", False, lunch_end, end),
        ("offline", False, end, None),
    ]


def history(user_ids, today, tz_name="Europe/Paris", days=35, seed=None):
    """Presence rows of ``user_ids`` over the ``days`` days before ``today``
    (working days only): dicts ``user_id``, ``state``, ``pause_reason``,
    ``date_from``, ``date_to`` (UTC). Each day ends offline until the next
    shift begins; the last offline row ends at the start of ``today``."""
    rng = random.Random(seed if seed is not None else today.toordinal())
    tz = pytz.timezone(tz_name or "Europe/Paris")
    first_offset = days
    rows = []
    for user_id in user_ids:
        previous = None
        for offset in range(first_offset, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for state, reason, start, end in _day(rng, tz, day):
                if previous is not None and previous["date_to"] is None:
                    previous["date_to"] = _utc(tz, start)
                row = {
                    "user_id": user_id,
                    "state": state,
                    "pause_reason": reason,
                    "date_from": _utc(tz, start),
                    "date_to": _utc(tz, end) if end else None,
                }
                rows.append(row)
                previous = row
        if previous is not None and previous["date_to"] is None:
            previous["date_to"] = _utc(tz, datetime.combine(today, time()))
    return rows
