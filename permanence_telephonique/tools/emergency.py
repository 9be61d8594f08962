"""Emergency qualification and the escalation step machine.

Pure functions over plain values, used by ``permanence.emergency`` and the
tests. An escalation runs the protocol's steps in order; each step waits for
an answer until its due time. "Reached" (accepted by phone, or the message
acknowledged by its link) ends it; no answer, a refusal, a timeout or a step
that could not be carried out (nobody on call, no number) moves to the next
step; after the last step comes the fallback.
"""

import re
from datetime import timedelta

URGENCY_RANK = {"normal": 0, "urgent": 1, "critical": 2}

# Results of one attempt
REACHED = ("accepted", "acknowledged")
NEXT = ("no_answer", "refused", "timeout", "failed")


def normalize(value):
    """Answers compare regardless of case, spacing and surrounding
    punctuation: "  Non. " matches "non"."""
    text = re.sub(r"\s+", " ", str(value or "")).strip().casefold()
    return text.strip(" .!?;:")


def urgency_from_answers(rules, answers, default="normal"):
    """The urgency of a call from its qualification answers.

    ``rules``: iterable of dicts ``{"id", "question_id", "value", "urgency"}``
    meaning "answer ``value`` to question ``question_id`` ⇒ ``urgency``".
    ``answers``: ``{question_id: iterable of the forms of the answer given}``
    (e.g. the stored value and the displayed one).
    Returns ``(urgency, matched rule ids)``: the highest urgency of the
    matched rules, or ``default`` (the call reason's) when none matched — so
    a rule may also lower it ("not urgent ⇒ normal").
    """
    matched, levels = [], []
    for rule in rules:
        given = {normalize(a) for a in answers.get(rule["question_id"], ()) if a}
        if normalize(rule["value"]) in given:
            matched.append(rule["id"])
            levels.append(rule["urgency"])
    if not levels:
        return default or "normal", matched
    return max(levels, key=URGENCY_RANK.__getitem__), matched


def is_emergency(urgency, threshold):
    """Whether ``urgency`` reaches the protocol's ``threshold``."""
    return URGENCY_RANK[urgency or "normal"] >= URGENCY_RANK[threshold or "normal"]


def next_position(step_count, index, result):
    """Where the escalation goes after step ``index`` ended with ``result``.

    Returns ``("reached", index)``, ``("step", next index)`` or
    ``("fallback", None)``.
    """
    if result in REACHED:
        return "reached", index
    if result not in NEXT:
        raise ValueError(f"unknown attempt result {result!r}")
    if index + 1 < step_count:
        return "step", index + 1
    return "fallback", None


def due_at(started, wait_minutes):
    """When a step started at ``started`` times out."""
    return started + timedelta(minutes=max(int(wait_minutes or 0), 0))


def remaining_seconds(due, now):
    """Seconds left before ``due`` (0 once passed, or without due time)."""
    if not due:
        return 0
    return max(int((due - now).total_seconds()), 0)


def reach_duration(started, reached):
    """Seconds it took to reach someone."""
    if not started or not reached:
        return 0
    return max(int((reached - started).total_seconds()), 0)
