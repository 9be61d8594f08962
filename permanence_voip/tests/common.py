# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from odoo.tests import new_test_user
from odoo.tests.common import _super_send

from odoo.addons.permanence_telephonique.tests.common import (
    OPERATOR,
    SUPERVISOR,
    PermanenceCase,
)

from ..tools import signature

SECRET = "s3cr3t-for-tests"
OTHER_SECRET = "another-secret"


class VoipCase(PermanenceCase):
    """The core fixtures plus a PBX per company and operators with
    extensions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Pbx = cls.env["permanence.voip.pbx"]
        cls.pbx = Pbx.create(
            {
                "name": "Asterisk Paris",
                "code": "paris",
                "secret": SECRET,
                "company_id": cls.company.id,
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.other_pbx = Pbx.with_company(cls.other_company).create(
            {
                "name": "Asterisk Lyon",
                "code": "lyon",
                "secret": OTHER_SECRET,
                "company_id": cls.other_company.id,
            }
        )
        cls.operator.permanence_extension = "201"
        cls.allowed_operator.permanence_extension = "202"
        cls.foreign.number_ids = [(0, 0, {"number": "04 72 00 00 01"})]
        (cls.supervisor | cls.manager).permanence_presence = "pause"
        cls.env.ref("base.user_admin").permanence_presence = "pause"

    @classmethod
    def event(cls, kind, call_id="pbx-1", **extra):
        body = {
            "pbx": "paris",
            "event": kind,
            "call_id": call_id,
            "from": "+33 6 01 02 03 04",
            "to": "01 48 00 00 01",
            "timestamp": "2026-03-02T10:00:00+01:00",
        }
        body.update(extra)
        return {key: value for key, value in body.items() if value is not None}

    def calls(self, call_id="pbx-1", company=None):
        return (
            self.env["permanence.call"]
            .sudo()
            .search(
                [
                    ("external_id", "=", call_id),
                    ("company_id", "=", (company or self.company).id),
                ]
            )
        )


class VoipHttpMixin:
    """Posting signed events to the webhook over real HTTP."""

    def post_raw(self, body, header=None, secret=SECRET):
        headers = {"Content-Type": "application/json"}
        if header is None and secret is not None:
            header = signature.sign(secret, body)
        if header is not None:
            headers[signature.HEADER] = header
        return self.url_open("/permanence/voip/event", data=body, headers=headers)

    def post(self, payload, **kwargs):
        return self.post_raw(json.dumps(payload).encode(), **kwargs)


class StandInPbx:
    """A real HTTP server on 127.0.0.1 standing in for the PBX's API: it
    records every request and answers what the test asks for."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.replies = {}
        self.delay = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                stand_in.requests.append(
                    {
                        "method": self.command,
                        "path": url.path,
                        "query": {
                            key: values[0]
                            for key, values in parse_qs(url.query).items()
                        },
                        "authorization": self.headers.get("Authorization"),
                        "body": self.rfile.read(length) if length else b"",
                    }
                )
                if stand_in.delay:
                    time.sleep(stand_in.delay)
                reply = stand_in.replies.get((self.command, url.path), {})
                data = json.dumps(reply).encode()
                try:
                    self.send_response(stand_in.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up waiting (timeout tests)

            do_GET = do_POST = do_DELETE = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class StandInMixin:
    """Start a stand-in PBX API per test class; keep the real timeouts of
    requests sent to it (Odoo's test harness raises short ones to 10 s)."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        stand_in = getattr(cls, "stand_in", None)
        url = urlsplit(r.url)
        if stand_in and (url.hostname, url.port) == (
            "127.0.0.1",
            stand_in.server.server_port,
        ):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stand_in = StandInPbx()
        cls.addClassCleanup(cls.stand_in.stop)

    def setUp(self):
        super().setUp()
        self.stand_in.requests.clear()
        self.stand_in.status = 200
        self.stand_in.replies = {}
        self.stand_in.delay = 0


__all__ = [
    "OPERATOR",
    "SUPERVISOR",
    "SECRET",
    "OTHER_SECRET",
    "StandInMixin",
    "VoipCase",
    "VoipHttpMixin",
    "new_test_user",
]
