"""End to end: the events of one call arriving together lose nothing.

A real Odoo server, multi-process (``--workers=2``) and threaded
(``--workers=0``), its log captured. For each of 60 calls, its 4 signed
events (some of them replays) are posted at the same instant, in a shuffled
order, 5 calls at a time. Every request must be answered 200, every call
must exist once, with the same values as a twin call whose events were
posted one by one in order, with one event-log row per request, and the
server must log no ERROR line.
"""

import hashlib
import hmac
import json
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests

SECRET = "e2e-concurrency-secret"
CALLS = 60
PARALLEL_CALLS = 5
FIELDS = [
    "state",
    "outcome",
    "date_start",
    "date_answer",
    "date_end",
    "date_hangup",
    "user_id",
    "client_id",
    "partner_id",
    "caller_number",
    "called_number",
    "transfer_number",
    "recording_url",
]
ERROR_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def post(url, event):
    body = json.dumps(event).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    try:
        response = requests.post(
            f"{url}/permanence/voip/event",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Permanence-Signature": f"sha256={digest}",
            },
            timeout=60,
        )
    except requests.RequestException as error:
        return repr(error)
    return response.status_code


def call_events(index, call_id):
    """The 4 events of call ``index``, in the PBX's order (with replays)."""
    start = datetime(2026, 3, 2, 9, 0) + timedelta(minutes=index)

    def event(kind, seconds, **extra):
        moment = start + timedelta(seconds=seconds)
        return {
            "pbx": "burst",
            "event": kind,
            "call_id": call_id,
            "from": f"06 12 34 {index // 100:02d} {index % 100:02d}",
            "to": "01 42 42 42 43",
            "timestamp": moment.isoformat() + "Z",
            **extra,
        }

    ringing = event("ringing", 0)
    answered = event("answered", 4 + index % 30, operator="admin")
    scenario = index % 3
    if scenario == 0:  # answered, hung up, the answer replayed
        recording = f"https://pbx.example.com/rec/{index}.wav"
        return [ringing, answered, event("hangup", 90, recording_url=recording)] + [
            answered
        ]
    if scenario == 1:  # abandoned, both events replayed
        hangup = event("hangup", 25)
        return [ringing, hangup, ringing, hangup]
    return [  # answered then transferred
        ringing,
        answered,
        event("transferred", 60, transfer_to="06 99 00 00 01"),
        event("hangup", 61),
    ]


def fire_bursts(url, bursts):
    """Post each burst's events at the same instant, ``PARALLEL_CALLS``
    bursts at a time; return the status of every request."""

    def fire(barrier, event):
        barrier.wait(timeout=60)
        return post(url, event)

    with ThreadPoolExecutor(max_workers=4 * PARALLEL_CALLS) as pool:
        futures = []
        for events in bursts:
            barrier = threading.Barrier(len(events))
            futures += [pool.submit(fire, barrier, event) for event in events]
        return [future.result() for future in futures]


@pytest.mark.parametrize("workers", [0, 2])
def test_events_of_one_call_arriving_together(odoo_db, workers, tmp_path):
    log_path = tmp_path / "odoo.log"
    with open(log_path, "w") as log:
        process, url = odoo_db.start(workers=workers, log=log)
    try:
        call = odoo_db.rpc(url)
        if not call("permanence.voip.pbx", "search", [("code", "=", "burst")]):
            fr = call("res.country", "search", [("code", "=", "FR")])[0]
            call("res.company", "write", [1], {"country_id": fr})
            company = call(
                "res.partner", "create", {"name": "Rafale SARL", "is_company": True}
            )
            call(
                "permanence.client",
                "create",
                {
                    "name": "Rafale SARL",
                    "code": "RAFALE",
                    "partner_id": company,
                    "state": "active",
                    "number_ids": [(0, 0, {"number": "01 42 42 42 43"})],
                },
            )
            call(
                "permanence.voip.pbx",
                "create",
                {"name": "Burst", "code": "burst", "secret": SECRET},
            )
        prefix = f"w{workers}-"  # each server its own calls
        rng = random.Random(1200 + workers)
        bursts = []
        for index in range(CALLS):
            events = call_events(index, f"{prefix}burst-{index}")
            rng.shuffle(events)
            bursts.append(events)

        started = time.time()
        statuses = fire_bursts(url, bursts)
        burst_seconds = time.time() - started
        # The oracle: the same events, each call's one by one in the PBX's
        # order (calls side by side), posted once for both servers (the
        # database is the same) by the first, the faster threaded one.
        if not call(
            "permanence.call", "search_count", [("external_id", "=", "order-0")]
        ):
            with ThreadPoolExecutor(max_workers=4 * PARALLEL_CALLS) as pool:
                in_order = pool.map(
                    lambda index: [
                        post(url, event)
                        for event in call_events(index, f"order-{index}")
                    ],
                    range(CALLS),
                )
                in_order = [status for sequence in in_order for status in sequence]
            assert set(in_order) == {200}, in_order

        def read(kind):
            ids = [f"{kind}-{index}" for index in range(CALLS)]
            rows = call(
                "permanence.call",
                "search_read",
                [("external_id", "in", ids)],
                ["external_id", *FIELDS],
            )
            calls = {}
            for row in rows:
                calls.setdefault(row.pop("external_id").split("-")[-1], []).append(
                    {key: row[key] for key in FIELDS}
                )
            logged = call(
                "permanence.voip.event",
                "read_group",
                [("external_id", "in", ids)],
                ["external_id"],
                ["external_id"],
                lazy=False,
            )
            return calls, sum(group["__count"] for group in logged)

        burst_calls, burst_events = read(f"{prefix}burst")
        order_calls, __ = read("order")
    finally:
        process.terminate()
        process.wait(timeout=60)
    errors = [
        line for line in log_path.read_text().splitlines() if ERROR_LINE.match(line)
    ]
    lost = sum(1 for status in statuses if status != 200)
    wrong = sum(
        1
        for index in range(CALLS)
        if burst_calls.get(str(index)) != order_calls.get(str(index))
    )
    figures = (
        f"workers={workers}: {len(statuses)} requests in {burst_seconds:.1f}s, "
        f"{lost} not answered 200, {wrong} of {CALLS} calls wrong, "
        f"{burst_events} event rows, {len(errors)} ERROR lines"
    )
    print(figures)
    assert not lost, (figures, sorted(set(map(str, statuses))))
    assert not wrong, figures
    assert burst_events == len(statuses), figures
    assert not errors, (figures, errors[:3])
