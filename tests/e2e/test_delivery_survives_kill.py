"""End to end: killing Odoo while it sends messages loses nothing.

A real Odoo server (one cron thread) sends SMS to a local HTTP gateway that
answers slowly; the server is killed (SIGKILL) in the middle, then started
again. Every message must arrive, and a message sent twice (the one in
flight at the kill, whose success Odoo could not record) must carry the same
idempotency reference both times so that the gateway can drop the copy.
"""

import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MESSAGES = 30


class Gateway:
    """A slow SMS gateway that records (reference, text) of each request."""

    def __init__(self, delay):
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(delay)
                gateway.received.append(
                    (self.headers.get("X-Permanence-Reference"), json.loads(body))
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id": "ok"}')

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sms"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def test_kill_during_sending_loses_nothing(odoo_db):
    gateway = Gateway(delay=0.2)
    process, url = odoo_db.start()
    try:
        call = odoo_db.rpc(url)

        fr = call("res.country", "search", [("code", "=", "FR")])[0]
        call("res.company", "write", [1], {"country_id": fr})
        call(
            "permanence.sms.gateway",
            "create",
            {"name": "e2e", "provider": "generic_json", "url": gateway.url},
        )
        company = call(
            "res.partner", "create", {"name": "E2E SARL", "is_company": True}
        )
        person = call(
            "res.partner",
            "create",
            {"name": "Astreinte", "mobile": "06 12 34 56 78", "parent_id": company},
        )
        client = call(
            "permanence.client",
            "create",
            {
                "name": "E2E",
                "code": "E2E",
                "partner_id": company,
                "state": "active",
                "quiet_hours_start": 0.0,
                "quiet_hours_end": 0.0,
                "interlocutor_ids": [
                    (0, 0, {"partner_id": person, "message_channel": "sms"})
                ],
            },
        )
        recipients = call(
            "permanence.interlocutor", "search", [("client_id", "=", client)]
        )
        ids = []
        for i in range(MESSAGES):
            message = call(
                "permanence.message",
                "create",
                {
                    "client_id": client,
                    "recipient_ids": [(6, 0, recipients)],
                    "subject": f"E2E-{i}",
                    "caller_phone": "+33600000000",
                },
            )
            ids.append(message)
        call("permanence.message", "action_send", ids)

        # Kill Odoo while the cron is half-way through.
        deadline = time.time() + 60
        while len(gateway.received) < MESSAGES // 3 and time.time() < deadline:
            time.sleep(0.05)
        assert len(gateway.received) < MESSAGES, "killed too late to prove anything"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        received_at_kill = len(gateway.received)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    process, url = odoo_db.start()
    try:
        call = odoo_db.rpc(url)
        # The cron runs by itself at start; wait for the rest to arrive.
        deadline = time.time() + 120
        while time.time() < deadline:
            states = call(
                "permanence.message.delivery",
                "read_group",
                [("client_id", "=", client)],
                fields=["state"],
                groupby=["state"],
                lazy=False,
            )
            counts = {row["state"]: row["__count"] for row in states}
            if counts.get("sent") == MESSAGES:
                break
            time.sleep(0.5)
        references = {
            d["reference"]: d["message_id"][0]
            for d in call(
                "permanence.message.delivery",
                "search_read",
                [("client_id", "=", client)],
                fields=["reference", "message_id", "state"],
            )
        }
    finally:
        process.terminate()
        process.wait(timeout=30)

    assert counts == {"sent": MESSAGES}, counts
    assert received_at_kill < MESSAGES
    got = {}
    for reference, payload in gateway.received:
        got.setdefault(reference, []).append(payload["text"])
    # Every delivery arrived, under its own reference.
    assert set(got) == set(references)
    # At most the one in flight at the kill came twice, and with the same
    # reference and text, so the gateway can tell it is a retry.
    duplicates = {ref: texts for ref, texts in got.items() if len(texts) > 1}
    assert len(duplicates) <= 1, duplicates
    for texts in duplicates.values():
        assert len(set(texts)) == 1
