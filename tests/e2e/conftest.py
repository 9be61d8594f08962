"""Shared set-up of the end-to-end tests: one throwaway database with the
three addons (no demo data), and real Odoo servers started on it."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import xmlrpc.client

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDONS = "permanence_telephonique,permanence_agenda,permanence_voip"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooDb:
    def __init__(self):
        self.name = f"permanence_e2e_{uuid.uuid4().hex[:8]}"
        self.data_dir = tempfile.mkdtemp(prefix="permanence-e2e-")
        self.base = [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            self.name,
            f"--addons-path={REPO}",
            f"--data-dir={self.data_dir}",
            "--log-level=warn",
        ]

    def install(self):
        subprocess.run(
            [*self.base, "-i", ADDONS, "--without-demo=all", "--stop-after-init"],
            check=True,
            capture_output=True,
        )

    def start(self, workers=0, log=None):
        """Start a server with one cron thread; return (process, url).

        ``workers`` > 0 starts Odoo's multi-process server (its websocket
        process on a free port too); ``log``, an open file, receives the
        server's log (otherwise it is discarded)."""
        port = free_port()
        options = [
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=1",
            f"--workers={workers}",
            "--no-database-list",
        ]
        if workers:
            options.append(f"--gevent-port={free_port()}")
        process = subprocess.Popen(
            [*self.base, *options],
            stdout=log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        for __ in range(240):
            try:
                xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
                return process, url
            except OSError:
                time.sleep(0.25)
        process.kill()
        raise RuntimeError("Odoo did not start")

    def rpc(self, url, login="admin", password="admin"):
        """``call(model, method, *args, **kw)`` over XML-RPC as ``login``."""
        uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
            self.name, login, password, {}
        )
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

        def call(model, method, *args, **kw):
            return models.execute_kw(
                self.name, uid, password, model, method, list(args), kw
            )

        return call


@pytest.fixture(scope="session")
def odoo_db():
    db = OdooDb()
    db.install()
    yield db
    subprocess.run(["dropdb", "--if-exists", db.name], check=False)
