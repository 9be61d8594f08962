# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing arithmetic of the answering service packages (forfaits).

Plain Python, no database: the models call these functions, the tests
exercise them directly, and the SQL used to aggregate usage in the database
(``permanence.subscription._usage_query``) mirrors :func:`call_units` — the
tests check that both give the same figures.

A *rule* is a mapping with the plan's billing parameters::

    {
        "unit": "calls" | "minutes",
        "rounding": "second" | "minute",  # per second, per started minute
        "free_under": 0,  # seconds: shorter calls are not billed at all
        "wrap_up": 0,  # seconds added to each billed call (after-call work)
    }
"""

import calendar
import csv
import io
import math
from datetime import date, timedelta

from odoo.tools.float_utils import float_round

UNIT_CALLS = "calls"
UNIT_MINUTES = "minutes"
ROUNDING_SECOND = "second"
ROUNDING_MINUTE = "minute"
ROUNDING_INCREMENTS = {ROUNDING_SECOND: 1, ROUNDING_MINUTE: 60}
ALERT_THRESHOLDS = (80, 100)


def rounding_increment(rounding):
    """Seconds each billed call is rounded up to."""
    try:
        return ROUNDING_INCREMENTS[rounding]
    except KeyError:
        raise ValueError(f"Unknown rounding rule {rounding!r}") from None


def is_billed(talk_seconds, free_under=0):
    """Whether a call of ``talk_seconds`` counts at all: calls shorter than
    ``free_under`` seconds are free."""
    return (talk_seconds or 0) >= (free_under or 0)


def billed_seconds(talk_seconds, rounding=ROUNDING_SECOND, free_under=0, wrap_up=0):
    """Seconds billed for one call: talk time plus the wrap-up time, rounded
    up to the rule's increment; 0 for a free (short) call."""
    talk_seconds = max(talk_seconds or 0, 0)
    if not is_billed(talk_seconds, free_under):
        return 0
    increment = rounding_increment(rounding)
    seconds = talk_seconds + max(wrap_up or 0, 0)
    return math.ceil(seconds / increment) * increment


def call_units(talk_seconds, rule):
    """Units one call consumes under ``rule``: 1 or 0 for a per-call plan,
    billed minutes (possibly fractional when billed per second) for a
    per-minute plan."""
    free_under = rule.get("free_under") or 0
    if rule["unit"] == UNIT_CALLS:
        return 1 if is_billed(talk_seconds, free_under) else 0
    seconds = billed_seconds(
        talk_seconds,
        rounding=rule.get("rounding") or ROUNDING_SECOND,
        free_under=free_under,
        wrap_up=rule.get("wrap_up") or 0,
    )
    return seconds / 60


def total_units(talk_durations, rule):
    """Units consumed by a list of calls; rounding applies per call, so this
    is not the rounding of the summed durations."""
    return sum(call_units(talk, rule) for talk in talk_durations)


def overage(used_units, included_units):
    """Units billed beyond the package."""
    return max((used_units or 0) - (included_units or 0), 0)


def usage_percent(used_units, included_units):
    """Share of the package used, in percent; 0 for a pure per-use plan."""
    if not included_units:
        return 0.0
    return 100.0 * (used_units or 0) / included_units


def reached_threshold(percent, already=0, thresholds=ALERT_THRESHOLDS):
    """The highest alert threshold reached and not yet notified, or 0.

    ``already`` is the last threshold notified in the period: an account
    going from 50 % to 120 % at once gets one alert (100 %), not two.
    """
    reached = [t for t in thresholds if percent >= t and t > (already or 0)]
    return max(reached) if reached else 0


# Periods ---------------------------------------------------------------------


def _day_in_month(year, month, day):
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(year, month, months):
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def period_of(day, billing_day=1):
    """The monthly billing period containing ``day``, as ``(start, end)``
    inclusive. A period starts on ``billing_day`` (clamped to the month's
    last day, so 31 means "end of month") and ends the day before the next
    one."""
    billing_day = max(int(billing_day or 1), 1)
    start = _day_in_month(day.year, day.month, billing_day)
    if start > day:
        year, month = _add_months(day.year, day.month, -1)
        start = _day_in_month(year, month, billing_day)
    year, month = _add_months(start.year, start.month, 1)
    end = _day_in_month(year, month, billing_day) - timedelta(days=1)
    return start, end


def previous_period(day, billing_day=1):
    """The last complete period before ``day``'s own period."""
    start, _end = period_of(day, billing_day)
    return period_of(start - timedelta(days=1), billing_day)


def overlap_days(period_start, period_end, date_start, date_end=None):
    """Days of ``[period_start, period_end]`` covered by ``[date_start,
    date_end]`` (``date_end`` None: open-ended), both inclusive."""
    start = max(period_start, date_start)
    end = min(period_end, date_end) if date_end else period_end
    return max((end - start).days + 1, 0)


def prorate(amount, days, period_days):
    """``amount`` for ``days`` out of ``period_days`` (not rounded: round
    with the currency)."""
    if period_days <= 0 or days >= period_days:
        return amount
    return amount * days / period_days


def included_units(included, days, period_days, unit=UNIT_CALLS):
    """Units of a package included for ``days`` out of ``period_days``,
    pro-rated like the fee and rounded half up (2.5 calls give 3, not
    Python's banker's 2): whole calls for a per-call plan, hundredths of a
    minute otherwise."""
    digits = 0 if unit == UNIT_CALLS else 2
    return float_round(
        prorate(included, days, period_days),
        precision_digits=digits,
        rounding_method="HALF-UP",
    )


def tiered_amount(units, tiers):
    """Graduated price of ``units`` for ``tiers`` sorted ``[(up_to, unit
    price), ...]``; the last tier's ``up_to`` may be None (no limit). Each
    unit is priced at the tier it falls in."""
    amount = 0.0
    lower = 0
    for up_to, price in tiers:
        upper = units if up_to is None else min(units, up_to)
        if upper > lower:
            amount += (upper - lower) * price
        if up_to is None or units <= up_to:
            break
        lower = up_to
    return amount


def calls_csv(rows, header):
    """The billed calls as CSV text (``;``-separated, as French spreadsheets
    expect), one row per call."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
