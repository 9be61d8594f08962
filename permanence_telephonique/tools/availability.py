"""Time-limited statuses of a client's interlocutors ("in a meeting until
15:00", "on leave from 12/08 to 19/08"): windows computed in the client's
time zone, daylight saving included, and the label people read.

Datetimes stored by Odoo are naive UTC; the ones people type or read are
local to the client's time zone.
"""

from datetime import datetime, time, timedelta

import pytz

from odoo.tools import format_date, format_datetime, format_time

# Where "until tonight" ends, local time.
EVENING = time(19, 0)

QUICK_CHOICES = ("meeting_1h", "meeting_2h", "meeting_evening", "absent_today")


def _zone(tz_name):
    try:
        return pytz.timezone(tz_name or "UTC")
    except pytz.UnknownTimeZoneError:
        return pytz.utc


def to_local(utc_naive, tz_name):
    """Aware local datetime of a naive UTC datetime."""
    return pytz.utc.localize(utc_naive).astimezone(_zone(tz_name))


def to_utc(local_naive, tz_name):
    """Naive UTC datetime of a naive local wall-clock time. A time that does
    not exist (the hour skipped when clocks go forward) moves forward by the
    gap; an ambiguous one (clocks going back) is taken as the first."""
    zone = _zone(tz_name)
    try:
        aware = zone.localize(local_naive, is_dst=None)
    except pytz.AmbiguousTimeError:
        aware = zone.localize(local_naive, is_dst=True)
    except pytz.NonExistentTimeError:
        aware = zone.normalize(zone.localize(local_naive, is_dst=False))
    return aware.astimezone(pytz.utc).replace(tzinfo=None)


def local_midnight_after(utc_naive, tz_name, days=1):
    """Naive UTC of the local midnight ``days`` days after the local day of
    ``utc_naive`` (a day of 23 or 25 hours when the clocks change)."""
    day = to_local(utc_naive, tz_name).date() + timedelta(days=days)
    return to_utc(datetime.combine(day, time.min), tz_name)


def until_local_time(now_utc, tz_name, at):
    """Naive UTC of ``at`` (a local ``time``) today in ``tz_name``, or None
    when that time has already passed."""
    today = to_local(now_utc, tz_name).date()
    end = to_utc(datetime.combine(today, at), tz_name)
    return end if end > now_utc else None


def quick_window(choice, now_utc, tz_name):
    """``(kind, date_from, date_to)`` in naive UTC for a one-click choice of
    the signed link, or None for an unknown choice."""
    if choice == "meeting_1h":
        return "meeting", now_utc, now_utc + timedelta(hours=1)
    if choice == "meeting_2h":
        return "meeting", now_utc, now_utc + timedelta(hours=2)
    if choice == "meeting_evening":
        end = until_local_time(now_utc, tz_name, EVENING)
        return "meeting", now_utc, end or local_midnight_after(now_utc, tz_name)
    if choice == "absent_today":
        return "absent", now_utc, local_midnight_after(now_utc, tz_name)
    return None


def _is_midnight(local):
    return local.time() == time.min


def status_text(env, kind, date_from, date_to, now_utc, tz_name):
    """What the status says, in ``env``'s language, times in the client's
    time zone: "In a meeting until 15:00", "On leave from 12/08/2026 to
    19/08/2026", "Absent today"."""
    lang = env.lang
    start = to_local(date_from, tz_name)
    end = to_local(date_to, tz_name)
    today = to_local(now_utc, tz_name).date()
    texts = {
        "meeting": (
            env._("In a meeting until %(end)s"),
            env._("In a meeting from %(start)s to %(end)s"),
            env._("In a meeting on %(day)s"),
            env._("In a meeting today"),
        ),
        "leave": (
            env._("On leave until %(end)s"),
            env._("On leave from %(start)s to %(end)s"),
            env._("On leave on %(day)s"),
            env._("On leave today"),
        ),
        "absent": (
            env._("Absent until %(end)s"),
            env._("Absent from %(start)s to %(end)s"),
            env._("Absent on %(day)s"),
            env._("Absent today"),
        ),
        "other": (
            env._("Unavailable until %(end)s"),
            env._("Unavailable from %(start)s to %(end)s"),
            env._("Unavailable on %(day)s"),
            env._("Unavailable today"),
        ),
    }
    until, period, one_day, all_today = texts.get(kind, texts["other"])
    # The last day a status covers: an end at midnight is the day before.
    last = (end - timedelta(days=1)).date() if _is_midnight(end) else end.date()
    if start.date() <= today and last == today:
        if _is_midnight(end):
            return all_today
        return until % {
            "end": format_time(
                env, date_to, tz=tz_name, time_format="short", lang_code=lang
            )
        }
    if _is_midnight(start) and _is_midnight(end):
        first = start.date()
        if first == last:
            return one_day % {"day": format_date(env, first, lang_code=lang)}
        return period % {
            "start": format_date(env, first, lang_code=lang),
            "end": format_date(env, last, lang_code=lang),
        }
    return period % {
        "start": format_datetime(
            env, date_from, tz=tz_name, dt_format="short", lang_code=lang
        ),
        "end": format_datetime(
            env, date_to, tz=tz_name, dt_format="short", lang_code=lang
        ),
    }


def replacement_text(env, name):
    """ "emergencies to Paul Martin" """
    return env._("emergencies to %s", name)


def label(env, kind, date_from, date_to, now_utc, tz_name, replacement=None):
    """The whole label: the status, then who takes the emergencies."""
    text = status_text(env, kind, date_from, date_to, now_utc, tz_name)
    if replacement:
        text = f"{text} ({replacement_text(env, replacement)})"
    return text
