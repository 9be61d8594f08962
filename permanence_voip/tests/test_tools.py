# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import itertools
import json
from datetime import datetime

from odoo.tests import BaseCase, tagged

from ..tools import cdr, events, lookup, signature


def ev(kind, when, **extra):
    return dict(
        {"event": kind, "timestamp": when, "transfer_to": "", "recording_url": ""},
        **extra,
    )


def final(sequence):
    call = None
    for event in sequence:
        changes = events.apply(call, event)
        call = dict(call or {}, **changes)
    return {key: call.get(key) or None for key in events.CALL_KEYS}


T0 = datetime(2026, 3, 2, 9, 0, 0)
T_ANSWER = datetime(2026, 3, 2, 9, 0, 8)
T_TRANSFER = datetime(2026, 3, 2, 9, 1, 0)
T_HANGUP = datetime(2026, 3, 2, 9, 2, 0)


@tagged("post_install", "-at_install")
class TestSignature(BaseCase):
    def test_sign_and_verify(self):
        header = signature.sign("k", b'{"a": 1}')
        self.assertTrue(header.startswith("sha256="))
        self.assertEqual(len(header), 7 + 64)
        self.assertTrue(signature.verify("k", b'{"a": 1}', header))
        upper = "sha256=" + header[7:].upper()
        self.assertTrue(signature.verify("k", b'{"a": 1}', upper))

    def test_refusals(self):
        header = signature.sign("k", b"x")
        self.assertFalse(signature.verify("other", b"x", header))
        self.assertFalse(signature.verify("k", b"y", header))
        self.assertFalse(signature.verify("", b"x", signature.sign("", b"x")))
        for bad in (
            None,
            "",
            "sha256=",
            "sha1=" + header[7:],
            header[:-1],
            header + "0",
        ):
            self.assertFalse(signature.verify("k", b"x", bad), bad)


@tagged("post_install", "-at_install")
class TestEventParsing(BaseCase):
    def body(self, **values):
        data = {
            "pbx": "paris",
            "event": "ringing",
            "call_id": "1",
            "to": "0148000001",
            "timestamp": "2026-03-02T10:00:00+01:00",
        }
        data.update(values)
        return json.dumps({k: v for k, v in data.items() if v is not None}).encode()

    def test_valid_body(self):
        event = events.parse(self.body(**{"from": "anonymous"}))
        self.assertEqual(event["timestamp"], T0)
        self.assertEqual(event["from"], "anonymous")
        self.assertEqual(event["operator"], "")

    def test_timestamps(self):
        self.assertEqual(events.parse_timestamp("2026-03-02T09:00:00Z"), T0)
        self.assertEqual(events.parse_timestamp("2026-03-02T04:00:00-05:00"), T0)
        for bad in ("2026-03-02T09:00:00", "02/03/2026", "", "now"):
            with self.assertRaises(events.EventError):
                events.parse_timestamp(bad)

    def test_errors(self):
        cases = {
            b"": "JSON",
            b"\xff\xfe": "JSON",
            b'"text"': "object",
            self.body(pbx=None): "pbx",
            self.body(event="ring"): "event",
            self.body(to=""): "to",
            self.body(event="transferred"): "transfer_to",
            self.body(call_id=12): "call_id",
            self.body(call_id="x" * 600): "too long",
        }
        for body, word in cases.items():
            with self.subTest(body=body), self.assertRaises(events.EventError) as err:
                events.parse(body)
            self.assertIn(word, err.exception.reason)

    def test_hostile_bodies(self):
        """Refused with a reason, never another exception."""
        cases = {
            b"[" * 1000 + b"]" * 1000: "nested",
            b'{"a":' * 1000 + b"1" + b"}" * 1000: "nested",
            self.body(pbx="paris\x00"): "pbx contains a NUL",
            self.body(to="\ud800"): "to contains a lone surrogate",
            self.body(extra=["\x00"]): "a field contains a NUL",
            self.body(**{"\udfff": 1}): "a field contains a lone surrogate",
            self.body(timestamp="2026-03-02T10:00:00+01:00\x00"): "NUL",
            self.body(timestamp="0001-01-01T00:00:00+01:00"): "between years",
            self.body(timestamp="9999-12-31T23:59:59-01:00"): "between years",
            self.body(timestamp="1999-12-31T23:59:59Z"): "between years",
            self.body(timestamp="2100-01-01T00:00:00Z"): "between years",
            self.body(timestamp="\uff12\uff10\uff12\uff16-03-02T10:00:00Z"): "ISO",
            self.body(timestamp="2026-03-02T10:00:00+24:00"): "ISO",
            b'{"call_id": ' + b"1" * 5000 + b"}": "JSON",
        }
        for body, word in cases.items():
            with self.subTest(body=body[:60]):
                with self.assertRaises(events.EventError) as err:
                    events.parse(body)
                self.assertIn(word, err.exception.reason)
                # The reason is sent back as UTF-8 JSON: it must encode.
                err.exception.reason.encode("utf-8")
        self.assertEqual(
            events.parse_timestamp("2099-12-31T23:00:00-05:00"),
            datetime(2100, 1, 1, 4, 0),
        )

    def test_lock_key_is_stable_and_per_call(self):
        key = events.lock_key(1, "1709370000.42")
        # Stable across processes and Python versions (not ``hash()``).
        self.assertEqual(key, events.lock_key(1, "1709370000.42"))
        self.assertEqual(key, 8982467539663567156)
        self.assertTrue(-(2**63) <= key < 2**63)
        self.assertNotEqual(key, events.lock_key(2, "1709370000.42"))
        self.assertNotEqual(key, events.lock_key(1, "1709370000.43"))


