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
