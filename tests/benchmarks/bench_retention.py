#!/usr/bin/env python3
"""Nightly purge of one year of personal data (CNIL retention).

Creates a throwaway database on the local PostgreSQL (socket), installs the
three addons without demo data, then in-process:

- 100 client accounts, each with an interlocutor;
- ``--calls`` finished calls (default 1,000,000) spread over the year that
  has just expired (13 to 24 months old), each with the caller's name,
  number, email, notes, a recording link and one chatter message (a quarter
  with a tracking value), half of them with a message, its delivery (the
  gateway's answer kept) and one send attempt; plus 10 % recent calls that
  must stay. Loaded in bulk with ``INSERT ... SELECT generate_series``;
- the purge as the nightly cron runs it (``permanence.retention._purge``,
  batches of ``--batch`` rows, one commit each), timed (target: under 10
  minutes for 1,000,000 calls on a 2-core machine);
- while it runs, a probe thread on its own connection, every 100 ms, locks
  (``SELECT ... FOR UPDATE``) the next call sheet the purge is about to
  anonymise and times the wait, and times an UPDATE of a recent call as an
  operator would: the longest waits are the longest a lock on
  ``permanence_call`` blocked anyone (target: under 1 s); the longest
  transaction of the purge is measured too;
- checks: no caller data left in the purged year, usage figures (calls,
  talk time per client and outcome) identical before and after;
- the naive way beside it: a per-record ``unlink()`` loop (message, then
  call, through the ORM) on ``--sample`` old calls, extrapolated.

The database is dropped at the end (unless ``--keep``).

Usage: python3 tests/benchmarks/bench_retention.py [--calls 1000000]
       [--batch 1000] [--sample 500] [--addons-path PATH] [--keep]
       [--template INSTALLED_DB]
"""

import argparse
import os
import subprocess
import sys
import threading
import time

import psycopg2

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = "permanence_telephonique,permanence_agenda,permanence_voip"


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def install(db, addons_path):
    run(["dropdb", "--if-exists", db])
    started = time.time()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            f"--addons-path={addons_path}",
            "-i",
            MODULES,
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )
    return time.time() - started


