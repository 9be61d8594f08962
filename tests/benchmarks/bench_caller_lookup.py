#!/usr/bin/env python3
# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Caller recognition at scale, and the ringing webhook's latency.

    python3 tests/benchmarks/bench_caller_lookup.py [--partners N] [--db NAME]

Creates a throwaway database (or uses ``--db``), installs
``permanence_voip``, loads N partners in bulk with one ``INSERT ... SELECT
generate_series`` (French numbers typed in mixed formats: "06 12 34 56 78",
"+33 6 12 34 56 78", "0033612345678", "0612345678"; the E.164 columns filled
as the ORM would), then prints, in the same run and on the same data:

- our lookup: the PBX's number read to E.164, then one indexed equality on
  ``phone_e164``/``mobile_e164`` (``res.partner._permanence_voip_lookup``);
- (a) the base_phone way: ``=like '%<last 8 digits>'`` over phone and
  mobile as base_phone stores them (normalised to E.164 on write);
- (b) Odoo's ``phone_mobile_search`` domain (``phone_validation``);

with p50/p95 and how many of the callers each one found; then starts Odoo on
a free localhost port and times signed ``ringing`` events over HTTP (p50/p95).
Targets: lookup p95 < 2 ms, webhook p95 < 30 ms. Loops are bounded in count
and time; only localhost is contacted; the database is dropped at the end
unless ``--keep`` or ``--db`` is given.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "permanence_voip" / "tools"))
import signature  # noqa: E402  (the addon's own signing code, no Odoo needed)

SECRET = "bench-secret"
DID = "01 48 00 00 99"
FORMATS = 4  # see _national_format()


def log(message):
    print(message, flush=True)


def odoo_command():
    odoo_bin = shutil.which("odoo")
    return [odoo_bin] if odoo_bin else [sys.executable, "-m", "odoo"]


def addons_path():
    import odoo

    package = Path(odoo.__file__).resolve().parent
    paths = [package / "addons", package.parent / "addons", REPO]
    return ",".join(str(path) for path in paths if path.is_dir())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(name, timings_ms, found=None, asked=None):
    line = (
        f"{name:<44} n={len(timings_ms):<5} "
        f"p50={statistics.median(timings_ms):8.2f} ms  "
        f"p95={percentile(timings_ms, 0.95):8.2f} ms"
    )
    if asked:
        line += f"  found {found}/{asked} callers"
    log(line)
    return percentile(timings_ms, 0.95)


# Data ----------------------------------------------------------------------

# Mobile number i: 06 + 8 digits from 10000000 to 38999999 (0639 belongs to
# Mayotte, 069x are partly unassigned: numbers a French PBX would not send),
# a bijection of i modulo 29,000,000 (7919 is prime to it) so that numbers
# are distinct; landlines likewise with 01.
MOBILE_SQL = "(10000000 + (i::bigint * 7919) %% 29000000)::text"
PHONE_SQL = "(10000000 + (i::bigint * 104729) %% 90000000)::text"


def mobile_digits(i):
    return str(10000000 + (i * 7919) % 29000000)


def formatted(prefix, digits, style):
    """A French number as people type it: four styles."""
    national = prefix + digits  # 0612345678
    if style == 0:
        return " ".join(national[k : k + 2] for k in range(0, 10, 2))
    if style == 1:
        rest = national[1:]
        return "+33 " + rest[0] + " " + " ".join(rest[k : k + 2] for k in (1, 3, 5, 7))
    if style == 2:
        return "0033" + national[1:]
    return national


def sql_formatted(prefix, digits_sql):
    national = f"('{prefix}' || {digits_sql})"
    return f"""CASE i %% 4
        WHEN 0 THEN substr({national}, 1, 2) || ' ' || substr({national}, 3, 2)
            || ' ' || substr({national}, 5, 2) || ' ' || substr({national}, 7, 2)
            || ' ' || substr({national}, 9, 2)
        WHEN 1 THEN '+33 ' || substr({national}, 2, 1) || ' '
            || substr({national}, 3, 2) || ' ' || substr({national}, 5, 2) || ' '
            || substr({national}, 7, 2) || ' ' || substr({national}, 9, 2)
        WHEN 2 THEN '0033' || substr({national}, 2)
        ELSE {national} END"""


