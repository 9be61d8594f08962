"""Line differences between two versions of a text, for the chatter note
that records a change of a field mail cannot track (html)."""

import difflib

ADDED = "+"
REMOVED = "-"
KEPT = " "


def line_changes(before, after):
    """``[(op, line)]`` turning the lines of ``before`` into those of
    ``after``: ``op`` is ``+`` (added), ``-`` (removed) or `` `` (kept).
    Blank lines are ignored."""
    old = [line.strip() for line in (before or "").splitlines() if line.strip()]
    new = [line.strip() for line in (after or "").splitlines() if line.strip()]
    return [
        (line[0], line[2:])
        for line in difflib.ndiff(old, new)
        if line[0] in (ADDED, REMOVED, KEPT)
    ]


def _comparable(value):
    if isinstance(value, str):
        return value.strip()
    return value or ""


def value_changes(before, after, keys):
    """``[(key, old, new, changed)]`` for each of ``keys`` of the mappings
    ``before`` and ``after`` (a field's current and proposed values); empty
    values (None, False, "") are the same, text is compared trimmed."""
    return [
        (
            key,
            before.get(key),
            after.get(key),
            _comparable(before.get(key)) != _comparable(after.get(key)),
        )
        for key in keys
    ]
