"""Free slots of shared agendas: pure computation, no database.

Every datetime handled here is timezone-aware (UTC or any zone); the weekly
availability is read in the client's time zone day by day, so an agenda open
from 9:00 to 12:00 stays open from 9:00 to 12:00 local time on both sides of
a daylight-saving change. Intervals are half-open ``(start, end)`` pairs.
"""

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

UTC = pytz.utc

# Why a slot is refused, in the order they are checked.
REASONS = (
    "past",
    "notice",
    "horizon",
    "weekday",
    "hours",
    "availability",
    "collision",
)


def week_type(day):
    """Odoo's week parity of two-week calendars (same formula as
    ``resource.calendar.attendance.get_week_type``)."""
    return int(math.floor((day.toordinal() - 1) / 7) % 2)


def local_datetime(tz, day, hours):
    """The moment ``day`` at ``hours`` (a float, 24.0 for midnight at the
    end of the day) in ``tz``, as an aware UTC datetime."""
    if hours >= 24:
        day += timedelta(days=1)
        hours -= 24
    minutes = int(round(hours * 60))
    naive = datetime.combine(day, time(minutes // 60, minutes % 60))
    return tz.normalize(tz.localize(naive, is_dst=False)).astimezone(UTC)


def _timezone(tz):
    return pytz.timezone(tz) if isinstance(tz, str) else tz


def merge(intervals):
    """Sort and merge overlapping or touching intervals."""
    result = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def subtract(intervals, removed):
    """``intervals`` minus ``removed`` (both lists of intervals)."""
    removed = merge(removed)
    result = []
    for start, end in merge(intervals):
        cursor = start
        for r_start, r_end in removed:
            if r_end <= cursor or r_start >= end:
                continue
            if r_start > cursor:
                result.append((cursor, r_start))
            cursor = max(cursor, r_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def weekly_intervals(rules, tz, start, end):
    """Expand weekly opening ranges between ``start`` and ``end`` (aware).

    ``rules`` are mappings with ``dayofweek`` (0 is Monday), ``hour_from``
    and ``hour_to`` (floats, local time), and optionally ``date_from``,
    ``date_to`` (dates) and ``week_type`` (0 or 1 for two-week calendars).
    """
    tz = _timezone(tz)
    by_day = defaultdict(list)
    for rule in rules:
        by_day[int(rule["dayofweek"])].append(rule)
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    found = []
    while day <= last:
        for rule in by_day.get(day.weekday(), ()):
            if rule.get("date_from") and day < rule["date_from"]:
                continue
            if rule.get("date_to") and day > rule["date_to"]:
                continue
            parity = rule.get("week_type")
            if parity not in (None, False, "") and int(parity) != week_type(day):
                continue
            i_start = max(local_datetime(tz, day, rule["hour_from"]), start)
            i_end = min(local_datetime(tz, day, rule["hour_to"]), end)
            if i_start < i_end:
                found.append((i_start, i_end))
        day += timedelta(days=1)
    return merge(found)


class Busy:
    """Busy intervals, merged once, queried by bisection."""

    def __init__(self, intervals):
        self.intervals = merge(intervals)
        self.starts = [start for start, _end in self.intervals]

    def overlaps(self, start, end):
        index = bisect_left(self.starts, end) - 1
        return index >= 0 and self.intervals[index][1] > start


class SlotRules:
    """What an appointment type asks of a slot."""

    def __init__(
        self,
        duration,
        step=None,
        buffer_before=timedelta(),
        buffer_after=timedelta(),
        earliest=None,
        latest=None,
        weekdays=None,
        hour_from=None,
        hour_to=None,
        tz="UTC",
        now=None,
    ):
        self.duration = duration
        self.step = step or duration
        self.buffer_before = buffer_before
        self.buffer_after = buffer_after
        self.now = now
        self.earliest = earliest
        self.latest = latest
        self.weekdays = None if weekdays is None else frozenset(weekdays)
        self.hour_from = hour_from
        self.hour_to = hour_to
        self.tz = _timezone(tz)

    def blocked(self, start, end):
        """The span a booking keeps busy, buffers included."""
        return start - self.buffer_before, end + self.buffer_after

    def local_refusal(self, start):
        """``weekday`` or ``hours`` when the type does not allow ``start``."""
        local = start.astimezone(self.tz)
        if self.weekdays is not None and local.weekday() not in self.weekdays:
            return "weekday"
        if self.hour_from is not None or self.hour_to is not None:
            begin = local.hour + local.minute / 60
            finish = begin + self.duration.total_seconds() / 3600
            if self.hour_from is not None and begin < self.hour_from - 1e-9:
                return "hours"
            if self.hour_to is not None and finish > self.hour_to + 1e-9:
                return "hours"
        return None


def iter_free_slots(availability, busy, rules, after=None):
    """Yield the free ``(start, end)`` slots in chronological order.

    Slots start at the beginning of each availability interval and every
    ``rules.step`` after it; a slot is free when it fits in the interval,
    its span with buffers meets no busy interval, and the type allows its
    day and hours. ``busy`` is a :class:`Busy` or a list of intervals.
    """
    if not isinstance(busy, Busy):
        busy = Busy(busy)
    floor = max(filter(None, (rules.earliest, rules.now, after)), default=None)
    for a_start, a_end in merge(availability):
        start = a_start
        if floor and start < floor:
            steps = math.ceil((floor - a_start) / rules.step)
            start = a_start + steps * rules.step
        while start + rules.duration <= a_end:
            end = start + rules.duration
            if rules.latest and end > rules.latest:
                return
            if not rules.local_refusal(start) and not busy.overlaps(
                *rules.blocked(start, end)
            ):
                yield start, end
            start += rules.step


def iter_free_slots_any(agendas, rules, after=None):
    """Free slots over several agendas, earliest first, one per start time.

    ``agendas`` is a list of ``(key, availability, busy)``; at equal start the
    first agenda of the list wins (the order of preference). Yields
    ``(start, end, key)``.
    """

    def stream(index, key, availability, busy):
        for start, end in iter_free_slots(availability, busy, rules, after):
            yield start, index, end, key

    streams = [
        stream(index, key, availability, busy)
        for index, (key, availability, busy) in enumerate(agendas)
    ]
    last = None
    for start, _index, end, key in heapq.merge(*streams):
        if start == last:
            continue
        last = start
        yield start, end, key


def refusal(start, end, availability, busy, rules):
    """Why the slot ``start``-``end`` cannot be booked, or ``None``.

    Returns one of :data:`REASONS`."""
    if rules.now and start < rules.now:
        return "past"
    if rules.earliest and start < rules.earliest:
        return "notice"
    if rules.latest and end > rules.latest:
        return "horizon"
    reason = rules.local_refusal(start)
    if reason:
        return reason
    if not any(
        a_start <= start and end <= a_end for a_start, a_end in merge(availability)
    ):
        return "availability"
    if not isinstance(busy, Busy):
        busy = Busy(busy)
    if busy.overlaps(*rules.blocked(start, end)):
        return "collision"
    return None
