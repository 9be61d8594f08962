"""Telephony events: parsing the webhook body and moving a call through its
states.

Pure functions, no database: the model reads the call into a dict, asks
:func:`apply` what changes, and writes only that. The machine is idempotent
(an event applied twice changes nothing the second time) and tolerant of
order: whatever order the PBX delivers a call's events in, the call ends
with the same values. Every time is kept as the earliest one seen, so the
final values do not depend on the order events arrive in:

- ``date_start``  earliest timestamp of any event of the call;
- ``date_answer`` earliest ``answered`` (or ``transferred``, which implies
  an answer);
- ``date_end``    earliest ``transferred`` or ``hangup`` (the operator's part
  of the call ends at the transfer);
- a call hung up while nobody answered is ``done``/``abandoned``; an
  ``answered`` arriving late turns it back into a call in progress, to be
  wrapped up by the operator.
"""

import hashlib
import json
import re
from datetime import datetime, timezone

EVENTS = ("ringing", "answered", "transferred", "hangup")
REQUIRED = ("pbx", "event", "call_id", "timestamp")
TEXT_FIELDS = (
    "pbx",
    "event",
    "call_id",
    "from",
    "to",
    "timestamp",
    "operator",
    "transfer_to",
    "recording_url",
)
MAX_TEXT = 512
# A PBX sends its clock's time: anything outside these years is a broken
# clock or a forged body, and would overflow date arithmetic near year 1 or
# 9999.
MIN_YEAR = 2000
MAX_YEAR = 2099
# ISO 8601 date and time in ASCII digits; the offset is checked apart to say
# when it is missing.
TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
# Keys of the call dict the machine reads and writes.
CALL_KEYS = (
    "state",
    "date_start",
    "date_answer",
    "date_end",
    "date_hangup",
    "outcome",
    "recording_url",
    "transfer_number",
)


class EventError(ValueError):
    """A webhook body that cannot be used; ``reason`` is sent back to the
    PBX."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def parse_timestamp(value):
    """Naive UTC datetime of an ISO 8601 timestamp carrying its offset."""
    if not isinstance(value, str) or not TIMESTAMP.fullmatch(value.strip()):
        raise EventError(f"timestamp is not ISO 8601: {value!r}")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise EventError(f"timestamp is not ISO 8601: {value!r}") from error
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EventError("timestamp has no UTC offset")
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise EventError(
            f"timestamp must be between years {MIN_YEAR} and {MAX_YEAR}: {value!r}"
        )
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def _unstorable(text):
    """Why a decoded string cannot be stored in the database, or None."""
    if "\x00" in text:
        return "a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone surrogate"
    return None


def check_text(data):
    """Refuse a NUL or a lone surrogate anywhere in the decoded ``data``:
    keys and strings, however deep (iteratively: the depth is not ours to
    choose)."""
    pending = [(None, data)]
    while pending:
        field, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                label = field or (key if key in TEXT_FIELDS else "a field")
                pending.append((label, key))
                pending.append((label, item))
        elif isinstance(value, list):
            pending.extend((field, item) for item in value)
        elif isinstance(value, str):
            problem = _unstorable(value)
            if problem:
                raise EventError(f"{field or 'the body'} contains {problem}")


def loads(body):
    """The JSON object of a raw body (bytes), or :class:`EventError`."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise EventError("body is not valid JSON") from error
    except RecursionError as error:
        raise EventError("body is nested too deep") from error
    if not isinstance(data, dict):
        raise EventError("body must be a JSON object")
    check_text(data)
    return data


def validate(data):
    """Check and normalise a decoded body; return the event as a dict with
    every key of :data:`TEXT_FIELDS` (``timestamp`` as naive UTC)."""
    for key in TEXT_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise EventError(f"{key} must be a string")
        if value and len(value) > MAX_TEXT:
            raise EventError(f"{key} is too long")
    missing = [key for key in REQUIRED if not (data.get(key) or "").strip()]
    if missing:
        raise EventError("missing field: " + ", ".join(missing))
    event = {key: (data.get(key) or "").strip() for key in TEXT_FIELDS}
    if event["event"] not in EVENTS:
        raise EventError(
            "event must be one of " + ", ".join(EVENTS) + f", not {event['event']!r}"
        )
    if event["event"] == "ringing" and not event["to"]:
        raise EventError("missing field: to")
    if event["event"] == "transferred" and not event["transfer_to"]:
        raise EventError("missing field: transfer_to")
    url = event["recording_url"]
    if url and not url.lower().startswith(("https://", "http://")):
        raise EventError("recording_url must be an http(s) URL")
    event["timestamp"] = parse_timestamp(event["timestamp"])
    return event


def parse(body):
    """Raw body (bytes) to a validated event, or :class:`EventError`."""
    return validate(loads(body))


def lock_key(company_id, call_id):
    """A stable signed 64-bit key for ``pg_advisory_xact_lock``, one per
    call of a company (the calls' unique key): the events of one call are
    processed one after the other, those of different calls together."""
    digest = hashlib.blake2b(
        f"permanence.call:{company_id}:{call_id}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def _earliest(*moments):
    present = [moment for moment in moments if moment]
    return min(present) if present else None


def apply(call, event):
    """Values to write on ``call`` (a dict of :data:`CALL_KEYS`, or None when
    the call does not exist yet) for ``event``; only what changes (all the
    values when creating). An event already applied returns ``{}``."""
    when = event["timestamp"]
    kind = event["event"]
    old = {key: (call or {}).get(key) or None for key in CALL_KEYS}
    new = dict(old)
    if call is None:
        new["state"] = "ringing"
    new["date_start"] = _earliest(old["date_start"], when)
    if kind in ("answered", "transferred"):
        new["date_answer"] = _earliest(old["date_answer"], when)
        if new["state"] == "ringing":
            new["state"] = "ongoing"
        if new["outcome"] == "abandoned":
            # The hang-up came first: the call was answered after all.
            new["outcome"] = None
            new["state"] = "ongoing"
    if kind == "transferred":
        new["state"] = "done"
        new["outcome"] = new["outcome"] or "transferred"
        new["date_end"] = _earliest(old["date_end"], when)
        new["transfer_number"] = old["transfer_number"] or event["transfer_to"]
    if kind == "hangup":
        new["date_hangup"] = _earliest(old["date_hangup"], when)
        new["date_end"] = _earliest(old["date_end"], when)
        if event.get("recording_url"):
            new["recording_url"] = event["recording_url"]
        if not new["date_answer"]:
            new["state"] = "done"
            new["outcome"] = new["outcome"] or "abandoned"
    if call is None:
        return new
    return {key: value for key, value in new.items() if value != old[key]}
