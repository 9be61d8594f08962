#!/usr/bin/env python3
"""Benchmark: searching calls by the caller's number typed in any format.

200,000 calls (``--calls``) with French mobile numbers. Times
``permanence.call.search([("caller_number", "ilike", typed)])`` for numbers
typed the ways people type them (``06 98 76 54 32``, ``0698765432``,
``+33 6 98…``, ``0033 6…``) through the shared search hook
(``permanence.phone.mixin``: an indexed E.164 equality), beside the search
before the hook (an ILIKE on the E.164 column: finds only the E.164 form)
and the naive way to accept any format (digits of every stored number
compared in SQL, a sequential scan).

    python3 tests/benchmarks/bench_number_search.py --db NAME [--calls N]

``--db``: a database with permanence_telephonique installed; the data is
inserted in one transaction and rolled back at the end. Local PostgreSQL
only (libpq defaults), no network.
"""

import argparse
import os
import random
import statistics
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = 200
FORMATS = 4
DIGITS_SQL = "(10000000 + (i::bigint * 7919) %% 29000000)::text"


def digits(i):
    return str(10000000 + (i * 7919) % 29000000)


def typed(i, style):
    national = "06" + digits(i)
    if style == 0:
        return " ".join(national[k : k + 2] for k in range(0, 10, 2))
    if style == 1:
        return national
    if style == 2:
        rest = national[1:]
        return "+33 " + rest[0] + " " + " ".join(rest[k : k + 2] for k in (1, 3, 5, 7))
    return "0033 " + national[1:]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name, timings, found, asked):
    print(
        f"{name:<46} n={len(timings):<4} "
        f"p50={statistics.median(timings):8.2f} ms  "
        f"p95={percentile(timings, 0.95):8.2f} ms  found {found}/{asked}",
        flush=True,
    )


def load_calls(env, count):
    cr = env.cr
    # Numbers are read with the company's country: a French company.
    env.company.country_id = env.ref("base.fr")
    client = env["permanence.client"].create(
        {
            "name": "Bench numbers",
            "code": "BENCHNUM",
            "state": "active",
            "partner_id": env["res.partner"].create({"name": "Bench numbers"}).id,
        }
    )
    template = env["permanence.call"].create(
        {"client_id": client.id, "caller_number_raw": "0600000000"}
    )
    cr.flush()
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
        WHERE table_name = 'permanence_call' AND is_nullable = 'NO'
          AND column_default IS NULL AND column_name NOT IN (
            'id', 'name', 'caller_number', 'caller_number_raw', 'date_start',
            'client_id')
        """
    )
    # Column names come from the catalogue, quoted as identifiers.
    extra = [name for (name,) in cr.fetchall()]
    columns = "".join(f', "{name}"' for name in extra)
    values = "".join(
        f', (SELECT "{name}" FROM permanence_call WHERE id = {int(template.id)})'
        for name in extra
    )
    started = time.perf_counter()
    cr.execute(
        f"""
        INSERT INTO permanence_call (
            name, caller_number, caller_number_raw, date_start, client_id{columns})
        SELECT 'BENCH/' || i, '+336' || {DIGITS_SQL}, '06' || {DIGITS_SQL},
               now() - (i || ' minutes')::interval, %s{values}
        FROM generate_series(1, %s) AS i
        """,
        (client.id, count),
    )
    cr.execute("ANALYZE permanence_call")
    print(f"{count} calls inserted in {time.perf_counter() - started:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--calls", type=int, default=200_000)
    args = parser.parse_args()
    sys.path.insert(0, REPO)
    import odoo
    from odoo.tools import config

    import odoo.addons

    paths = ",".join(dict.fromkeys([REPO, *odoo.addons.__path__]))
    config.parse_config(["-d", args.db, f"--addons-path={paths}", "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            load_calls(env, args.calls)
            Call = env["permanence.call"]
            rng = random.Random(42)
            picks = [rng.randint(1, args.calls) for __ in range(SAMPLES)]
            asked = [typed(i, rng.randrange(FORMATS)) for i in picks]

            timings, found = [], 0
            for raw in asked:
                started = time.perf_counter()
                found += bool(Call.search([("caller_number", "ilike", raw)], limit=5))
                timings.append((time.perf_counter() - started) * 1000)
            report("ours: search hook, E.164 equality", timings, found, len(asked))

            def sql(name, query, param):
                timings, found = [], 0
                for raw in asked[: SAMPLES // 4]:
                    started = time.perf_counter()
                    cr.execute(query, (param(raw),))
                    found += bool(cr.fetchall())
                    timings.append((time.perf_counter() - started) * 1000)
                report(name, timings, found, SAMPLES // 4)

            sql(
                "before: ILIKE on the E.164 column",
                "SELECT id FROM permanence_call WHERE caller_number ILIKE %s LIMIT 5",
                lambda raw: f"%{raw}%",
            )
            sql(
                "naive any format: digits compared in SQL",
                "SELECT id FROM permanence_call WHERE regexp_replace("
                "caller_number, '\\D', '', 'g') LIKE %s LIMIT 5",
                lambda raw: (
                    "%" + "".join(c for c in raw if c.isdigit()).lstrip("0")[-9:]
                ),
            )
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
