"""Service periods: the client switches the answering service on or off for
a while (lunch break, leave, unplanned absence).

Plain arithmetic on dates, no database: the time zone conversions of what
the client types (daylight saving included) and the hours of a period
counted by calendar month of the client's time zone, for the plan's
monthly allowance.
"""

from datetime import datetime, time, timedelta

import pytz

ON = "on"
OFF = "off"
MODES = (ON, OFF)


def to_utc(local, tz_name):
    """Naive UTC moment of ``local`` (naive, read in ``tz_name``).

    A time that does not exist (the hour skipped when clocks go forward)
    is taken as the same wall time before the change, which lands after
    it (02:30 becomes 03:30 summer time); a time that happens twice (the
    hour repeated when clocks go back) is taken in winter time, the later
    one."""
    tz = pytz.timezone(tz_name or "UTC")
    aware = tz.normalize(tz.localize(local, is_dst=False))
    return aware.astimezone(pytz.utc).replace(tzinfo=None)


def to_local(moment, tz_name):
    """Naive local time in ``tz_name`` of ``moment`` (naive UTC)."""
    tz = pytz.timezone(tz_name or "UTC")
    return pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def hours_by_month(start, end, tz_name):
    """``{first day of month: hours}`` of the period ``[start, end)`` (naive
    UTC), cut at midnight of the first of each month in ``tz_name``. Real
    elapsed hours: a night when clocks go forward lasts an hour less."""
    result = {}
    if not start or not end or end <= start:
        return result
    cursor = start
    month = month_start(to_local(start, tz_name).date())
    while cursor < end:
        boundary = to_utc(datetime.combine(next_month(month), time.min), tz_name)
        part_end = min(end, boundary)
        hours = (part_end - cursor).total_seconds() / 3600.0
        result[month] = result.get(month, 0.0) + hours
        cursor = part_end
        month = next_month(month)
    return result


def overlaps(start, end, other_start, other_end):
    """Whether ``[start, end)`` and ``[other_start, other_end)`` share a moment."""
    return start < other_end and other_start < end


def service_at(periods, when):
    """The mode (``on``/``off``) of the period of ``periods`` (``(start, end,
    mode)`` tuples, naive UTC) that contains ``when``, else None."""
    for start, end, mode in periods:
        if start <= when < end:
            return mode
    return None
