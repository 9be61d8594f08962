# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A month of answering-service activity for the demo, without a database.

``history()`` plans the calls of the past days for a few clients: when they
ring (in the client's local business hours, written in naive UTC), who
answers, what the caller wanted, how it ended, and the message sent for the
calls that ended with one, with its deliveries. It is seeded, so the same
day always gives the same demo, and it only returns plain values: the model
creates the records in a few batches.
"""

import random
from datetime import datetime, time, timedelta

import pytz

FIRST_NAMES = [
    "Camille",
    "Nicolas",
    "Léa",
    "Julien",
    "Manon",
    "Thomas",
    "Chloé",
    "Antoine",
    "Sarah",
    "Hugo",
    "Inès",
    "Lucas",
    "Emma",
    "Mathieu",
    "Pauline",
    "Karim",
    "Élise",
    "Bruno",
    "Nadia",
    "Yann",
]
LAST_NAMES = [
    "Moreau",
    "Lefebvre",
    "Girard",
    "Bonnet",
    "Dupuis",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
]
# (outcome, weight): what the operators' calls end with
OUTCOME_WEIGHTS = [
    ("message", 45),
    ("transferred", 14),
    ("appointment", 14),
    ("information", 12),
    ("abandoned", 7),
    ("filtered", 4),
    ("wrong_number", 4),
]
SUBJECTS = {
    "message": "Message de {caller} — rappel souhaité",
    "appointment": "Rendez-vous demandé par {caller}",
    "escalate": "URGENT — {caller} : {reason}",
}
BODIES = [
    "{caller} souhaite être rappelé(e) au sujet de : {reason}.",
    "{caller} a appelé pour : {reason}. Merci de le (la) rappeler dans la journée.",
    "{caller} demande un retour rapide concernant : {reason}.",
]


def _weighted(rng, weights):
    total = sum(weight for __, weight in weights)
    pick = rng.uniform(0, total)
    for value, weight in weights:
        pick -= weight
        if pick <= 0:
            return value
    return weights[-1][0]


def _mobile(rng):
    prefix = rng.choice(["6", "7"])
    digits = "".join(str(rng.randint(0, 9)) for __ in range(8))
    return f"+33{prefix}{digits}"


def history(clients, operators, today, days=35, calls_per_day=(4, 9), seed=None):
    """Plan ``days`` days of calls before ``today`` (a date).

    ``clients``: dicts with ``id``, ``tz``, ``numbers`` (E.164 DIDs),
    ``reasons`` (dicts ``id``, ``name``, ``action``, ``urgency``),
    ``interlocutors`` (dicts ``id``, ``channel``, ``urgent_channel``,
    ``destination``, ``sms_destination``, ``name``) and ``operators`` (user
    ids allowed for the client, empty for any of ``operators``).

    Returns a list of dicts: ``call`` (values of the call sheet), and for a
    call ending with a message, ``message`` (values) and ``deliveries``
    (values without ``message_id``).
    """
    rng = random.Random(seed if seed is not None else today.toordinal())
    plan = []
    now = datetime.combine(today, time())
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() == 6:  # Sunday: the answering service is closed
            continue
        for client in clients:
            tz = pytz.timezone(client["tz"] or "Europe/Paris")
            low, high = calls_per_day
            count = rng.randint(low, high) if day.weekday() < 5 else rng.randint(0, 2)
            for __ in range(count):
                plan.append(_call(rng, client, operators, tz, day, now))
    return plan


def _call(rng, client, operators, tz, day, now):
    local = datetime.combine(day, time(8)) + timedelta(minutes=rng.randint(0, 10 * 60))
    start = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
    caller = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    operator = rng.choice(client["operators"] or operators)
    reasons = client["reasons"]
    outcome = _weighted(rng, OUTCOME_WEIGHTS)
    if outcome == "appointment" and not any(
        reason["action"] == "appointment" for reason in reasons
    ):
        outcome = "message"
    reason = None
    if outcome in ("message", "transferred", "appointment", "information"):
        wanted = {"appointment": ("appointment",)}.get(
            outcome, ("message", "escalate", "transfer", "information")
        )
        candidates = [r for r in reasons if r["action"] in wanted] or reasons
        reason = rng.choice(candidates) if candidates else None
    ring = rng.randint(3, 25)
    talk = 0 if outcome == "abandoned" else rng.randint(40, 300)
    call = {
        "client_id": client["id"],
        "user_id": operator,
        "called_number": rng.choice(client["numbers"]) if client["numbers"] else False,
        "caller_number_raw": _mobile(rng),
        "caller_name": False if outcome == "abandoned" else caller,
        "caller_category": rng.choice(["new", "existing", "existing"]),
        "reason_id": reason["id"] if reason else False,
        "date_start": start,
        "date_answer": False
        if outcome == "abandoned"
        else start + timedelta(seconds=ring),
        "date_end": start + timedelta(seconds=ring + talk),
        "state": "done",
        "outcome": outcome,
    }
    if outcome == "filtered":
        call["caller_category"] = "solicitation"
    entry = {"call": call}
    if outcome in ("message", "appointment") and client["interlocutors"]:
        entry.update(_message(rng, client, call, reason, caller, now))
    return entry


def _message(rng, client, call, reason, caller, now):
    urgency = (reason or {}).get("urgency") or "normal"
    if urgency == "normal" and rng.random() < 0.1:
        urgency = "urgent"
    reason_name = (reason or {}).get("name") or "demande de rappel"
    key = "escalate" if urgency == "critical" else call["outcome"]
    sent = call["date_end"] + timedelta(seconds=rng.randint(20, 90))
    age = now - sent
    # Urgent messages are always acknowledged (else they would escalate as
    # soon as the demo is installed); a few recent normal ones wait.
    if urgency == "normal" and age < timedelta(days=2) and rng.random() < 0.5:
        state, acknowledged, done = "sent", False, False
    elif urgency != "normal" or rng.random() < 0.7:
        acknowledged = sent + timedelta(minutes=rng.randint(3, 180))
        state, done = "acknowledged", False
        if rng.random() < 0.6:
            state, done = "done", acknowledged + timedelta(minutes=rng.randint(5, 90))
    else:
        state, acknowledged, done = "sent", False, False
    recipients = rng.sample(
        client["interlocutors"], k=1 if len(client["interlocutors"]) < 3 else 2
    )
    message = {
        "client_id": client["id"],
        "user_id": call["user_id"],
        "recipient_ids": [r["id"] for r in recipients],
        "caller_name": caller,
        "caller_phone": call["caller_number_raw"],
        "subject": SUBJECTS[key].format(caller=caller, reason=reason_name.lower()),
        "body": "<p>%s</p>"
        % rng.choice(BODIES).format(caller=caller, reason=reason_name.lower()),
        "urgency": urgency,
        "callback_requested": rng.random() < 0.6,
        "state": state,
        "date_sent": sent,
        "date_acknowledged": acknowledged,
        "acknowledged_by": recipients[0]["name"] if acknowledged else False,
        "date_done": done,
    }
    deliveries = []
    for recipient in recipients:
        channel = (
            recipient["urgent_channel"] if urgency != "normal" else recipient["channel"]
        )
        if channel == "sms":
            destination = recipient["sms_destination"]
        else:
            destination = recipient["destination"]
        if channel == "portal":
            destination = False
        elif not destination:
            channel, destination = "email", recipient["destination"]
        deliveries.append(
            {
                "interlocutor_id": recipient["id"],
                "channel": channel,
                "destination": destination,
                "state": "sent",
                "attempt_count": 1,
                "next_attempt_at": sent,
                "date_sent": sent + timedelta(seconds=rng.randint(1, 30)),
            }
        )
    return {"message": message, "deliveries": deliveries}
