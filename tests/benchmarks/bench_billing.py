#!/usr/bin/env python3
"""Monthly invoicing and usage computation at scale.

Creates a throwaway database on the local PostgreSQL (socket), installs
``permanence_telephonique`` without demo data, then in-process:

- 1,000 client accounts with a subscription (half on a per-call package,
  half on a per-minute package rounded per started minute with a wrap-up
  time and free short calls), created with the ORM in one batch;
- 500,000 finished calls in one month, loaded in bulk with
  ``INSERT ... SELECT generate_series`` (random durations and outcomes,
  fixed seed);
- the usage of the month for every client, aggregated in the database
  (one query, rounding applied per call in SQL), printed beside the naive
  per-call ORM loop (search the calls, read them, round each in Python) on
  the same data; the naive loop runs on a sample of clients and is
  extrapolated to all of them (said in the output); both give the same
  figures on the sample;
- the invoicing run: one draft invoice per client with fee, option and
  overage lines and the CSV of the billed calls (target: under 60 s).

The database is dropped at the end.

Usage: python3 tests/benchmarks/bench_billing.py [--clients 1000]
       [--calls 500000] [--sample 50] [--addons-path PATH] [--keep]
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PERIOD = (date(2026, 1, 1), date(2026, 1, 31))


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def install(db, addons_path):
    run(["dropdb", "--if-exists", db])
    started = time.time()
    subprocess.run(
        [
            "odoo",
            "-d",
            db,
            f"--addons-path={addons_path}",
            "-i",
            "permanence_telephonique",
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )
    return time.time() - started


def populate(env, n_clients, n_calls):
    from odoo import Command

    company = env.company
    company.write({"street": "1 rue de la Paix", "city": "Paris"})
    products = env["product.product"].create(
        [
            {"name": "Forfait", "lst_price": 300.0, "type": "service"},
            {"name": "Dépassement", "lst_price": 1.2, "type": "service"},
            {"name": "Agenda", "lst_price": 40.0, "type": "service"},
        ]
    )
    fee, usage, option = products
    plans = env["permanence.plan"].create(
        [
            {
                "name": "Essentiel 400 appels",
                "fee_product_id": fee.id,
                "unit": "calls",
                "included_units": 400,
                "overage_product_id": usage.id,
                "free_under_seconds": 10,
                "option_ids": [Command.create({"product_id": option.id})],
            },
            {
                "name": "Confort 1200 minutes",
                "fee_product_id": fee.id,
                "fee_price": 450.0,
                "unit": "minutes",
                "rounding": "minute",
                "wrap_up_seconds": 30,
                "free_under_seconds": 10,
                "included_units": 1200,
                "overage_product_id": usage.id,
                "overage_price": 0.6,
            },
        ]
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Client {i:04d}",
                "is_company": True,
                "street": f"{i} avenue du Test",
                "city": "Lyon",
                "zip": "69001",
            }
            for i in range(n_clients)
        ]
    )
    clients = (
        env["permanence.client"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {
                    "name": partner.name,
                    "code": f"C{i:04d}",
                    "partner_id": partner.id,
                    "state": "active",
                    "coverage_mode": "always",
                    "tz": "Europe/Paris",
                }
                for i, partner in enumerate(partners)
            ]
        )
    )
    env["permanence.subscription"].with_context(tracking_disable=True).create(
        [
            {
                "client_id": client.id,
                "plan_id": plans[i % 2].id,
                "date_start": date(2025, 1, 1),
                "option_ids": [Command.set(plans[i % 2].option_ids.ids)],
            }
            for i, client in enumerate(clients)
        ]
    )
    env.flush_all()
    outcomes = [
        "message",
        "transferred",
        "appointment",
        "information",
        "message",
        "filtered",
        "wrong_number",
        "abandoned",
    ]
    started = time.time()
    env.cr.execute("SELECT setseed(0.42)")
    env.cr.execute(
        """
        INSERT INTO permanence_call (
            name, client_id, company_id, user_id, direction, state,
            date_start, date_answer, date_end, ring_duration, talk_duration,
            outcome, in_coverage, create_uid, write_uid, create_date, write_date
        )
        SELECT 'BENCH/' || g, c.ids[1 + (g %% c.n)], %(company)s, %(uid)s,
               'inbound', 'done', s.start, s.start + make_interval(secs => s.ring),
               s.start + make_interval(secs => s.ring + s.talk), s.ring, s.talk,
               (%(outcomes)s::varchar[])[1 + (g %% 8)], TRUE,
               %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(calls)s) AS g
         CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
                       FROM permanence_client) AS c
         CROSS JOIN LATERAL (
                SELECT timestamp '2025-12-31 23:00:00'
                       + random() * interval '31 days' AS start,
                       (random() * 20)::int AS ring,
                       (random() * 420)::int AS talk,
                       g AS _g
         ) AS s
        """,
        {
            "company": company.id,
            "uid": env.uid,
            "outcomes": outcomes,
            "calls": n_calls,
        },
    )
    env.cr.execute("ANALYZE permanence_call")
    return clients, time.time() - started


def naive_usage(env, subscriptions, period):
    """The per-call ORM loop: search each client's calls of the period,
    read them, keep the counted ones and round each in Python."""
    from odoo.addons.permanence_telephonique.tools import billing

    result = {}
    for subscription in subscriptions:
        plan = subscription.plan_id
        rule = plan._rule()
        _days, date_from, date_to = subscription._window(*period)
        calls = env["permanence.call"].search(
            [
                ("client_id", "=", subscription.client_id.id),
                ("state", "=", "done"),
                ("date_start", ">=", date_from),
                ("date_start", "<", date_to),
            ]
        )
        units = 0.0
        for call in calls:
            if call.outcome in rule["outcomes"]:
                units += billing.call_units(call.talk_duration, rule)
        result[subscription.id] = round(units, 2)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=500_000)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--addons-path", default=REPO)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    db = f"bench_billing_{os.getpid()}"
    print(f"database {db} (local socket), addons {args.addons_path}")
    print(f"installing permanence_telephonique: {install(db, args.addons_path):.1f} s")

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-d", db, f"--addons-path={args.addons_path}", "--log-level=warn"]
    )
    try:
        registry = Registry(db)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            clients, load_time = populate(env, args.clients, args.calls)
            cr.commit()
            print(
                f"loaded {len(clients)} clients and {args.calls} calls "
                f"(calls by INSERT ... SELECT generate_series: {load_time:.1f} s)"
            )
            subscriptions = env["permanence.subscription"].search([])

            env.invalidate_all()
            started = time.time()
            usage = subscriptions._usage(*PERIOD)
            sql_time = time.time() - started

            sample = subscriptions[: args.sample]
            env.invalidate_all()
            started = time.time()
            naive = naive_usage(env, sample, PERIOD)
            naive_time = time.time() - started
            naive_total = naive_time * len(subscriptions) / max(len(sample), 1)
            mismatches = [
                sub_id
                for sub_id, units in naive.items()
                if usage[sub_id]["units"] != units
            ]
            print(
                f"usage, SQL aggregate (one query, {len(subscriptions)} "
                f"subscriptions): {sql_time:.2f} s"
            )
            print(
                f"usage, per-call ORM loop on a sample of {len(sample)} clients: "
                f"{naive_time:.2f} s, extrapolated to {len(subscriptions)} "
                f"clients: {naive_total:.1f} s ({naive_total / sql_time:.0f}x slower)"
            )
            print(
                "same figures on the sample: "
                + ("yes" if not mismatches else f"NO ({len(mismatches)} differ)")
            )

            env.invalidate_all()
            started = time.time()
            runs = env["permanence.invoice.run"]._invoice_period(*PERIOD, clients)
            env.flush_all()
            run_time = time.time() - started
            lines = runs.line_ids
            moves = lines.move_id
            env.cr.execute(
                "SELECT count(*) FROM account_move_line WHERE move_id = ANY(%s) "
                "AND display_type = 'product'",
                [moves.ids],
            )
            (invoice_lines,) = env.cr.fetchone()
            print(
                f"invoicing run: {len(moves)} draft invoices, {invoice_lines} "
                f"invoice lines, {len(lines.attachment_id)} CSV attachments, "
                f"{len(lines) - len(moves)} skipped: {run_time:.1f} s "
                f"(target < 60 s: {'OK' if run_time < 60 else 'MISSED'})"
            )
            started = time.time()
            again = env["permanence.invoice.run"]._invoice_period(*PERIOD, clients)
            print(
                f"same period again: {again.invoice_count} new invoices, "
                f"{again.skipped_count} skipped as already invoiced "
                f"({time.time() - started:.1f} s)"
            )
            cr.rollback()
        registry.delete(db)
        odoo.sql_db.close_all()
    finally:
        if not args.keep:
            run(["dropdb", "--if-exists", db])
            print(f"database {db} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