def populate(env, n_calls):
    """Clients with the ORM, calls and the rest in bulk SQL."""
    partners = env["res.partner"].create(
        [
            {"name": f"Cabinet {i}", "is_company": True, "email": f"c{i}@example.com"}
            for i in range(100)
        ]
    )
    clients = (
        env["permanence.client"]
        .with_context(tracking_disable=True)
        .create(
            [
                {
                    "name": partner.name,
                    "code": f"B{i:03d}",
                    "partner_id": partner.id,
                    "state": "active",
                    "confidential": i % 2 == 0,
                    "interlocutor_ids": [(0, 0, {"partner_id": partner.id})],
                }
                for i, partner in enumerate(partners)
            ]
        )
    )
    env.flush_all()
    field_id = env["ir.model.fields"]._get("permanence.call", "caller_name").id
    timings = {}
    started = time.time()
    env.cr.execute("SELECT setseed(0.42)")
    params = {"company": env.company.id, "uid": env.uid, "calls": n_calls}
    env.cr.execute(
        """
        INSERT INTO permanence_call (
            name, client_id, company_id, user_id, direction, state,
            caller_number_raw, caller_number, caller_name, caller_email, notes,
            recording_url, date_start, date_answer, date_end, ring_duration,
            talk_duration, outcome, in_coverage,
            create_uid, write_uid, create_date, write_date
        )
        SELECT 'BENCH/' || g, c.ids[1 + (g %% c.n)], %(company)s, %(uid)s,
               'inbound', 'done', '06 ' || lpad((g %% 100000000)::text, 8, '0'),
               '+336' || lpad((g %% 100000000)::text, 8, '0'),
               'Appelant ' || g, 'appelant' || g || '@example.org',
               'Rappeler au sujet du dossier ' || g,
               'https://pbx.example.org/rec/' || g || '.mp3',
               s.start, s.start + make_interval(secs => s.ring),
               s.start + make_interval(secs => s.ring + s.talk), s.ring, s.talk,
               (ARRAY['message', 'transferred', 'information', 'message',
                      'appointment', 'filtered', 'wrong_number', 'abandoned'
                     ])[1 + (g %% 8)], TRUE,
               %(uid)s, %(uid)s, s.start, s.start
          FROM generate_series(1, %(calls)s + %(calls)s / 10) AS g
         CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
                       FROM permanence_client) AS c
         CROSS JOIN LATERAL (
                SELECT CASE WHEN g <= %(calls)s
                       THEN now() at time zone 'UTC' - interval '24 months'
                            + interval '1 day' + random() * interval '364 days'
                       ELSE now() at time zone 'UTC' - random() * interval '5 months'
                       END AS start,
                       (random() * 20)::int AS ring,
                       (random() * 420)::int AS talk, g AS _g
         ) AS s
        """,
        params,
    )
    timings["calls"] = time.time() - started
    started = time.time()
    env.cr.execute(
        """
        INSERT INTO mail_message (model, res_id, body, message_type, date,
                                  create_uid, write_uid, create_date, write_date)
        SELECT 'permanence.call', c.id,
               '<p>Appel de ' || c.caller_name || ' pris</p>', 'notification',
               c.date_start, 1, 1, c.date_start, c.date_start
          FROM permanence_call c
        """
    )
    env.cr.execute(
        """
        INSERT INTO mail_tracking_value (field_id, mail_message_id,
                                         old_value_char, new_value_char,
                                         create_uid, write_uid, create_date,
                                         write_date)
        SELECT %s, m.id, NULL, c.caller_name, 1, 1, m.date, m.date
          FROM mail_message m JOIN permanence_call c ON c.id = m.res_id
         WHERE m.model = 'permanence.call' AND c.id %% 4 = 0
        """,
        [field_id],
    )
    timings["chatter"] = time.time() - started
    started = time.time()
    env.cr.execute(
        """
        INSERT INTO permanence_message (client_id, company_id, call_id, user_id,
               caller_name, caller_phone, caller_email, subject, subject_is_auto,
               body, urgency, state, date_sent, create_uid, write_uid,
               create_date, write_date)
        SELECT c.client_id, c.company_id, c.id, c.user_id, c.caller_name,
               c.caller_number, c.caller_email, 'Message de ' || c.caller_name,
               TRUE, '<p>' || c.notes || '</p>', 'normal', 'sent', c.date_end,
               1, 1, c.date_end, c.date_end
          FROM permanence_call c WHERE c.id % 2 = 0
        """
    )
    env.cr.execute(
        """
        INSERT INTO permanence_message_delivery (message_id, client_id,
               company_id, interlocutor_id, channel, destination, state,
               reference, attempt_count, next_attempt_at, date_sent, last_error,
               gateway_reference, create_uid, write_uid, create_date, write_date)
        SELECT m.id, m.client_id, m.company_id, i.id, 'webhook',
               'https://client.example.org/hook', 'sent', md5(m.id::text), 1,
               m.create_date, m.create_date,
               'Peer answered 200 for ' || m.caller_name, 'gw-' || m.id,
               1, 1, m.create_date, m.create_date
          FROM permanence_message m
          JOIN permanence_interlocutor i ON i.client_id = m.client_id
        """
    )
    env.cr.execute(
        """
        INSERT INTO permanence_message_attempt (delivery_id, message_id,
               client_id, company_id, channel, destination, date, ok,
               reference, error, create_uid, write_uid, create_date, write_date)
        SELECT d.id, d.message_id, d.client_id, d.company_id, d.channel,
               d.destination, d.create_date, TRUE, d.gateway_reference,
               d.last_error, 1, 1, d.create_date, d.create_date
          FROM permanence_message_delivery d
        """
    )
    env.cr.execute(
        """
        INSERT INTO mail_message (model, res_id, body, message_type, date,
                                  create_uid, write_uid, create_date, write_date)
        SELECT 'permanence.message', m.id, m.body, 'comment', m.create_date,
               1, 1, m.create_date, m.create_date
          FROM permanence_message m
        """
    )
    timings["messages"] = time.time() - started
    for table in (
        "permanence_call",
        "permanence_message",
        "permanence_message_delivery",
        "permanence_message_attempt",
        "mail_message",
        "mail_tracking_value",
    ):
        env.cr.execute(f"ANALYZE {table}")  # noqa: S608 - fixed names
    return clients, timings


def counts(env):
    queries = {
        "calls": "SELECT count(*) FROM permanence_call",
        "messages": "SELECT count(*) FROM permanence_message",
        "deliveries": "SELECT count(*) FROM permanence_message_delivery",
        "attempts": "SELECT count(*) FROM permanence_message_attempt",
        "chatter": "SELECT count(*) FROM mail_message",
        "tracking values": "SELECT count(*) FROM mail_tracking_value",
    }
    result = {}
    for key, query in queries.items():
        env.cr.execute(query)
        result[key] = env.cr.fetchone()[0]
    return result


