"""iCalendar in and out, with vobject.

- :func:`build_calendar` writes a feed or an invitation (``.ics``) from
  plain mappings;
- :func:`parse_busy` reads a published calendar (Google, Outlook, any
  CalDAV server's export) into busy intervals, recurring events expanded.
"""

from datetime import date, datetime, timedelta

import pytz
import vobject

UTC = pytz.utc
PRODID = "-//Permanence Telephonique//Agenda//FR"


class ICalError(ValueError):
    """A calendar that cannot be read."""


def _utc(value):
    if value.tzinfo is None:
        return UTC.localize(value)
    return value.astimezone(UTC)


def build_calendar(events, name=None, method=None):
    """Serialize events to iCalendar text.

    ``events`` are mappings with ``uid``, ``start`` and ``end`` (aware
    datetimes), ``summary`` and optionally ``description``, ``location``,
    ``sequence``, ``status`` (CONFIRMED, CANCELLED), ``organizer`` (email)
    and ``attendees`` (list of ``(name, email)``). ``method`` is REQUEST or
    CANCEL for an e-mailed invitation, None for a subscribed feed.
    """
    cal = vobject.iCalendar()
    cal.add("prodid").value = PRODID
    if method:
        cal.add("method").value = method
    if name:
        cal.add("x-wr-calname").value = name
    now = datetime.now(UTC).replace(microsecond=0)
    for event in events:
        vevent = cal.add("vevent")
        vevent.add("uid").value = event["uid"]
        vevent.add("dtstamp").value = now
        vevent.add("dtstart").value = _utc(event["start"])
        vevent.add("dtend").value = _utc(event["end"])
        vevent.add("summary").value = event.get("summary") or ""
        vevent.add("sequence").value = str(event.get("sequence") or 0)
        vevent.add("status").value = event.get("status") or "CONFIRMED"
        for key in ("description", "location"):
            if event.get(key):
                vevent.add(key).value = event[key]
        if event.get("organizer"):
            vevent.add("organizer").value = f"mailto:{event['organizer']}"
        for attendee_name, email in event.get("attendees") or ():
            if not email:
                continue
            attendee = vevent.add("attendee")
            attendee.value = f"mailto:{email}"
            if attendee_name:
                attendee.params["CN"] = [attendee_name]
    return cal.serialize()


def _as_utc(value, tz):
    """A DTSTART/DTEND value as an aware UTC datetime; dates and floating
    times are read in ``tz``."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return tz.localize(value, is_dst=False).astimezone(UTC)
        return value.astimezone(UTC)
    if isinstance(value, date):
        return tz.localize(datetime.combine(value, datetime.min.time())).astimezone(UTC)
    raise ICalError(f"unexpected date value {value!r}")


def _wall_clock(value):
    """Recurrences keep the wall-clock time of the first occurrence across
    daylight-saving changes; with pytz zones dateutil keeps the first
    occurrence's UTC offset instead, so localize the wall time again."""
    zone = getattr(value.tzinfo, "zone", None)
    if not zone or zone == "UTC":
        return value
    return pytz.timezone(zone).localize(value.replace(tzinfo=None), is_dst=False)


def _end_of(vevent, start_value):
    if hasattr(vevent, "dtend"):
        return vevent.dtend.value
    if hasattr(vevent, "duration"):
        return start_value + vevent.duration.value
    if isinstance(start_value, datetime):
        return start_value
    return start_value + timedelta(days=1)


def _prop(vevent, name):
    prop = getattr(vevent, name, None)
    value = prop.value if prop is not None else None
    return value.strip().upper() if isinstance(value, str) else value


def _occurrences(vevent, first, length, start, end, tz, max_occurrences):
    """Start times of a recurring event around ``start``-``end``."""
    ruleset = vevent.getrruleset(addRDate=True)
    # vobject gives naive datetimes for dates and floating times
    naive = not isinstance(first, datetime) or first.tzinfo is None
    lo = start - max(length, timedelta()) - timedelta(days=1)
    hi = end + timedelta(days=1)
    if naive:
        lo = lo.astimezone(tz).replace(tzinfo=None)
        hi = hi.astimezone(tz).replace(tzinfo=None)
    for count, occurrence in enumerate(ruleset.between(lo, hi, inc=True)):
        if count >= max_occurrences:
            break
        if not isinstance(first, datetime):
            yield occurrence.date()
        else:
            yield _wall_clock(occurrence)


def _event_busy(vevent, start, end, tz, overridden, max_occurrences):
    """Busy ``(start, end, summary)`` of one VEVENT, expanded."""
    if not hasattr(vevent, "dtstart"):
        raise ICalError("an event has no start (DTSTART)")
    if _prop(vevent, "transp") == "TRANSPARENT":
        return []
    if _prop(vevent, "status") == "CANCELLED":
        return []
    summary = str(getattr(getattr(vevent, "summary", None), "value", "") or "")
    first = vevent.dtstart.value
    length = _end_of(vevent, first) - first
    uid = _prop(vevent, "uid")
    recurring = not hasattr(vevent, "recurrence_id") and (
        hasattr(vevent, "rrule") or hasattr(vevent, "rdate")
    )
    starts = (
        _occurrences(vevent, first, length, start, end, tz, max_occurrences)
        if recurring
        else [first]
    )
    busy = []
    for occurrence in starts:
        s = _as_utc(occurrence, tz)
        if recurring and (uid, s) in overridden:
            continue
        e = _as_utc(occurrence + length, tz)
        if s < end and e > start:
            busy.append((s, e, summary))
    return busy


def parse_busy(text, start, end, tz="UTC", max_occurrences=5000):
    """Busy intervals of a published calendar between ``start`` and ``end``.

    Returns a list of ``(start, end, summary)`` with aware UTC datetimes.
    Transparent (free) and cancelled events are skipped; recurring events
    (RRULE, RDATE, EXDATE) are expanded and their moved or cancelled
    occurrences (RECURRENCE-ID) honoured. Raises :class:`ICalError` when the
    text is not a calendar.
    """
    tz = pytz.timezone(tz) if isinstance(tz, str) else tz
    if not text or "BEGIN:VCALENDAR" not in text.upper():
        raise ICalError("not an iCalendar document")
    try:
        calendars = list(vobject.readComponents(text, ignoreUnreadable=False))
        vevents = [
            vevent for cal in calendars for vevent in cal.contents.get("vevent", ())
        ]
    except Exception as exc:  # vobject raises many kinds on bad input
        raise ICalError(str(exc) or exc.__class__.__name__) from exc
    overridden = {
        (_prop(vevent, "uid"), _as_utc(vevent.recurrence_id.value, tz))
        for vevent in vevents
        if hasattr(vevent, "recurrence_id")
    }
    busy = []
    try:
        for vevent in vevents:
            busy.extend(
                _event_busy(vevent, start, end, tz, overridden, max_occurrences)
            )
    except ICalError:
        raise
    except Exception as exc:
        raise ICalError(str(exc) or exc.__class__.__name__) from exc
    return sorted(busy)