def load_partners(cr, count, template_id):
    """Bulk-insert ``count`` partners; every other one also has a landline.

    Columns other addons made NOT NULL (``autopost_bills`` with ``account``,
    ...) are copied from ``template_id``, a partner the ORM created."""
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
        WHERE table_name = 'res_partner' AND is_nullable = 'NO'
          AND column_default IS NULL AND column_name NOT IN (
            'id', 'name', 'complete_name', 'active', 'type', 'is_company',
            'lang', 'tz', 'create_date', 'write_date', 'create_uid', 'write_uid')
        """
    )
    extra = [name for (name,) in cr.fetchall()]
    # Column names come from the catalogue, quoted as identifiers.
    columns = "".join(f', "{name}"' for name in extra)
    values = "".join(
        f', (SELECT "{name}" FROM res_partner WHERE id = {int(template_id)})'
        for name in extra
    )
    started = time.perf_counter()
    cr.execute(
        f"""
        INSERT INTO res_partner (
            name, complete_name, active, type, is_company, lang, tz,
            create_date, write_date, create_uid, write_uid,
            mobile, mobile_e164, phone, phone_e164{columns})
        SELECT 'Bench ' || i, 'Bench ' || i, true, 'contact', false, 'fr_FR',
               'Europe/Paris', now(), now(), 1, 1,
               {sql_formatted("06", MOBILE_SQL)},
               '+336' || {MOBILE_SQL},
               CASE WHEN i %% 2 = 0 THEN {sql_formatted("01", PHONE_SQL)} END,
               CASE WHEN i %% 2 = 0 THEN '+331' || {PHONE_SQL} END{values}
        FROM generate_series(%s, %s) AS i
        """,
        (1, count),
    )
    cr.execute("ANALYZE res_partner")
    return time.perf_counter() - started


# Measures ------------------------------------------------------------------


def bench_lookups(env, count, samples, baseline_samples, time_budget):
    rng = random.Random(42)
    Partner = env["res.partner"].sudo()
    pbx = env["permanence.voip.pbx"].search([("code", "=", "bench")])
    company = pbx.company_id
    picks = [rng.randint(1, count) for __ in range(samples)]
    # What the PBX sends: any of the four formats, whatever the stored one.
    asked = [formatted("06", mobile_digits(i), rng.randrange(FORMATS)) for i in picks]
    # Warm-up (connection, caches of the query plans)
    for raw in asked[:20]:
        Partner._permanence_voip_lookup(pbx._e164(raw), company=company)

    ours, found = [], 0
    for raw in asked:
        env.invalidate_all()
        started = time.perf_counter()
        result = Partner._permanence_voip_lookup(pbx._e164(raw), company=company)
        __ = result["partner"].name
        ours.append((time.perf_counter() - started) * 1000)
        found += bool(result["partner"])
    p95 = summary("ours: E.164 equality (indexed)", ours, found, len(asked))

    def timed(name, search):
        timings, hits = [], 0
        deadline = time.perf_counter() + time_budget
        for raw in asked[:baseline_samples]:
            if time.perf_counter() > deadline:
                break
            env.invalidate_all()
            started = time.perf_counter()
            partners = search(raw)
            __ = partners[:1].name
            timings.append((time.perf_counter() - started) * 1000)
            hits += bool(partners)
        summary(name, timings, hits, len(timings))

    def suffix(raw):
        # base_phone (OCA connector-telephony) stores phone and mobile in
        # E.164 (its phone fields normalise on write), then matches the last
        # digits the PBX sent with "=like '%<digits>'". Here the E.164
        # columns hold exactly what base_phone would have stored: the same
        # rows, no index usable by a leading wildcard. (Searching the numbers
        # as typed, with spaces, would find only some callers: a handicap,
        # not the comparison.)
        digits = "".join(char for char in raw if char.isdigit())[-8:]
        pattern = "%" + digits
        return Partner.search(
            ["|", ("phone_e164", "=like", pattern), ("mobile_e164", "=like", pattern)]
        )

    timed("(a) base_phone: =like '%<8 digits>' on E.164", suffix)
    timed(
        "(b) Odoo phone_mobile_search (raw number)",
        lambda raw: Partner.search([("phone_mobile_search", "=", raw)]),
    )
    timed(
        "(b') phone_mobile_search (E.164 number)",
        lambda raw: Partner.search([("phone_mobile_search", "=", pbx._e164(raw))]),
    )
    return p95, picks


def setup_records(env):
    company = env.ref("base.main_company")
    company.country_id = env.ref("base.fr")
    pbx = env["permanence.voip.pbx"].search([("code", "=", "bench")])
    if not pbx:
        pbx = env["permanence.voip.pbx"].create(
            {"name": "Bench", "code": "bench", "company_id": company.id}
        )
    pbx.secret = SECRET
    client = env["permanence.client"].search([("code", "=", "BENCH")])
    if not client:
        partner = env["res.partner"].create(
            {"name": "Client bench", "is_company": True}
        )
        env["permanence.client"].create(
            {
                "name": "Client bench",
                "code": "BENCH",
                "partner_id": partner.id,
                "state": "active",
                "coverage_mode": "always",
                "greeting_script": "Client bench, bonjour",
                "number_ids": [(0, 0, {"number": DID})],
            }
        )
    # Nobody on the bus: time the webhook, not the notifications' fan-out.
    env["res.users"].search([]).write({"permanence_presence": "pause"})
    template = env["res.partner"].search([("name", "=", "Bench template")], limit=1)
    return template or env["res.partner"].create({"name": "Bench template"})


def bench_webhook(db, picks, requests_count, time_budget):
    import requests

    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="bench-voip-")
    command = odoo_command() + [
        f"--addons-path={addons_path()}",
        f"--data-dir={data_dir}",
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--workers=0",
        "--max-cron-threads=0",
        # As in production: without the database list, Odoo does not open a
        # connection to the "postgres" database on every request.
        "--no-database-list",
        "--log-level=warn",
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/permanence/voip/event"
    try:
        session = requests.Session()
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if session.get(f"http://127.0.0.1:{port}/web/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None:
                raise RuntimeError("odoo exited before serving")
            time.sleep(0.5)
        else:
            raise RuntimeError("odoo did not start within 120 s")
        rng = random.Random(7)
        run = int(time.time())

        def send(n):
            raw = formatted("06", mobile_digits(rng.choice(picks)), n % FORMATS)
            body = json.dumps(
                {
                    "pbx": "bench",
                    "event": "ringing",
                    "call_id": f"bench-{run}-{n}",
                    "from": raw,
                    "to": DID,
                    "timestamp": "2026-03-02T10:00:00+01:00",
                }
            ).encode()
            headers = {
                "Content-Type": "application/json",
                signature.HEADER: signature.sign(SECRET, body),
            }
            started = time.perf_counter()
            response = session.post(url, data=body, headers=headers, timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"webhook answered {response.status_code}")
            return elapsed, response.json()["caller"]["partner_id"]

        for n in range(20):  # warm-up: registry, caches, connection
            send(-1 - n)
        timings, recognised = [], 0
        budget = time.time() + time_budget
        for n in range(requests_count):
            if time.time() > budget:
                break
            elapsed, partner_id = send(n)
            timings.append(elapsed)
            recognised += bool(partner_id)
        return summary(
            "webhook ringing (HTTP, signed, call created)",
            timings,
            recognised,
            len(timings),
        )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partners", type=int, default=20000)
    parser.add_argument("--db", help="use this database (not dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--baseline-samples", type=int, default=50)
    parser.add_argument("--webhook-requests", type=int, default=300)
    parser.add_argument("--time-budget", type=float, default=120.0)
    args = parser.parse_args()
    if not 1 <= args.partners <= 5_000_000:
        parser.error("--partners must be between 1 and 5,000,000")

    import odoo
    from odoo.tools import config

    db = args.db or f"bench_voip_{os.getpid()}"
    created = False
    if not args.db:
        log(f"creating database {db} with permanence_voip (a few minutes)...")
        started = time.perf_counter()
        subprocess.run(
            odoo_command()
            + [
                f"--addons-path={addons_path()}",
                "-d",
                db,
                "-i",
                "permanence_voip",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
                "--http-port=0",
            ],
            check=True,
        )
        created = True
        log(f"  installed in {time.perf_counter() - started:.0f} s")
    try:
        config.parse_config([f"--addons-path={addons_path()}", "-d", db])
        registry = odoo.modules.registry.Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if "permanence.voip.pbx" not in env:
                sys.exit(
                    f"permanence_voip is not loaded in {db}: install or update it "
                    f"(odoo -d {db} -u permanence_voip --stop-after-init)"
                )
            template = setup_records(env)
            cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench %%'")
            (existing,) = cr.fetchone()
            if existing < args.partners:
                seconds = load_partners(cr, args.partners, template.id)
                log(f"loaded {args.partners:,} partners in {seconds:.1f} s (SQL)")
            cr.commit()
            cr.execute("SELECT count(*) FROM res_partner")
            log(f"res_partner rows: {cr.fetchone()[0]:,}")
            lookup_p95, picks = bench_lookups(
                env,
                args.partners,
                args.samples,
                args.baseline_samples,
                args.time_budget,
            )
            cr.rollback()
        webhook_p95 = bench_webhook(db, picks, args.webhook_requests, args.time_budget)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        log(f"machine: {os.cpu_count()} CPUs, load average {load}")
        log(
            f"targets: lookup p95 < 2 ms: {'OK' if lookup_p95 < 2 else 'MISSED'}; "
            f"webhook p95 < 30 ms: {'OK' if webhook_p95 < 30 else 'MISSED'}"
        )
    finally:
        if created and not args.keep:
            odoo.sql_db.close_all()
            subprocess.run(["dropdb", "--if-exists", db], check=False)
            log(f"dropped {db}")


if __name__ == "__main__":
    main()
