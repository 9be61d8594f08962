# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import random

from odoo.tests import HttpCase, tagged

from ..tools import signature
from .common import SECRET, VoipCase, VoipHttpMixin

LOGGER = "odoo.addons.permanence_voip.controllers.main"
URL = "/permanence/voip/event"
FAKE_SIGNATURE = "sha256=" + "0" * 64
TEXT_FIELDS = ("pbx", "event", "call_id", "from", "to", "timestamp", "operator")
# Values a hostile or broken PBX may put in any field.
HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "paris\x00",
    "\ud800",
    "\udfff x",
    "a\x01\x1f\x7f",
    "x" * 513,
    "9" * 500,
    "+" * 100,
    "06 12 34 56 78" * 30,
    "'; DROP TABLE permanence_call; --",
    "%s %(x)s {0}",
    "../../etc/passwd",
    "\u202e\u0301\U0001f4de",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59Z",
    "1999-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
    "2026-03-02T10:00:00+01:00\x00",
    "2026-02-30T10:00:00Z",
    "2026-03-02T25:00:00Z",
    "2026-03-02T10:00:00+99:99",
    "2026-03-02T10:00:00+24:00",
    "2026-03-02T10:00:00.9999999Z",
    "\uff12\uff10\uff12\uff16-03-02T10:00:00Z",
    0,
    -1,
    10**30,
    1.5e308,
    True,
    None,
    [],
    ["ringing"],
    {},
    {"\x00": "\ud800"},
]


def nested(depth, inner="1"):
    return "[" * depth + inner + "]" * depth


