#!/usr/bin/env python3
# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supervisors' live wallboard on a busy floor, server-side and over
the bus.

    python3 tests/benchmarks/bench_wallboard.py [--operators 200]
        [--ringing 50] [--calls 20000] [--samples 60] [--port 8204]
        [--db NAME] [--keep]

Creates a throwaway database (``--db``, default ``bench_wallboard_<pid>``),
installs ``permanence_voip`` without demo data and loads (fixed seed):

- 40 client accounts (4 confidential), 200 operators (internal users with
  the operator group, in every state), 3 supervisors;
- 20,000 inbound calls today (answered, abandoned) and 100,000 over the
  last 60 days, loaded in SQL; 50 calls ringing at once, 120 in progress;
  30 urgent messages not acknowledged, 10 open emergencies.

Then, as a supervisor:

1. *first load*: ``permanence.wallboard.permanence_wallboard_data()``
   (every part of the board), p50/p95 and queries, beside a naive board
   (``search_read`` of all today's calls and the figures summed in Python,
   an ORM search per operator and per client) in the same run;
2. *push*: the queries of one ``ringing`` event processed by the PBX code
   (``_voip_process``) and of the wallboard push alone, with 3 and with 53
   supervisors (the count must not grow);
3. *bus latency*: a real Odoo server on ``--port`` (threaded, as in
   development), a websocket opened on ``/websocket`` as the supervisor
   (as the web client's bus does), signed ``ringing`` events posted to the
   webhook: time from the POST to the board's bus message (p50/p95,
   target < 1 s).

Loops are bounded in count and time; only localhost is contacted.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SECRET = "bench-secret"
VACUUMED = ("permanence_call", "res_users", "res_groups_users_rel")


def log(message=""):
    print(message, flush=True)


def addons_path():
    import odoo

    package = Path(odoo.__file__).resolve().parent
    paths = [package / "addons", package.parent / "addons", REPO]
    return ",".join(str(path) for path in paths if path.is_dir())


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


# Data ------------------------------------------------------------------


