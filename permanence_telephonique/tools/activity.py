"""Plain helpers of the monthly activity report: the month's bounds in the
client's time zone, the bars of the charts and the durations as people read
them. No database here (see ``permanence.activity.report``)."""

from datetime import date, datetime, time

import pytz


def first_day(day):
    """First day of the month of ``day``."""
    return date(day.year, day.month, 1)


def next_month(month):
    """First day of the month after ``month`` (a first day)."""
    if month.month == 12:
        return date(month.year + 1, 1, 1)
    return date(month.year, month.month + 1, 1)


def previous_month(day):
    """First day of the month before the month of ``day``."""
    if day.month == 1:
        return date(day.year - 1, 12, 1)
    return date(day.year, day.month - 1, 1)


def last_day(month):
    """Last day of ``month`` (a first day)."""
    return date.fromordinal(next_month(month).toordinal() - 1)


def month_bounds(month, tz_name):
    """``(start, end)`` of ``month`` as naive UTC datetimes (end exclusive),
    midnight to midnight in time zone ``tz_name`` (daylight saving
    included)."""
    tz = pytz.timezone(tz_name or "UTC")

    def to_utc(day):
        return (
            tz.localize(datetime.combine(day, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )

    return to_utc(first_day(month)), to_utc(next_month(first_day(month)))


def bars(rows):
    """Bars of a chart: ``rows`` are ``(label, count)``; each becomes
    ``{"label", "count", "width"}`` with width the share (in %, one
    decimal) of the largest count, so that the longest bar fills the row."""
    rows = list(rows)
    top = max((count for _label, count in rows), default=0)
    return [
        {
            "label": label,
            "count": count,
            "width": round(100.0 * count / top, 1) if top else 0.0,
        }
        for label, count in rows
    ]


def duration(seconds):
    """Seconds as people read a duration: ``42 s``, ``3 min 05 s``,
    ``2 h 07 min``; ``—`` when unknown."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def average(values):
    """Average of the numbers in ``values`` (None ignored), None if none."""
    values = [value for value in values if value is not None]
    return sum(values) / len(values) if values else None