@tagged("post_install", "-at_install")
class TestStateMachine(BaseCase):
    def test_ringing_creates(self):
        values = events.apply(None, ev("ringing", T0))
        self.assertEqual(values["state"], "ringing")
        self.assertEqual(values["date_start"], T0)

    def test_replay_is_empty(self):
        call = final([ev("ringing", T0), ev("answered", T_ANSWER)])
        self.assertEqual(events.apply(call, ev("answered", T_ANSWER)), {})
        self.assertEqual(events.apply(call, ev("ringing", T0)), {})

    def test_any_order_gives_the_same_call(self):
        sequence = [
            ev("ringing", T0),
            ev("answered", T_ANSWER),
            ev("transferred", T_TRANSFER, transfer_to="+33699000001"),
            ev("hangup", T_HANGUP, recording_url="https://r/1.wav"),
        ]
        expected = final(sequence)
        self.assertEqual(expected["state"], "done")
        self.assertEqual(expected["outcome"], "transferred")
        self.assertEqual(expected["date_answer"], T_ANSWER)
        self.assertEqual(expected["date_end"], T_TRANSFER)
        self.assertEqual(expected["date_hangup"], T_HANGUP)
        for order in itertools.permutations(sequence):
            self.assertEqual(final(order), expected, [e["event"] for e in order])
        without_transfer = [sequence[0], sequence[1], sequence[3]]
        expected = final(without_transfer)
        self.assertEqual((expected["state"], expected["outcome"]), ("ongoing", None))
        for order in itertools.permutations(without_transfer):
            self.assertEqual(final(order), expected)

    def test_never_answered_is_abandoned(self):
        for order in itertools.permutations(
            [ev("ringing", T0), ev("hangup", T_HANGUP)]
        ):
            call = final(order)
            self.assertEqual((call["state"], call["outcome"]), ("done", "abandoned"))
            self.assertEqual(call["date_start"], T0)

    def test_outcome_set_by_operator_is_kept(self):
        call = final([ev("ringing", T0)])
        call.update(outcome="message", state="done", date_answer=T0)
        changes = events.apply(call, ev("hangup", T_HANGUP))
        self.assertNotIn("outcome", changes)
        self.assertNotIn("state", changes)


@tagged("post_install", "-at_install")
class TestLookupTools(BaseCase):
    def test_formats(self):
        for raw in (
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "33612345678",
            "06.12.34.56.78",
        ):
            self.assertEqual(lookup.normalize(raw, "FR", 33), "+33612345678", raw)
        self.assertEqual(lookup.normalize("0612345678", "BE", 32), False)
        self.assertEqual(lookup.normalize("+32 2 555 12 12", "FR", 33), "+3225551212")
        for raw in ("", None, "anonymous", "Numéro masqué", "abc"):
            self.assertFalse(lookup.normalize(raw, "FR", 33))

    def test_rank(self):
        self.assertEqual(lookup.rank([5, 3, 9], {9}), ([9, 5, 3], True))
        self.assertEqual(lookup.rank([5], set()), ([5], False))
        self.assertEqual(lookup.rank([], {1}), ([], False))


@tagged("post_install", "-at_install")
class TestCdrTools(BaseCase):
    def test_read(self):
        text = (
            "uniqueid,src,dst,start,answer,end\n"
            "a1,0601020304,0148000001,2026-03-02 10:00:00,2026-03-02 10:00:08,"
            "2026-03-02 10:02:00\n"
            "a2,,0148000001,2026-03-02T09:05:00Z,,2026-03-02T09:05:30Z\n"
            ",0601,0148,2026-03-02 10:00:00,,\n"
            "a4,0601,0148,tomorrow,,\n"
            "a5,0601,0148,2026-03-02 10:00:00,2026-03-02 09:00:00,\n"
            "a1,0601,0148,2026-03-02 10:00:00,,\n"
        )
        rows, rejected = cdr.read(text, cdr.DEFAULT_MAPPING, "Europe/Paris")
        self.assertEqual([row[1] for row in rows], ["a1", "a2"])
        self.assertEqual(
            rejected,
            [
                (4, "no_call_id", ""),
                (5, "bad_time", "tomorrow"),
                (6, "order", ""),
                (7, "repeated", "a1"),
            ],
        )
        first = cdr.replay(None, rows[0][4])
        self.assertEqual(first["date_start"], T0)
        self.assertEqual(first["date_answer"], T_ANSWER)
        self.assertEqual(first["date_end"], T_HANGUP)
        self.assertEqual(first["state"], "ongoing")
        self.assertEqual(cdr.replay(first, rows[0][4]), {})
        second = cdr.replay(None, rows[1][4])
        self.assertEqual((second["state"], second["outcome"]), ("done", "abandoned"))

    def test_missing_column(self):
        rows, rejected = cdr.read("id;src\n1;2\n", cdr.DEFAULT_MAPPING, delimiter=";")
        self.assertEqual(rows, [])
        self.assertEqual(rejected, [(1, "missing_column", "uniqueid, start")])