def populate(env, n_operators, n_ringing, n_calls):
    from odoo import fields

    rng = random.Random(13)
    company = env.ref("base.main_company")
    company.country_id = env.ref("base.fr")
    operator_group = env.ref("permanence_telephonique.group_permanence_operator")
    supervisor_group = env.ref("permanence_telephonique.group_permanence_supervisor")
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    started = time.perf_counter()
    presences = ["available", "busy", "wrapup", "pause", "offline"]
    operators = Users.create(
        [
            {
                "name": f"Opérateur {index:03d}",
                "login": f"bench-op-{index}",
                "groups_id": [(6, 0, [operator_group.id])],
                "permanence_extension": str(1000 + index),
            }
            for index in range(n_operators)
        ]
    )
    for index, user in enumerate(operators):
        presence = presences[index % len(presences)]
        user.write(
            {
                "permanence_presence": presence,
                "permanence_pause_reason": "lunch" if presence == "pause" else False,
            }
        )
    supervisors = Users.create(
        [
            {
                "name": f"Superviseur {index}",
                "login": f"bench-sup-{index}",
                "password": f"bench-sup-{index}",
                "groups_id": [(6, 0, [supervisor_group.id])],
                "tz": "Europe/Paris",
            }
            for index in range(3)
        ]
    )
    partners = env["res.partner"].create(
        [
            {"name": f"Client Bench {index:02d}", "is_company": True}
            for index in range(40)
        ]
    )
    clients = (
        env["permanence.client"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {
                    "name": f"Client Bench {index:02d}",
                    "code": f"B{index:02d}",
                    "partner_id": partner.id,
                    "state": "active",
                    "confidential": index % 10 == 0,
                    "service_target": 20 if index % 3 else 30,
                    "number_ids": [(0, 0, {"number": f"01 48 00 {index:02d} 00"})],
                }
                for index, partner in enumerate(partners)
            ]
        )
    )
    env["permanence.voip.pbx"].create(
        {
            "name": "Bench PBX",
            "code": "bench",
            "secret": SECRET,
            "company_id": company.id,
            "country_id": env.ref("base.fr").id,
        }
    )
    env.flush_all()
    cr = env.cr
    client_ids = clients.ids
    op_ids = operators.ids
    # Today's and the past days' calls, in SQL: 85 % answered (wait 1..60 s)
    now = fields.Datetime.now()
    day_start = env["permanence.wallboard"]._wallboard_day_start(now)
    span_today = max(60, int((now - day_start).total_seconds()) - 120)

    def insert(count, start, span):
        cr.execute(
            """
            INSERT INTO permanence_call (
                name, client_id, company_id, user_id, direction, state,
                date_start, date_answer, date_end, wait_duration,
                ring_duration, talk_duration, service_target,
                answered_in_target, outcome, create_uid, create_date,
                write_uid, write_date)
            SELECT 'B' || i, (%(clients)s)[1 + i %% %(n_clients)s], %(company)s,
                CASE WHEN i %% 100 < 85 THEN (%(ops)s)[1 + i %% %(n_ops)s] END,
                'inbound', 'done',
                %(start)s + (i * %(step)s) * interval '1 second',
                CASE WHEN i %% 100 < 85 THEN %(start)s
                    + (i * %(step)s + 1 + i %% 60) * interval '1 second' END,
                %(start)s + (i * %(step)s + 200) * interval '1 second',
                1 + i %% 60, 1 + i %% 60, 180,
                20, (i %% 100 < 85 AND 1 + i %% 60 <= 20),
                CASE WHEN i %% 100 < 85 THEN 'message' ELSE 'abandoned' END,
                1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
            FROM generate_series(1, %(count)s) AS i
            """,
            {
                "clients": client_ids,
                "n_clients": len(client_ids),
                "ops": op_ids,
                "n_ops": len(op_ids),
                "company": company.id,
                "start": start,
                "step": span / count,
                "count": count,
            },
        )

    insert(n_calls, day_start, span_today)
    insert(100_000, day_start - timedelta(days=60), 59 * 86400)
    Call = env["permanence.call"].with_context(
        tracking_disable=True, mail_create_nolog=True, permanence_voip_event=True
    )
    ringing = Call.create(
        [
            {
                "client_id": rng.choice(client_ids),
                "direction": "inbound",
                "state": "ringing",
                "date_start": now - timedelta(seconds=rng.randint(1, 90)),
            }
            for _index in range(n_ringing)
        ]
    )
    ongoing = Call.create(
        [
            {
                "client_id": client_ids[index % len(client_ids)],
                "direction": "inbound",
                "state": "ongoing",
                "user_id": op_ids[index],
                "date_start": now - timedelta(seconds=rng.randint(60, 600)),
                "date_answer": now - timedelta(seconds=rng.randint(1, 59)),
            }
            for index in range(120)
        ]
    )
    env["permanence.message"].with_context(tracking_disable=True).create(
        [
            {
                "client_id": rng.choice(client_ids),
                "urgency": "urgent" if index % 2 else "critical",
                "state": "sent",
                "date_sent": now - timedelta(minutes=index),
                "caller_name": f"Appelant {index}",
            }
            for index in range(30)
        ]
    )
    for index, call in enumerate(ongoing[:10]):
        protocol = env["permanence.emergency.protocol"].create(
            {
                "name": f"Urgence {index}",
                "client_id": call.client_id.id,
                "step_ids": [(0, 0, {"sequence": 1, "channel": "call"})],
            }
        )
        env["permanence.emergency"].create(
            {
                "call_id": call.id,
                "client_id": call.client_id.id,
                "protocol_id": protocol.id,
                "state": "running",
                "due_at": now + timedelta(minutes=index - 3),
            }
        )
    env.flush_all()
    return supervisors, clients, ringing, time.perf_counter() - started


# The board, naively ----------------------------------------------------


def naive_board(env):
    """What a board without the shared SQL figures would do: read every
    call of the day and sum in Python; an ORM search per operator (its
    current call) and per client (its calls ringing)."""
    from odoo import fields

    Board = env["permanence.wallboard"]
    now = fields.Datetime.now()
    day_start = Board._wallboard_day_start(now)
    Call = env["permanence.call"]
    calls = Call.search_read(
        [("date_start", ">=", day_start)],
        [
            "client_id",
            "user_id",
            "state",
            "date_start",
            "date_answer",
            "wait_duration",
            "service_target",
            "outcome",
            "direction",
        ],
    )
    per_client = {}
    for call in calls:
        key = call["client_id"] and call["client_id"][0]
        figures = per_client.setdefault(
            key, {"offered": 0, "answered": 0, "abandoned": 0, "in": 0, "wait": 0}
        )
        figures["offered"] += 1
        if call["date_answer"]:
            figures["answered"] += 1
            figures["wait"] += call["wait_duration"]
            figures["in"] += call["wait_duration"] <= (call["service_target"] or 20)
        elif call["outcome"] == "abandoned":
            figures["abandoned"] += 1
    operators = env["res.users"].search(
        [
            (
                "groups_id",
                "in",
                env.ref("permanence_telephonique.group_permanence_operator").ids,
            )
        ]
    )
    rows = []
    for user in operators:
        current = Call.search(
            [("user_id", "=", user.id), ("state", "=", "ongoing")], limit=1
        )
        rows.append((user.name, user.permanence_presence, current.client_id.name))
    for client in env["permanence.client"].search([]):
        Call.search_count([("client_id", "=", client.id), ("state", "=", "ringing")])
    return per_client, rows


