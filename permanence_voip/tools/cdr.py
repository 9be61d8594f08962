"""Call detail records (CSV) turned into telephony events.

Each CSV row becomes the events the PBX would have sent (ringing at the
start, answered if answered, hang-up at the end), so an import goes through
the same state machine as the webhook (:mod:`.events`) and importing a file
twice changes nothing.
"""

import csv
import io
from datetime import datetime

import pytz

from . import events

# Logical column -> default CSV header (Asterisk's CDR names).
DEFAULT_MAPPING = {
    "call_id": "uniqueid",
    "from": "src",
    "to": "dst",
    "start": "start",
    "answer": "answer",
    "end": "end",
}
REQUIRED_COLUMNS = ("call_id", "start")
# Why a row is rejected (the wizard words them for the user).
REASONS = ("missing_column", "no_call_id", "repeated", "bad_time", "no_start", "order")
NAIVE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S")


def parse_moment(value, tz_name):
    """Naive UTC datetime of a CDR time: ISO 8601 with an offset, or a
    local time of the PBX's time zone; None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    if value.endswith("Z") or "+" in value or value.count("-") > 2:
        # ISO 8601 with its offset: 2026-03-02T10:00:00+01:00
        try:
            return events.parse_timestamp(value)
        except events.EventError as error:
            error.value = value
            raise
    for fmt in NAIVE_FORMATS:
        try:
            local = datetime.strptime(value, fmt)
        except ValueError:
            continue
        moment = pytz.timezone(tz_name or "UTC").localize(local)
        return moment.astimezone(pytz.utc).replace(tzinfo=None)
    error = events.EventError(f"unreadable time {value!r}")
    error.value = value
    raise error


def decode(data):
    """Text of a CSV file: UTF-8 (with or without BOM), else Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read(text, mapping, tz_name="UTC", delimiter=","):
    """Parse CDR ``text``; return ``(rows, rejected)``.

    ``rows`` are ``(line_number, external_id, from, to, events)`` where
    ``events`` is the list of event dicts of the call; ``rejected`` are
    ``(line_number, reason_code, value)`` with the codes of :data:`REASONS`.
    Line numbers count the header as line 1.
    """
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter or ",")
    headers = set(reader.fieldnames or ())
    missing = [
        mapping.get(key) or key
        for key in REQUIRED_COLUMNS
        if (mapping.get(key) or "") not in headers
    ]
    if missing:
        return [], [(1, "missing_column", ", ".join(missing))]
    rows, rejected, seen = [], [], set()
    for line, record in enumerate(reader, start=2):

        def cell(key, record=record):
            column = mapping.get(key)
            return (record.get(column) or "").strip() if column else ""

        external_id = cell("call_id")
        if not external_id:
            rejected.append((line, "no_call_id", ""))
            continue
        if external_id in seen:
            rejected.append((line, "repeated", external_id))
            continue
        try:
            start = parse_moment(cell("start"), tz_name)
            answer = parse_moment(cell("answer"), tz_name)
            end = parse_moment(cell("end"), tz_name)
        except events.EventError as error:
            rejected.append((line, "bad_time", error.value))
            continue
        if not start:
            rejected.append((line, "no_start", ""))
            continue
        if (answer and answer < start) or (end and end < (answer or start)):
            rejected.append((line, "order", ""))
            continue
        seen.add(external_id)
        base = {"call_id": external_id, "from": cell("from"), "to": cell("to")}
        call_events = [dict(base, event="ringing", timestamp=start)]
        if answer:
            call_events.append(dict(base, event="answered", timestamp=answer))
        if end:
            call_events.append(dict(base, event="hangup", timestamp=end))
        rows.append((line, external_id, cell("from"), cell("to"), call_events))
    return rows, rejected


def replay(call, call_events):
    """Values to write on ``call`` (dict or None) after ``call_events``."""
    current = dict(call) if call is not None else None
    changes = {}
    for event in call_events:
        step = events.apply(current, event)
        changes.update(step)
        current = dict(current or {}, **step)
    if call is not None:
        changes = {
            key: value
            for key, value in changes.items()
            if value != (call.get(key) or None)
        }
    return changes
