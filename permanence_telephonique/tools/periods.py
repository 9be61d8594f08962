# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Periods a client picks in the portal, and the CSV export of their calls.

Plain Python, no database: the portal controller turns the local days into
UTC bounds with the client's time zone; the tests exercise these directly.
"""

import calendar
import csv
import io
from datetime import date, datetime, time, timedelta

import pytz

WEEK = "week"
MONTH = "month"
LAST_MONTH = "last_month"
LAST_3_MONTHS = "last_3_months"
CUSTOM = "custom"
PERIODS = (WEEK, MONTH, LAST_MONTH, LAST_3_MONTHS, CUSTOM)
# A custom period spans at most this many days, within these years.
MAX_DAYS = 366
YEARS = (2000, 2999)
# Cells a spreadsheet would read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PeriodError(ValueError):
    """A custom period that cannot be used; ``code`` says why: ``missing``,
    ``invalid``, ``order`` or ``too_long``."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _parse(value):
    if not value:
        raise PeriodError("missing")
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise PeriodError("invalid") from error
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise PeriodError("invalid")
    return day


def _shift_months(day, months):
    """``day`` moved by ``months`` months, clamped to the month's length."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bounds(period, today, week_start=0, date_from=None, date_to=None):
    """``(first day, last day)`` (local dates, both included) of ``period``
    seen on ``today``; ``week_start`` is the first weekday (0 = Monday).
    A custom period reads ``date_from`` and ``date_to`` (ISO dates) and
    raises :class:`PeriodError` when they cannot be used."""
    if period == WEEK:
        first = today - timedelta(days=(today.weekday() - week_start) % 7)
        return first, first + timedelta(days=6)
    if period == MONTH:
        first = today.replace(day=1)
        return first, _shift_months(first, 1) - timedelta(days=1)
    if period == LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if period == LAST_3_MONTHS:
        return _shift_months(today, -3) + timedelta(days=1), today
    if period == CUSTOM:
        first, last = _parse(date_from), _parse(date_to)
        if first > last:
            raise PeriodError("order")
        if (last - first).days + 1 > MAX_DAYS:
            raise PeriodError("too_long")
        return first, last
    raise PeriodError("invalid")


def utc_range(first, last, tz_name):
    """Naive UTC datetimes ``[start, end)`` of the local days ``first`` to
    ``last`` (included) in time zone ``tz_name``."""
    tz = pytz.timezone(tz_name or "UTC")

    def midnight(day):
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    return midnight(first), midnight(last + timedelta(days=1))


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: one starting like a formula
    gets a leading quote (CSV injection)."""
    if value is None or value is False:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header, rows):
    """``;``-separated CSV (as French spreadsheets expect), every cell made
    safe with :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
