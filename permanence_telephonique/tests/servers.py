"""Real peers on localhost for the transmission tests: an SMTP server and
HTTP servers (SMS gateway, client webhook) that record what they receive."""

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

import odoo


class RecordingHttpServer:
    """An HTTP server on 127.0.0.1 that records each request and answers
    with the next ``(status, json_body)`` of ``responses`` (the last one
    repeats)."""

    def __init__(self, responses=((200, {"id": "ok"}),)):
        self.requests = []
        self.responses = list(responses)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                index = min(len(server.requests), len(server.responses)) - 1
                status, payload = server.responses[index]
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class _Collect:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class RecordingSmtpServer:
    """aiosmtpd on 127.0.0.1 keeping every envelope it accepts."""

    def __init__(self):
        self.handler = _Collect()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def envelopes(self):
        return self.handler.envelopes

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@contextlib.contextmanager
def real_smtp():
    """Let Odoo talk to a real SMTP server while a test runs: Odoo's test
    mode otherwise skips the connection and pretends the mail left."""
    saved = odoo.modules.module.current_test
    odoo.modules.module.current_test = None
    try:
        yield
    finally:
        odoo.modules.module.current_test = saved