def count_queries(cr, function):
    before = cr.sql_log_count
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000, cr.sql_log_count - before


def measure(env, function, samples, budget, cold=True):
    times, queries = [], []
    deadline = time.monotonic() + budget
    for _index in range(samples):
        if time.monotonic() > deadline:
            break
        env.invalidate_all()
        if cold:
            env.registry.clear_cache()  # as a worker that just started
        _result, ms, count = count_queries(env.cr, function)
        times.append(ms)
        queries.append(count)
    return times, queries


def report(label, times, queries):
    log(
        f"  {label:<50} n={len(times):>3}  p50 {statistics.median(times):7.1f} ms"
        f"  p95 {percentile(times, 0.95):7.1f} ms  queries {max(queries)}"
    )
    return percentile(times, 0.95)


# Push cost -------------------------------------------------------------


def push_queries(env, supervisors_extra):
    from odoo.addons.permanence_voip.tools import events

    pbx = env["permanence.voip.pbx"].search([("code", "=", "bench")])
    Call = env["permanence.call"]
    Board = env["permanence.wallboard"]
    if supervisors_extra:
        group = env.ref("permanence_telephonique.group_permanence_supervisor")
        env["res.users"].with_context(no_reset_password=True).create(
            [
                {
                    "name": f"Superviseur extra {index}",
                    "login": f"bench-sup-extra-{index}-{uuid.uuid4().hex[:6]}",
                    "groups_id": [(6, 0, group.ids)],
                }
                for index in range(supervisors_extra)
            ]
        )
        env.flush_all()
    supervisors = len(Board._wallboard_supervisors(env.company))
    results = {}
    for kind in ("ringing", "answered", "hangup"):
        event = events.validate(
            {
                "pbx": "bench",
                "event": kind,
                "call_id": f"bench-push-{supervisors}",
                "from": "0601020304",
                "to": "01 48 00 01 00",
                "timestamp": (env.cr.now().replace(tzinfo=None).isoformat() + "+00:00"),
                "operator": "1001" if kind == "answered" else None,
            }
        )
        env.invalidate_all()
        (call, _result), _ms, total = count_queries(
            env.cr, lambda event=event: Call._voip_process(pbx, event)
        )
        env.invalidate_all()
        _none, _ms, push = count_queries(
            env.cr, lambda call=call: Board._wallboard_push_calls(call)
        )
        results[kind] = (total, push)
    env.invalidate_all()
    operator = env["res.users"].search([("login", "=", "bench-op-1")])
    _none, _ms, presence = count_queries(
        env.cr,
        lambda: operator.write(
            {
                "permanence_presence": "pause"
                if operator.permanence_presence != "pause"
                else "available"
            }
        ),
    )
    return supervisors, results, presence


# Bus latency -------------------------------------------------------------


