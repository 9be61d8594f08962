# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import datetime

from odoo.tests import HttpCase, tagged

from ..tools import signature
from .common import OTHER_SECRET, SECRET, VoipCase, VoipHttpMixin

LOGGER = "odoo.addons.permanence_voip.controllers.main"


@tagged("post_install", "-at_install")
class TestWebhook(VoipHttpMixin, VoipCase, HttpCase):
    def assertNothingWritten(self, response, status, call_id="pbx-1"):
        self.assertEqual(response.status_code, status, response.text)
        self.assertFalse(self.calls(call_id))
        self.assertFalse(
            self.env["permanence.voip.event"].sudo().search_count([]),
            "no event may be logged",
        )
        return response.json()["reason"]

    # Every state path ------------------------------------------------------

    def test_ringing_creates_the_call_and_names_client_and_caller(self):
        response = self.post(self.event("ringing"))
        self.assertEqual(response.status_code, 200, response.text)
        call = self.calls()
        self.assertEqual(len(call), 1)
        self.assertEqual(
            response.json(),
            {
                "call_id": call.id,
                "client": {
                    "id": self.client.id,
                    "name": "Plomberie Test",
                    "greeting": "Plomberie Test, bonjour !",
                },
                "caller": {"name": "Marc Plombier", "partner_id": self.boss.id},
            },
        )
        self.assertEqual(call.state, "ringing")
        self.assertEqual(call.date_start, datetime(2026, 3, 2, 9, 0))
        self.assertFalse(call.date_answer)
        self.assertEqual(call.caller_number, "+33601020304")
        self.assertEqual(call.called_number, "+33148000001")
        self.assertEqual(call.pbx_id, self.pbx)
        self.assertEqual(call.company_id, self.company)
        self.assertFalse(call.user_id)
        log = self.env["permanence.voip.event"].sudo().search([])
        self.assertEqual(
            (log.event, log.result, log.call_id), ("ringing", "created", call)
        )

    def test_answered_then_hangup_times_operator_and_recording(self):
        self.post(self.event("ringing"))
        self.post(
            self.event(
                "answered", timestamp="2026-03-02T09:00:12Z", operator="pt_operator"
            )
        )
        call = self.calls()
        self.assertEqual(call.state, "ongoing")
        self.assertEqual(call.user_id, self.operator)
        self.assertEqual(call.ring_duration, 12)
        self.assertTrue(call.answered_in_target)
        self.assertEqual(self.operator.permanence_presence, "busy")
        response = self.post(
            self.event(
                "hangup",
                timestamp="2026-03-02T10:03:12+01:00",
                recording_url="https://pbx.example.com/rec/pbx-1.wav",
            )
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(call.state, "ongoing", "the operator still wraps up")
        self.assertEqual(call.talk_duration, 180)
        self.assertEqual(call.recording_url, "https://pbx.example.com/rec/pbx-1.wav")
        # The operator closes the sheet later: the call ended at the hang-up.
        call.with_user(self.operator).action_information_given()
        self.assertEqual(call.state, "done")
        self.assertEqual(call.date_end, datetime(2026, 3, 2, 9, 3, 12))
        self.assertEqual(call.talk_duration, 180)
        self.assertEqual(self.operator.permanence_presence, "available")

    def test_answered_assigns_the_operator_without_notifying_him(self):
        """A machine event assigns the call: tracked, but no "you have been
        assigned" email from the public user (and so no failed send)."""
        self.post(self.event("ringing"))
        with self.assertNoLogs(level="ERROR"):
            response = self.post(self.event("answered", operator="pt_operator"))
        self.assertEqual(response.status_code, 200, response.text)
        call = self.calls()
        self.assertEqual(call.user_id, self.operator)
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "permanence.call"), ("res_id", "=", call.id)])
        )
        self.assertFalse(
            messages.filtered(lambda m: m.message_type == "user_notification"),
            "no assignment notification",
        )
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", self.operator.partner_id.ids)])
        )
        public = self.env.ref("base.public_partner")
        self.assertNotIn(public, messages.author_id, "machine events are not public")

    def test_operator_found_by_extension(self):
        self.post(self.event("ringing"))
        self.post(self.event("answered", operator="202"))
        self.assertEqual(self.calls().user_id, self.allowed_operator)

    def test_transferred(self):
        self.post(self.event("ringing"))
        self.post(self.event("answered", timestamp="2026-03-02T10:00:05+01:00"))
        self.post(
            self.event(
                "transferred",
                timestamp="2026-03-02T10:01:00+01:00",
                transfer_to="06 99 00 00 01",
            )
        )
        call = self.calls()
        self.assertEqual((call.state, call.outcome), ("done", "transferred"))
        self.assertEqual(call.transfer_number, "+33699000001")
        self.assertEqual(call.talk_duration, 55)
        self.assertIn("+33699000001", "".join(call.message_ids.mapped("body")))

    def test_hangup_while_ringing_is_abandoned(self):
        self.post(self.event("ringing"))
        self.post(self.event("hangup", timestamp="2026-03-02T10:00:30+01:00"))
        call = self.calls()
        self.assertEqual((call.state, call.outcome), ("done", "abandoned"))
        self.assertFalse(call.date_answer)
        self.assertFalse(call.answered_in_target)
        # The caller waited 30 s before hanging up: kept, not 0
        self.assertEqual(call.wait_duration, 30)
        self.assertEqual(call.ring_duration, 0)

    # Replays and order -----------------------------------------------------

    def test_replayed_events_change_nothing(self):
        ringing = self.event("ringing")
        answered = self.event("answered", operator="pt_operator")
        for payload in (ringing, answered, ringing, answered):
            self.assertEqual(self.post(payload).status_code, 200)
        call = self.calls()
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "ongoing")
        results = self.env["permanence.voip.event"].sudo().search([], order="id")
        self.assertEqual(
            results.mapped("result"), ["created", "updated", "unchanged", "unchanged"]
        )

    def test_hangup_before_answered(self):
        self.post(self.event("hangup", timestamp="2026-03-02T10:02:00+01:00"))
        call = self.calls()
        self.assertEqual((call.state, call.outcome), ("done", "abandoned"))
        self.post(self.event("answered", timestamp="2026-03-02T10:00:10+01:00"))
        self.post(self.event("ringing"))
        self.assertEqual(call.state, "ongoing")
        self.assertFalse(call.outcome)
        self.assertEqual(call.ring_duration, 10)
        self.assertEqual(call.wait_duration, 10)
        self.assertEqual(call.talk_duration, 110)

    def test_answered_without_ringing(self):
        response = self.post(self.event("answered", operator="201"))
        self.assertEqual(response.status_code, 200)
        call = self.calls()
        self.assertEqual(call.state, "ongoing")
        self.assertEqual(call.client_id, self.client)
        self.assertEqual(call.user_id, self.operator)
        self.assertEqual(call.date_answer, call.date_start)

    # Unknown DID, companies ------------------------------------------------

    def test_unknown_did_recorded_for_supervisors_only(self):
        response = self.post(self.event("ringing", to="01 99 99 99 99"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["client"], {"id": None, "name": None, "greeting": None}
        )
        call = self.calls()
        self.assertFalse(call.client_id)
        Call = self.env["permanence.call"]
        self.assertFalse(Call.with_user(self.operator).search([("id", "=", call.id)]))
        self.assertEqual(
            Call.with_user(self.supervisor).search([("id", "=", call.id)]), call
        )
        # Over HTTP as well.
        for login, expected in (("pt_operator", []), ("pt_supervisor", [call.id])):
            self.authenticate(login, login)
            found = self.make_jsonrpc_request(
                "/web/dataset/call_kw/permanence.call/search_read",
                {
                    "model": "permanence.call",
                    "method": "search_read",
                    "args": [[("id", "=", call.id)], ["id"]],
                    "kwargs": {},
                },
            )
            self.assertEqual([row["id"] for row in found], expected, login)

    def test_company_comes_from_the_pbx(self):
        payload = self.event("ringing", pbx="lyon", to="04 72 00 00 01")
        response = self.post(payload, secret=OTHER_SECRET)
        self.assertEqual(response.status_code, 200)
        call = self.calls(company=self.other_company)
        self.assertEqual(call.company_id, self.other_company)
        self.assertEqual(call.client_id, self.foreign)
        self.assertFalse(self.calls())
        # The other company's DID is unknown to the Paris PBX.
        self.post(self.event("ringing", call_id="pbx-2", to="04 72 00 00 01"))
        self.assertFalse(self.calls("pbx-2").client_id)

    # Refused requests ------------------------------------------------------

    def test_bad_signatures_answer_403_and_write_nothing(self):
        body = json.dumps(self.event("ringing")).encode()
        cases = {
            "missing": None,
            "malformed": "md5=abc",
            "wrong secret": signature.sign("guessed", body),
            "other pbx secret": signature.sign(OTHER_SECRET, body),
            "other body": signature.sign(SECRET, body + b" "),
        }
        for name, header in cases.items():
            with self.subTest(name), self.assertLogs(LOGGER, "WARNING") as logs:
                response = self.post_raw(body, header=header, secret=None)
                self.assertNothingWritten(response, 403)
                self.assertIn("refused", logs.output[0])

    def test_unknown_or_archived_pbx_answer_403(self):
        with self.assertLogs(LOGGER, "WARNING"):
            response = self.post(self.event("ringing", pbx="nowhere"))
        self.assertNothingWritten(response, 403)
        self.pbx.active = False
        with self.assertLogs(LOGGER, "WARNING"):
            response = self.post(self.event("ringing"))
        self.assertNothingWritten(response, 403)

    def test_malformed_bodies_answer_400_and_write_nothing(self):
        cases = {
            b"{not json": "JSON",
            b"[1, 2]": "object",
            json.dumps(self.event("ringing", call_id="")).encode(): "call_id",
            json.dumps(self.event("ringing", to=None)).encode(): "to",
            json.dumps(self.event("ringing", timestamp=None)).encode(): "timestamp",
            json.dumps(self.event("picked")).encode(): "event",
            json.dumps(self.event("transferred")).encode(): "transfer_to",
            json.dumps(
                self.event("ringing", timestamp="2026-03-02 10:00:00")
            ).encode(): "offset",
            json.dumps(self.event("ringing", timestamp="yesterday")).encode(): "ISO",
            json.dumps(self.event("ringing", **{"from": 612})).encode(): "from",
            json.dumps(
                self.event("hangup", recording_url="javascript:alert(1)")
            ).encode(): "recording_url",
        }
        for body, word in cases.items():
            with self.subTest(body=body):
                reason = self.assertNothingWritten(self.post_raw(body), 400)
                self.assertIn(word, reason)

    def test_get_is_refused(self):
        response = self.url_open("/permanence/voip/event")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.headers["Allow"], "POST")
        self.assertIn("POST", response.json()["reason"])
        self.assertFalse(self.calls())
