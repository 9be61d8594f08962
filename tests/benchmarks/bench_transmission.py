#!/usr/bin/env python3
"""Validation-to-receipt latency of messages, email and SMS.

Starts, on localhost only: an SMTP server (aiosmtpd) and an HTTP SMS
gateway that note when each message arrives, and Odoo with the addon in a
throwaway database (one cron thread, as in production). Then, over
XML-RPC like the operator's browser:

- our path: ``permanence.message.action_send`` for N messages, each to one
  recipient by email and one by SMS; latency = arrival at the local server
  minus the moment the operator clicked *Send*;
- Odoo's default path: the same email queued with ``mail.template.send_mail``
  (the mail queue cron, run hourly by default); the script waits
  ``--default-wait`` seconds and reports what arrived by then.

Usage: python3 tests/benchmarks/bench_transmission.py [--messages 1000]
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = re.compile(rb"BENCH-(\d+)-(\w+)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Arrivals:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = {}

    def note(self, data, channel):
        now = time.time()
        for match in MARK.finditer(data):
            key = (int(match.group(1)), match.group(2).decode(), channel)
            with self.lock:
                self.times.setdefault(key, now)


ARRIVALS = Arrivals()


class SmtpHandler:
    async def handle_DATA(self, server, session, envelope):
        ARRIVALS.note(envelope.content, "email")
        return "250 OK"


class SmsHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        ARRIVALS.note(body, "sms")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "bench"}')

    def log_message(self, *args):
        pass


def percentile(values, pct):
    if not values:
        return float("nan")
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(pct / 100 * len(values)) - 1))
    return values[index]


def report(label, latencies, expected):
    ms = [v * 1000 for v in latencies]
    if not ms:
        print(f"{label:<42} {0:>5}/{expected:<5} received")
        return
    print(
        f"{label:<42} {len(ms):>5}/{expected:<5} received  "
        f"p50 {percentile(ms, 50):8.0f} ms  p95 {percentile(ms, 95):8.0f} ms  "
        f"max {max(ms):8.0f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--default-wait", type=int, default=60)
    parser.add_argument("--db", default="permanence_bench_transmission")
    args = parser.parse_args()
    n = max(1, min(args.messages, 5000))

    smtp_port = free_port()
    smtp = Controller(SmtpHandler(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    sms = ThreadingHTTPServer(("127.0.0.1", 0), SmsHandler)
    threading.Thread(target=sms.serve_forever, daemon=True).start()
    sms_url = f"http://127.0.0.1:{sms.server_address[1]}/send"

    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    data_dir = tempfile.mkdtemp(prefix="permanence-bench-")
    common = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        args.db,
        f"--addons-path={REPO}",
        f"--data-dir={data_dir}",
        "--log-level=warn",
    ]
    print(f"installing permanence_telephonique in {args.db} ...", flush=True)
    subprocess.run(
        [
            *common,
            "-i",
            "permanence_telephonique",
            "--without-demo=all",
            "--stop-after-init",
        ],
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            *common,
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=1",
            "--workers=0",
        ],
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for __ in range(120):
            try:
                uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
                    args.db, "admin", "admin", {}
                )
                if uid:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

        def call(model, method, *params, **kw):
            return models.execute_kw(
                args.db, uid, "admin", model, method, list(params), kw
            )

        call(
            "ir.mail_server",
            "create",
            {
                "name": "bench",
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
                "smtp_encryption": "none",
            },
        )
        call(
            "res.company",
            "write",
            [1],
            {
                "country_id": call("res.country", "search", [("code", "=", "FR")])[0],
                "email": "permanence@example.com",
            },
        )
        call(
            "permanence.sms.gateway",
            "create",
            {"name": "bench", "provider": "generic_json", "url": sms_url},
        )
        company = call(
            "res.partner", "create", {"name": "Bench SARL", "is_company": True}
        )
        by_email = call(
            "res.partner",
            "create",
            {
                "name": "Email Person",
                "email": "email@example.com",
                "parent_id": company,
            },
        )
        by_sms = call(
            "res.partner",
            "create",
            {
                "name": "Sms Person",
                "mobile": "06 12 34 56 78",
                "email": "sms@example.com",
                "parent_id": company,
            },
        )
        client = call(
            "permanence.client",
            "create",
            {
                "name": "Bench",
                "code": "BENCH",
                "partner_id": company,
                "state": "active",
                "quiet_hours_start": 0.0,
                "quiet_hours_end": 0.0,
                "interlocutor_ids": [
                    (0, 0, {"partner_id": by_email, "message_channel": "email"}),
                    (0, 0, {"partner_id": by_sms, "message_channel": "sms"}),
                ],
            },
        )
        interlocutors = call(
            "permanence.interlocutor", "search", [("client_id", "=", client)]
        )

        print(f"our path: {n} messages, each by email and SMS ...", flush=True)
        clicked = {}
        for i in range(n):
            message = call(
                "permanence.message",
                "create",
                {
                    "client_id": client,
                    "recipient_ids": [(6, 0, interlocutors)],
                    "subject": f"BENCH-{i}-ours",
                    "caller_phone": "+33600000000",
                    "body": f"<p>BENCH-{i}-ours</p>",
                },
            )
            clicked[i] = time.time()
            call("permanence.message", "action_send", [message])
        deadline = time.time() + 120
        while time.time() < deadline:
            with ARRIVALS.lock:
                got = sum(1 for k in ARRIVALS.times if k[1] == "ours")
            if got >= 2 * n:
                break
            time.sleep(0.2)

        print(f"Odoo's default path: {n} emails queued with send_mail ...", flush=True)
        template = call(
            "ir.model.data",
            "check_object_reference",
            "permanence_telephonique",
            "mail_template_permanence_message",
        )[1]
        queued = {}
        for i in range(n):
            message = call(
                "permanence.message",
                "create",
                {
                    "client_id": client,
                    "recipient_ids": [(6, 0, interlocutors[:1])],
                    "subject": f"BENCH-{i}-default",
                    "caller_phone": "+33600000000",
                },
            )
            queued[i] = time.time()
            call(
                "mail.template",
                "send_mail",
                template,
                message,
                email_values={"recipient_ids": [(4, by_email)]},
            )
        time.sleep(args.default_wait)

        with ARRIVALS.lock:
            times = dict(ARRIVALS.times)
        ours_email = [
            times[(i, "ours", "email")] - clicked[i]
            for i in clicked
            if (i, "ours", "email") in times
        ]
        ours_sms = [
            times[(i, "ours", "sms")] - clicked[i]
            for i in clicked
            if (i, "ours", "sms") in times
        ]
        default = [
            times[(i, "default", "email")] - queued[i]
            for i in queued
            if (i, "default", "email") in times
        ]
        print()
        print(f"validation-to-receipt latency, {n} messages (localhost, 2 cores)")
        report("our path, email (delivery cron triggered)", ours_email, n)
        report("our path, SMS (delivery cron triggered)", ours_sms, n)
        report(f"Odoo default mail queue, within {args.default_wait}s", default, n)
        nextcall = call(
            "ir.cron",
            "search_read",
            [("cron_name", "=", "Mail: Email Queue Manager")],
            ["nextcall"],
        )
        if nextcall:
            print(
                f"  (Odoo's mail queue cron next runs at {nextcall[0]['nextcall']} UTC;"
                " its default interval is 1 hour)"
            )
        under5 = sum(1 for v in ours_email + ours_sms if v < 5)
        print(f"our path: {under5}/{2 * n} sends received within 5 s")
    finally:
        server.terminate()
        server.wait(timeout=30)
        smtp.stop()
        sms.shutdown()
        subprocess.run(["dropdb", "--if-exists", args.db], check=False)


if __name__ == "__main__":
    main()