def bus_latency(db, port, login, samples, budget):
    import requests
    import websocket

    from odoo.addons.permanence_voip.tools import signature

    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            "-d",
            db,
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
            f"--db-filter=^{db}$",
        ]
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/web/health", timeout=10).ok:
                    break
            except requests.RequestException:
                pass  # still starting
            time.sleep(0.5)
        session = requests.Session()
        reply = session.post(
            f"{base}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": db, "login": login, "password": login},
            },
            timeout=30,
        )
        reply.raise_for_status()
        sid = session.cookies["session_id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/websocket?version=saas-18.1",
            cookie=f"session_id={sid}",
            origin=base,
            timeout=10,
        )
        ws.send(
            json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
        )
        time.sleep(1.0)
        latencies = []
        stop = time.monotonic() + budget
        for index in range(samples):
            if time.monotonic() > stop:
                break
            body = json.dumps(
                {
                    "pbx": "bench",
                    "event": "ringing",
                    "call_id": f"bench-bus-{index}-{uuid.uuid4().hex[:6]}",
                    "from": "0601020304",
                    "to": "01 48 00 01 00",
                    "timestamp": time.strftime(
                        "%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()
                    ),
                }
            ).encode()
            sent = time.perf_counter()
            answer = requests.post(
                f"{base}/permanence/voip/event",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    signature.HEADER: signature.sign(SECRET, body),
                },
                timeout=30,
            )
            answer.raise_for_status()
            call_id = answer.json().get("call_id")
            arrived = None
            while arrived is None and time.perf_counter() - sent < 10:
                try:
                    frame = ws.recv()
                except websocket.WebSocketTimeoutException:
                    break
                for note in json.loads(frame):
                    message = note.get("message", {})
                    payload = message.get("payload") or {}
                    if (
                        message.get("type") == "permanence_voip/wallboard"
                        and payload.get("call", {}).get("id") == call_id
                    ):
                        arrived = time.perf_counter()
            if arrived:
                latencies.append((arrived - sent) * 1000)
        ws.close()
        return latencies
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operators", type=int, default=200)
    parser.add_argument("--ringing", type=int, default=50)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--naive-samples", type=int, default=10)
    parser.add_argument("--bus-samples", type=int, default=20)
    parser.add_argument("--time-budget", type=float, default=120.0)
    parser.add_argument("--port", type=int, default=8204)
    parser.add_argument("--db", default=f"bench_wallboard_{os.getpid()}")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if not 10 <= args.operators <= 2000 or not 1_000 <= args.calls <= 500_000:
        parser.error("--operators 10..2,000 and --calls 1,000..500,000")

    import odoo
    from odoo.tools import config

    db = args.db
    log(f"creating database {db} with permanence_voip (a few minutes)...")
    started = time.perf_counter()
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            "-d",
            db,
            "-i",
            "permanence_voip",
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )
    log(f"  installed in {time.perf_counter() - started:.0f} s")
    login = None
    try:
        config.parse_config(
            [f"--addons-path={addons_path()}", "-d", db, "--log-level=warn"]
        )
        registry = odoo.modules.registry.Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            supervisors, clients, ringing, seconds = populate(
                env, args.operators, args.ringing, args.calls
            )
            cr.commit()
            cr._cnx.autocommit = True
            for table in VACUUMED:
                cr.execute(f"VACUUM ANALYZE {table}")
            cr._cnx.autocommit = False
            log(
                f"loaded in {seconds:.1f} s: {len(clients)} clients, "
                f"{args.operators} operators, {len(ringing)} ringing, "
                f"{args.calls:,} calls today + 100,000 before"
            )
            supervisor = supervisors[0]
            login = supervisor.login
            senv = env(user=supervisor.id)
            Board = senv["permanence.wallboard"]
            data = Board.permanence_wallboard_data()
            log(
                f"board: {len(data['calls'])} live calls, "
                f"{len(data['operators'])} operators, "
                f"{len(data['figures']['per_client'])} client tiles, "
                f"{data['figures']['total']['offered']:,} offered today, "
                f"{len(data['emergencies'])} emergencies, "
                f"{len(data['messages'])} urgent messages"
            )
            log()
            log("1. first load of the board, server-side (as a supervisor)")
            measure(senv, Board.permanence_wallboard_data, 3, args.time_budget)
            times, queries = measure(
                senv, Board.permanence_wallboard_data, args.samples, args.time_budget
            )
            ours = report(
                "ours: permanence_wallboard_data(), cold caches", times, queries
            )
            warm_times, warm_queries = measure(
                senv,
                Board.permanence_wallboard_data,
                args.samples,
                args.time_budget,
                cold=False,
            )
            warm = report("ours: the same, warm worker", warm_times, warm_queries)
            naive_times, naive_queries = measure(
                senv, lambda: naive_board(senv), args.naive_samples, args.time_budget
            )
            naive = report(
                "naive: all today's calls + ORM loops", naive_times, naive_queries
            )
            log(
                f"  speed-up at p95: {naive / ours:.1f}x (cold), "
                f"{naive / warm:.1f}x (warm)"
            )
            log(
                "  target: first load p95 < 200 ms on a running worker: "
                + ("OK" if warm < 200 else "MISSED")
            )

            log()
            log("2. queries per event push (the same for any number of supervisors)")
            header = ("supervisors", "event", "_voip_process", "push alone")
            log("  {:>11}  {:<9} {:>13} {:>10}".format(*header))
            for extra in (0, 50):
                count, results, presence = push_queries(env, extra)
                for kind, (total, push) in results.items():
                    log(f"  {count:>11}  {kind:<9} {total:>13} {push:>10}")
                log(f"  {count:>11}  {'presence':<9} {presence:>13} {'':>10}")
            cr.rollback()

        log()
        log("3. bus latency: webhook POST -> board's bus message (real server)")
        odoo.sql_db.close_all()
        latencies = bus_latency(
            db, args.port, login, args.bus_samples, args.time_budget
        )
        if latencies:
            p95 = percentile(latencies, 0.95)
            log(
                f"  n={len(latencies)}  p50 {statistics.median(latencies):.1f} ms  "
                f"p95 {p95:.1f} ms  max {max(latencies):.1f} ms"
            )
            log("  target: < 1 s: " + ("OK" if p95 < 1000 else "MISSED"))
        else:
            log("  no message arrived: MISSED")
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        log()
        log(f"machine: {os.cpu_count()} CPUs, load average {load}")
    finally:
        if not args.keep:
            odoo.sql_db.close_all()
            with closing(open(os.devnull, "w")) as devnull:
                subprocess.run(
                    ["dropdb", "--if-exists", db], check=False, stderr=devnull
                )
            log(f"dropped {db}")


if __name__ == "__main__":
    main()