def usage(env):
    """What billing and statistics read: calls and talk time per client and
    outcome, messages per client and state."""
    env.cr.execute(
        "SELECT client_id, outcome, count(*), sum(talk_duration), "
        "sum(ring_duration) FROM permanence_call GROUP BY 1, 2 ORDER BY 1, 2"
    )
    calls = env.cr.fetchall()
    env.cr.execute(
        "SELECT client_id, state, count(*) FROM permanence_message "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return calls, env.cr.fetchall()


class Probe(threading.Thread):
    """Every 100 ms, on its own connection: lock the next call sheet the
    purge will anonymise and time the wait; update a recent call (an
    operator's work) and time it."""

    def __init__(self, dsn, recent_id, cutoff):
        super().__init__(daemon=True)
        self.dsn = dsn
        self.recent_id = recent_id
        self.cutoff = cutoff
        self.stop = threading.Event()
        self.row_waits = []
        self.update_waits = []

    def run(self):
        cnx = psycopg2.connect(self.dsn)
        cnx.autocommit = False
        cr = cnx.cursor()
        while not self.stop.is_set():
            cr.execute(
                "SELECT client_id FROM permanence_retention_run "
                "WHERE state = 'running' ORDER BY id DESC LIMIT 1"
            )
            row = cr.fetchone()
            target = None
            if row:
                cr.execute(
                    "SELECT id FROM permanence_call WHERE client_id = %s "
                    "AND anonymised_date IS NULL AND date_start < %s "
                    "ORDER BY date_start, id LIMIT 1 OFFSET 5",
                    [row[0], self.cutoff],
                )
                found = cr.fetchone()
                target = found and found[0]
            cnx.rollback()
            if target:
                started = time.monotonic()
                cr.execute("SET LOCAL lock_timeout = '30s'")
                cr.execute(
                    "SELECT id FROM permanence_call WHERE id = %s FOR UPDATE",
                    [target],
                )
                self.row_waits.append(time.monotonic() - started)
                cnx.rollback()
            started = time.monotonic()
            cr.execute(
                "UPDATE permanence_call SET write_date = write_date WHERE id = %s",
                [self.recent_id],
            )
            cnx.commit()
            self.update_waits.append(time.monotonic() - started)
            time.sleep(0.1)
        cnx.close()


def naive_purge(env, call_ids):
    """Per record through the ORM: unlink the call's messages (their
    deliveries and attempts cascade), then the call (chatter with it)."""
    for call in env["permanence.call"].browse(call_ids):
        call.permanence_message_ids.unlink()
        call.unlink()
    env.flush_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--addons-path", default=REPO)
    parser.add_argument("--db", default=f"h_ret_bench_{os.getpid()}")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--template",
        help="copy this database (the addons installed, no data) instead of installing",
    )
    args = parser.parse_args()
    db = args.db
    print(f"database {db} (local socket), addons {args.addons_path}")
    if args.template:
        run(["dropdb", "--if-exists", db])
        run(["createdb", "-T", args.template, db])
        print(f"copied from the installed database {args.template}")
    else:
        elapsed = install(db, args.addons_path)
        print(f"installing {MODULES}: {elapsed:.1f} s", flush=True)

    import odoo
    from odoo import SUPERUSER_ID, api, fields
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-d", db, f"--addons-path={args.addons_path}", "--log-level=warn"]
    )
    from odoo.addons.permanence_telephonique.tools import retention

    try:
        registry = Registry(db)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            clients, timings = populate(env, args.calls)
            cr.commit()
            print(
                f"loaded {len(clients)} clients, {args.calls} calls to purge and "
                f"{args.calls // 10} recent ones: "
                + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()),
                flush=True,
            )
            before = counts(env)
            print("rows before: " + ", ".join(f"{k} {v}" for k, v in before.items()))
            usage_before = usage(env)

            # The naive way first, on a sample it deletes (then left aside)
            env.cr.execute(
                "SELECT id FROM permanence_call WHERE name LIKE 'BENCH/%%' "
                "ORDER BY random() LIMIT %s",
                [args.sample],
            )
            sample = [row[0] for row in env.cr.fetchall()]
            started = time.time()
            naive_purge(env, sample)
            naive_time = time.time() - started
            cr.rollback()
            env.invalidate_all()
            per_call = naive_time / max(len(sample), 1)
            print(
                f"naive per-record unlink() on {len(sample)} calls: "
                f"{naive_time:.1f} s ({per_call * 1000:.1f} ms per call), "
                f"extrapolated to {args.calls} calls: "
                f"{per_call * args.calls / 60:.0f} min (rolled back)",
                flush=True,
            )

            now = fields.Datetime.now()
            cutoff = retention.cutoff(now, retention.DEFAULT_MONTHS["call"])
            env.cr.execute(
                "SELECT id FROM permanence_call WHERE date_start > %s LIMIT 1",
                [cutoff],
            )
            recent_id = env.cr.fetchone()[0]
            dsn = f"dbname={db}"
            probe = Probe(dsn, recent_id, cutoff)

            engine_class = type(env["permanence.retention"])
            original_commit = engine_class._commit
            commits = []

            def timed_commit(self, auto_commit):
                original_commit(self, auto_commit)
                commits.append(time.monotonic())

            engine_class._commit = timed_commit
            step_times = {}
            originals = {}
            for name in [
                *env["permanence.retention"]._retention_steps(),
                "_commit",
                "_add_counts_to_run",
            ]:
                if not hasattr(engine_class, name):
                    continue
                originals[name] = getattr(engine_class, name)

                def timed(self, *a, _name=name, **kw):
                    begin = time.monotonic()
                    try:
                        return originals[_name](self, *a, **kw)
                    finally:
                        step_times[_name] = step_times.get(_name, 0.0) + (
                            time.monotonic() - begin
                        )

                setattr(engine_class, name, timed)
            probe.start()
            started = time.monotonic()
            commits.append(started)
            done = env["permanence.retention"]._purge(
                now=now, batch_size=args.batch, auto_commit=True
            )
            purge_time = time.monotonic() - started
            probe.stop.set()
            probe.join()
            for name, method in originals.items():
                setattr(engine_class, name, method)
            engine_class._commit = original_commit
            print(
                "time per step: "
                + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(step_times.items()))
            )
            longest = max(b - a for a, b in zip(commits, commits[1:], strict=False))
            print(
                f"purge ({'complete' if done else 'INTERRUPTED'}, batches of "
                f"{args.batch}, {len(commits) - 1} commits): {purge_time:.1f} s = "
                f"{purge_time / 60:.1f} min (target for 1,000,000 calls < 10 min: "
                f"{'OK' if purge_time < 600 else 'MISSED'}), "
                f"{args.calls / purge_time:.0f} calls/s"
            )
            row_waits = probe.row_waits or [0.0]
            update_waits = probe.update_waits or [0.0]
            print(
                f"longest purge transaction (any step, even one locking no call; "
                f"the probe measures the waits on permanence_call): "
                f"{longest * 1000:.0f} ms (target < 1000 ms: "
                f"{'OK' if longest < 1 else 'MISSED'})"
            )
            print(
                f"probe, lock the next call to purge (FOR UPDATE), "
                f"{len(probe.row_waits)} tries: max wait "
                f"{max(row_waits) * 1000:.0f} ms, mean "
                f"{sum(row_waits) / len(row_waits) * 1000:.0f} ms"
            )
            print(
                f"probe, operator UPDATE of a recent call, {len(probe.update_waits)} "
                f"tries: max {max(update_waits) * 1000:.0f} ms"
            )
            env.invalidate_all()
            after = counts(env)
            print("rows after: " + ", ".join(f"{k} {v}" for k, v in after.items()))
            env.cr.execute(
                "SELECT count(*) FROM permanence_call WHERE date_start < %s AND "
                "(caller_name IS NOT NULL OR caller_number IS NOT NULL OR "
                "caller_email IS NOT NULL OR notes IS NOT NULL OR "
                "recording_url IS NOT NULL OR partner_id IS NOT NULL)",
                [cutoff],
            )
            left_calls = env.cr.fetchone()[0]
            env.cr.execute(
                "SELECT count(*) FROM permanence_message WHERE create_date < %s "
                "AND (caller_name IS NOT NULL OR body IS NOT NULL)",
                [cutoff],
            )
            left_messages = env.cr.fetchone()[0]
            env.cr.execute(
                "SELECT count(*) FROM mail_message WHERE body::text LIKE "
                "'%%Appel de Appelant%%' AND date < %s",
                [cutoff],
            )
            left_chatter = env.cr.fetchone()[0]
            print(
                f"caller data left in the purged year: calls {left_calls}, "
                f"messages {left_messages}, chatter {left_chatter}"
            )
            print(
                "usage figures (calls, talk time per client and outcome; "
                "messages per client and state) unchanged: "
                + ("yes" if usage(env) == usage_before else "NO")
            )
        registry.delete(db)
        odoo.sql_db.close_all()
    finally:
        odoo.sql_db.close_all()
        if not args.keep:
            run(["dropdb", "--if-exists", db])
            print(f"database {db} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