@tagged("post_install", "-at_install")
class TestWebhookHostile(VoipHttpMixin, VoipCase, HttpCase):
    """Whatever the body, the method or the signature: never a 5xx, a JSON
    reason, and nothing written unless the event is accepted."""

    def counts(self):
        return (
            self.env["permanence.call"].sudo().search_count([]),
            self.env["permanence.voip.event"].sudo().search_count([]),
        )

    def send(self, body, header=None, method="POST"):
        headers = {"Content-Type": "application/json"}
        if header:
            headers[signature.HEADER] = header
        return self.opener.request(
            method,
            self.base_url() + URL,
            data=body,
            headers=headers,
            timeout=30,
        )

    def assertRefused(self, response, status, before, word=None):
        """``status``, a JSON reason (holding ``word``), nothing written."""
        self.assertEqual(response.status_code, status, response.text)
        reason = response.json()["reason"]
        if word:
            self.assertIn(word, reason)
        self.assertEqual(self.counts(), before, "nothing may be written")
        return reason

    def test_hostile_bodies_answer_400_before_or_403(self):
        """The bodies of the issue: refused with 403 when the signature is
        fake (the body is not even read), 400 when it is signed."""
        deep = nested(1000).encode()
        deep_object = ('{"a":' * 1000 + "1" + "}" * 1000).encode()
        cases = {
            "nested 1000 deep": (deep, "nested"),
            "object nested 1000 deep": (deep_object, "nested"),
            "nested 30000 deep": (nested(30000).encode(), "nested"),
        }
        for field in TEXT_FIELDS + ("transfer_to", "recording_url", "extra"):
            for name, value in (("NUL", "a\x00b"), ("lone surrogate", "a\ud800b")):
                payload = self.event("transferred", transfer_to="0699000001")
                payload[field] = value
                cases[f"{name} in {field}"] = (json.dumps(payload).encode(), name)
        for timestamp in (
            "0001-01-01T00:00:00+01:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59-01:00",
            "9999-12-31T23:59:59Z",
        ):
            payload = self.event("ringing", timestamp=timestamp)
            cases[timestamp] = (json.dumps(payload).encode(), "between years")
        payload = self.event("ringing", timestamp="2026-03-02T10:00:00+01:00\x00")
        cases["NUL ending a timestamp"] = (json.dumps(payload).encode(), "NUL")
        payload = self.event("ringing", **{"bad\x00key": "1"})
        cases["NUL in a key"] = (json.dumps(payload).encode(), "NUL")
        before = self.counts()
        for name, (body, word) in cases.items():
            with self.subTest(name):
                with self.assertLogs(LOGGER, "WARNING"):
                    response = self.send(body, FAKE_SIGNATURE)
                self.assertRefused(response, 403, before, "signature")
                response = self.send(body, signature.sign(SECRET, body))
                self.assertRefused(response, 400, before, word)

    def test_wrong_methods_answer_json_405(self):
        body = json.dumps(self.event("ringing")).encode()
        before = self.counts()
        for method in ("OPTIONS", "GET", "PUT", "DELETE", "PATCH"):
            with self.subTest(method):
                response = self.send(body, signature.sign(SECRET, body), method)
                self.assertRefused(response, 405, before, "POST")
                self.assertEqual(response.headers["Allow"], "POST")
                self.assertIn("application/json", response.headers["Content-Type"])
        response = self.send(body, signature.sign(SECRET, body), "HEAD")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.headers["Allow"], "POST")
        self.assertEqual(self.counts(), before)
        # A chunked body (no Content-Length) is not read at all.
        chunks = iter([body[:10], body[10:]])
        response = self.send(chunks, signature.sign(SECRET, body))
        self.assertRefused(response, 411, before, "Content-Length")
        # The same body posted is an event.
        self.assertEqual(self.send(body, signature.sign(SECRET, body)).status_code, 200)

    def hostile_body(self, rng, number):
        """A hostile body (bytes), deterministic for ``rng``."""
        payload = self.event(
            rng.choice(["ringing", "answered", "transferred", "hangup"]),
            call_id=f"fuzz-{number % 40}",
            operator=rng.choice([None, "pt_operator", "201"]),
            transfer_to=rng.choice([None, "06 99 00 00 01"]),
        )
        for __ in range(rng.randint(1, 3)):
            mutation = rng.randrange(4)
            if mutation == 0:
                payload[rng.choice(TEXT_FIELDS)] = rng.choice(HOSTILE_VALUES)
            elif mutation == 1:
                payload.pop(rng.choice(TEXT_FIELDS), None)
            elif mutation == 2:
                key = rng.choice(["extra", "\x00", "\ud800", "pbx ", "", "x" * 600])
                payload[key] = rng.choice(HOSTILE_VALUES)
            else:
                pass  # left valid: the raw mutations below may break it
        body = json.dumps(payload).encode()
        raw = rng.randrange(12)
        if raw == 0:
            body = body[: rng.randrange(len(body))]
        elif raw == 1:
            at = rng.randrange(len(body))
            body = body[:at] + bytes([rng.randrange(256)]) + body[at + 1 :]
        elif raw == 2:
            body = rng.randbytes(rng.randrange(1, 200))
        elif raw == 3:
            depth = rng.choice([10, 999, 1000, 5000, 20000])
            body = nested(depth, body.decode()).encode()
        elif raw == 4:
            body = "\ufeff".encode() + body
        elif raw == 5:
            body = json.dumps(payload, ensure_ascii=False).encode(
                "utf-16", "surrogatepass"
            )
        elif raw == 6:
            body = rng.choice([b"", b"null", b"[]", b'"x"', b"1", b"{}", b"NaN"])
        elif raw == 7:
            body = body.replace(b'"call_id"', b'"call_id": "dup", "call_id"', 1)
        elif raw == 8:
            body = body[:-1] + b', "pad": "' + b"x" * 70000 + b'"}'
        return body

    def test_fuzz_never_5xx_never_writes_when_refused(self):
        rng = random.Random(12)
        statuses = {}
        with self.assertLogs(LOGGER, "WARNING"):
            for number in range(400):
                body = self.hostile_body(rng, number)
                how = rng.randrange(5)
                header = {
                    0: None,
                    1: FAKE_SIGNATURE,
                    2: signature.sign("guessed", body),
                    3: "sha256=" + rng.randbytes(8).hex(),
                }.get(how, signature.sign(SECRET, body))
                if rng.randrange(3) == 0:
                    header = signature.sign(SECRET, body)
                before = self.counts()
                response = self.send(body, header)
                status = response.status_code
                statuses[status] = statuses.get(status, 0) + 1
                self.assertLess(status, 500, (number, body[:200], response.text))
                if status == 200:
                    self.assertEqual(self.counts()[1], before[1] + 1, number)
                else:
                    self.assertIn("reason", response.json(), number)
                    self.assertEqual(self.counts(), before, (number, body[:200]))
        # The fuzz reaches every door: signature, size, parsing, fields.
        self.assertGreater(statuses.get(403, 0), 50, statuses)
        self.assertGreater(statuses.get(400, 0), 50, statuses)
        self.assertGreater(statuses.get(413, 0), 0, statuses)
        self.assertGreater(statuses.get(200, 0), 5, statuses)
