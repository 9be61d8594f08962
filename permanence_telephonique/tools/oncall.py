"""Who is on call (astreinte) at a given instant.

Pure functions over plain values: no database. A rota is a list of members
rotating every ``period_days`` days, each shift starting at the hand-over
(a weekday and a local hour) in the client's time zone; dated replacements
put someone else on call for a while, dated absences (holidays) take a
member off — when nobody replaces them, that is a gap.

All instants are timezone-aware; shifts are computed on the local wall
clock, so a weekly hand-over stays at 08:00 local time across daylight
saving changes (the shift that crosses the change lasts 167 or 169 hours).
A hand-over hour that does not exist on the day of the spring change
(02:30 in Europe/Paris) happens when the clock has jumped (03:30); one that
exists twice in autumn happens at its first occurrence.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
DEFAULT_HORIZON = timedelta(days=62)


@dataclass(frozen=True)
class Override:
    """``member`` is on call from ``start`` to ``end`` (aware datetimes)."""

    start: datetime
    end: datetime
    member: object


@dataclass(frozen=True)
class Absence:
    """``member`` cannot be on call from ``start`` to ``end``."""

    member: object
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Rota:
    tz: str
    anchor: date
    handover_weekday: int  # 0 = Monday
    handover_time: time
    members: tuple = ()
    period_days: int = 7
    overrides: tuple = field(default_factory=tuple)
    absences: tuple = field(default_factory=tuple)

    @property
    def zone(self):
        return ZoneInfo(self.tz or "UTC")

    @property
    def first_handover_date(self):
        """The first hand-over day: the anchor or the next hand-over weekday."""
        return self.anchor + timedelta(
            days=(self.handover_weekday - self.anchor.weekday()) % 7
        )


def float_to_time(hours):
    """8.5 → 08:30; clamped to the day."""
    minutes = round(max(0.0, min(float(hours or 0.0), 23.99)) * 60)
    return time(minutes // 60, minutes % 60)


def _aware(when):
    if when.tzinfo is None:
        raise ValueError("the instant must be timezone-aware")
    return when


def local_to_utc(naive_local, zone):
    """A local wall-clock time as an aware UTC instant (see module doc for
    the times that do not exist or exist twice)."""
    return naive_local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def shift_start(rota, index):
    """Start (aware UTC) of shift number ``index`` (0: the first one)."""
    day = rota.first_handover_date + timedelta(days=index * rota.period_days)
    return local_to_utc(datetime.combine(day, rota.handover_time), rota.zone)


def shift_index(rota, when):
    """Number of the shift running at ``when``; negative before the first."""
    _aware(when)
    zone = rota.zone
    local = when.astimezone(zone).replace(tzinfo=None)
    base = datetime.combine(rota.first_handover_date, rota.handover_time)
    index = math.floor((local - base) / timedelta(days=rota.period_days))
    # The wall-clock estimate can be one shift off around a DST change.
    while shift_start(rota, index) > when:
        index -= 1
    while shift_start(rota, index + 1) <= when:
        index += 1
    return index


def scheduled_at(rota, when):
    """The member the rotation alone puts on call at ``when``, or None."""
    if not rota.members:
        return None
    index = shift_index(rota, when)
    if index < 0:
        return None
    return rota.members[index % len(rota.members)]


def oncall_at(rota, when):
    """Who is on call at ``when``: the last replacement covering it, else the
    rotation's member unless they are absent; None is a gap."""
    _aware(when)
    for override in reversed(rota.overrides):
        if override.start <= when < override.end:
            return override.member
    member = scheduled_at(rota, when)
    if member is None:
        return None
    for absence in rota.absences:
        if absence.member == member and absence.start <= when < absence.end:
            return None
    return member


def member_after(members, member):
    """The next member in the rotation order (the backup), or None."""
    members = list(members)
    if member not in members or len(members) < 2:
        return None
    return members[(members.index(member) + 1) % len(members)]


def _change_points(rota, start, end):
    """Every instant in ]start, end[ at which who is on call may change."""
    points = set()
    if rota.members:
        index = max(shift_index(rota, start) + 1, 0)
        while True:
            point = shift_start(rota, index)
            if point >= end:
                break
            if point > start:
                points.add(point)
            index += 1
    for period in tuple(rota.overrides) + tuple(rota.absences):
        for point in (period.start, period.end):
            if start < point < end:
                points.add(point)
    return sorted(points)


def next_handover(rota, when, horizon=DEFAULT_HORIZON):
    """``(instant, member)`` of the next change of the person on call after
    ``when`` (member None: a gap starts), or None within ``horizon``."""
    _aware(when)
    current = oncall_at(rota, when)
    for point in _change_points(rota, when, when + horizon):
        member = oncall_at(rota, point)
        if member != current:
            return point, member
    return None


def gaps(rota, start, end):
    """The ``(start, end)`` periods in [start, end[ when nobody is on call."""
    _aware(start)
    _aware(end)
    result = []
    bounds = [start] + _change_points(rota, start, end) + [end]
    for seg_start, seg_end in zip(bounds, bounds[1:], strict=False):
        if seg_start >= seg_end or oncall_at(rota, seg_start) is not None:
            continue
        if result and result[-1][1] == seg_start:
            result[-1] = (result[-1][0], seg_end)
        else:
            result.append((seg_start, seg_end))
    return result
