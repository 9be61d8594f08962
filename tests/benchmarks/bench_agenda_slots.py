#!/usr/bin/env python3
"""Benchmark: free-slot search of permanence_agenda.

50 shared agendas (10 client accounts of 5 agendas), 3 months, 5,000 booked
appointments. Times ``permanence.appointment.type._find_slots`` (next 10 free
slots, one agenda or any of a client's 5) and prints its p50/p95 beside the
naive way: one overlap query per candidate slot.

    python3 tests/benchmarks/bench_agenda_slots.py [--db NAME] [--runs N]

Without ``--db`` it creates a throwaway database (installing
permanence_agenda, about a minute) and drops it at the end; with ``--db`` it
uses that database (permanence_agenda installed) and rolls its data back.
Local PostgreSQL only (libpq defaults), no network.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytz

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AGENDAS_PER_CLIENT = 5
CLIENTS = 10
EVENTS = 5000
DAYS = 90
SLOTS_WANTED = 10


def addons_path():
    import odoo.addons

    paths = [REPO] + [p for p in odoo.addons.__path__ if os.path.isdir(p)]
    return ",".join(dict.fromkeys(paths))


def create_database(name):
    print(f"creating database {name} (installing permanence_agenda)...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            "-d",
            name,
            "-i",
            "permanence_agenda",
            "--stop-after-init",
            "--without-demo=all",
            "--log-level=warn",
            "--max-cron-threads=0",
            "--http-port=0",
        ],
        check=True,
        timeout=900,
    )


def drop_database(name):
    subprocess.run(["dropdb", "--if-exists", name], check=False, timeout=120)


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def build_data(env, rng):
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nosubscribe=True,
            no_mail_to_attendees=True,
            dont_notify=True,
            mail_notrack=True,
        )
    )
    hours = env["resource.calendar"].create(
        {
            "name": "Bench: Mon-Fri 8-12, 13-19",
            "tz": "Europe/Paris",
            "attendance_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"{d}-{a}",
                        "dayofweek": str(d),
                        "hour_from": a,
                        "hour_to": b,
                    },
                )
                for d in range(5)
                for a, b in ((8, 12), (13, 19))
            ],
        }
    )
    types = []
    agendas = env["permanence.agenda"]
    for c in range(CLIENTS):
        company = env["res.partner"].create(
            {"name": f"Bench client {c}", "is_company": True}
        )
        people = env["res.partner"].create(
            [
                {"name": f"Bench practitioner {c}-{i}", "parent_id": company.id}
                for i in range(AGENDAS_PER_CLIENT)
            ]
        )
        client = env["permanence.client"].create(
            {
                "name": f"Bench client {c}",
                "code": f"BENCH{c}",
                "partner_id": company.id,
                "state": "active",
                "tz": "Europe/Paris",
                "interlocutor_ids": [(0, 0, {"partner_id": p.id}) for p in people],
            }
        )
        client_agendas = env["permanence.agenda"].create(
            [
                {
                    "client_id": client.id,
                    "interlocutor_id": i.id,
                    "resource_calendar_id": hours.id,
                }
                for i in client.interlocutor_ids
            ]
        )
        agendas |= client_agendas
        types.append(
            env["permanence.appointment.type"].create(
                {
                    "client_id": client.id,
                    "name": "Consultation",
                    "duration": 30,
                    "buffer_before": 5,
                    "buffer_after": 5,
                    "min_notice": 0,
                    "horizon_days": DAYS,
                    "agenda_ids": [(6, 0, client_agendas.ids)],
                }
            )
        )
    # 5,000 appointments, 100 per agenda, on distinct half hours of the
    # opening hours over the 3 months (with buffers, never overlapping).
    paris = pytz.timezone("Europe/Paris")
    start_day = datetime.now().date() + timedelta(days=1)
    candidates = []
    for offset in range(DAYS):
        day = start_day + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for hour in list(range(8, 12)) + list(range(13, 19)):
            local = paris.localize(datetime(day.year, day.month, day.day, hour))
            candidates.append(local.astimezone(pytz.utc).replace(tzinfo=None))
    per_agenda = EVENTS // len(agendas)
    values = []
    for agenda in agendas:
        for start in rng.sample(candidates, per_agenda):
            values.append(
                {
                    "name": "Booked",
                    "agenda_id": agenda.id,
                    "booking_state": "booked",
                    "start": start,
                    "stop": start + timedelta(minutes=30),
                    "booking_buffer_before": 5,
                    "booking_buffer_after": 5,
                }
            )
    t0 = time.perf_counter()
    for i in range(0, len(values), 500):
        env["calendar.event"].create(values[i : i + 500])
    env.flush_all()
    print(
        f"{len(values)} appointments over {DAYS} days on {len(agendas)} agendas "
        f"created in {time.perf_counter() - t0:.1f}s",
        flush=True,
    )
    return types, agendas


def naive_search(env, atype, agendas, after, now, limit):
    """The naive way: walk the candidate slots, one overlap query each."""
    from odoo.addons.permanence_agenda.tools import slots

    rules = atype._slot_rules("Europe/Paris", now)
    Event = env["calendar.event"]
    Busy = env["permanence.agenda.busy"]
    candidates = []
    window_end = after + timedelta(days=14)
    for agenda in agendas:
        attendances = agenda.resource_calendar_id.attendance_ids.read(
            ["dayofweek", "hour_from", "hour_to"]
        )
        for a_start, a_end in slots.weekly_intervals(
            attendances, "Europe/Paris", after, window_end
        ):
            start = a_start
            while start + rules.duration <= a_end:
                candidates.append((start, agenda.id))
                start += rules.step
    found, queries = [], 0
    for start, agenda_id in sorted(candidates):
        if len(found) >= limit:
            break
        b_start, b_end = rules.blocked(start, start + rules.duration)
        b_start, b_end = b_start.replace(tzinfo=None), b_end.replace(tzinfo=None)
        queries += 1
        taken = Event.search_count(
            [
                ("agenda_id", "=", agenda_id),
                ("booking_state", "=", "booked"),
                ("booking_start", "<", b_end),
                ("booking_stop", ">", b_start),
            ]
        )
        if not taken:
            queries += 1
            taken = Busy.search_count(
                [
                    ("agenda_id", "=", agenda_id),
                    ("start", "<", b_end),
                    ("stop", ">", b_start),
                ]
            )
        if not taken and (not found or found[-1][0] != start):
            found.append((start, agenda_id))
    return found, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="existing database with permanence_agenda")
    parser.add_argument("--runs", type=int, default=200, help="searches to time")
    parser.add_argument("--naive-runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    dbname = args.db or f"bench_agenda_{os.getpid()}"
    created = not args.db
    if created:
        create_database(dbname)
    try:
        odoo.tools.config.parse_config(
            [f"--addons-path={addons_path()}", "-d", dbname, "--log-level=warn"]
        )
        registry = Registry(dbname)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            rng = random.Random(args.seed)
            types, agendas = build_data(env, rng)
            now = pytz.utc.localize(datetime.now().replace(microsecond=0))
            cases = []
            for _i in range(args.runs):
                atype = rng.choice(types)
                one = rng.random() < 0.5
                agenda = rng.choice(atype.agenda_ids) if one else None
                after = now + timedelta(days=rng.uniform(0, DAYS - 20))
                cases.append((atype, agenda, after))

            timings, counts, query_counts = [], [], []
            for atype, agenda, after in cases:
                env.invalidate_all()
                before = cr.sql_log_count
                t0 = time.perf_counter()
                found = atype._find_slots(
                    agendas=agenda, after=after, limit=SLOTS_WANTED, now=now
                )
                timings.append((time.perf_counter() - t0) * 1000)
                query_counts.append(cr.sql_log_count - before)
                counts.append(len(found))

            naive_timings, naive_queries = [], []
            for atype, agenda, after in cases[: args.naive_runs]:
                env.invalidate_all()
                t0 = time.perf_counter()
                _found, queries = naive_search(
                    env, atype, agenda or atype.agenda_ids, after, now, SLOTS_WANTED
                )
                naive_timings.append((time.perf_counter() - t0) * 1000)
                naive_queries.append(queries)

            print()
            print(
                f"data: {len(agendas)} agendas, {EVENTS} appointments, {DAYS} days;"
                f" search: next {SLOTS_WANTED} free slots, one agenda or any of 5"
            )
            print(
                f"{'method':<34}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}"
                f"{'max ms':>10}{'queries':>10}"
            )
            print(
                f"{'_find_slots (batched)':<34}{len(timings):>6}"
                f"{statistics.median(timings):>10.1f}{percentile(timings, 95):>10.1f}"
                f"{max(timings):>10.1f}{statistics.mean(query_counts):>10.1f}"
            )
            print(
                f"{'naive (one query per slot)':<34}{len(naive_timings):>6}"
                f"{statistics.median(naive_timings):>10.1f}"
                f"{percentile(naive_timings, 95):>10.1f}{max(naive_timings):>10.1f}"
                f"{statistics.mean(naive_queries):>10.1f}"
            )
            p95 = percentile(timings, 95)
            print(f"\nslots found per search: min {min(counts)}, max {max(counts)}")
            verdict = "met" if p95 < 100 else "NOT met"
            print(f"target p95 < 100 ms: {verdict} ({p95:.1f} ms)")
            cr.rollback()
    finally:
        if created:
            from odoo.sql_db import close_db

            close_db(dbname)
            drop_database(dbname)
            print(f"dropped database {dbname}")


if __name__ == "__main__":
    main()
