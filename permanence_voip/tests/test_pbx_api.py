# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import StandInMixin, VoipCase


@tagged("post_install", "-at_install")
class TestAsteriskAri(StandInMixin, VoipCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write(
            {
                "provider": "asterisk_ari",
                "ari_url": cls.stand_in.url + "/ari",
                "ari_user": "odoo",
                "ari_password": "ari-pass",
                "ari_context": "permanence",
                "timeout": 1,
            }
        )
        cls.call = cls.env["permanence.call"].create(
            {
                "client_id": cls.client.id,
                "external_id": "1709370000.42",
                "pbx_id": cls.pbx.id,
                "caller_number_raw": "06 11 22 33 44",
                "transfer_interlocutor_id": cls.boss_interlocutor.id,
                "user_id": cls.operator.id,
            }
        )

    def basic(self):
        return "Basic " + base64.b64encode(b"odoo:ari-pass").decode()

    def test_click_to_dial_originates_from_the_operator_phone(self):
        self.stand_in.replies = {("POST", "/ari/channels"): {"id": "chan-1"}}
        self.call.with_user(self.operator).action_voip_dial()
        (request,) = self.stand_in.requests
        self.assertEqual(
            (request["method"], request["path"]), ("POST", "/ari/channels")
        )
        self.assertEqual(
            request["query"],
            {
                "endpoint": "PJSIP/201",
                "extension": "+33611223344",
                "context": "permanence",
                "priority": "1",
                "callerId": "+33611223344",
            },
        )
        self.assertEqual(request["authorization"], self.basic())
        self.assertIn(
            "Called back +33611223344", "".join(self.call.message_ids.mapped("body"))
        )

    def test_call_back_from_a_message(self):
        message = self.env["permanence.message"].create(
            {"client_id": self.client.id, "caller_phone": "01 23 45 67 89"}
        )
        message.with_user(self.operator).action_voip_call_back()
        (request,) = self.stand_in.requests
        self.assertEqual(request["query"]["extension"], "+33123456789")
        self.assertEqual(request["query"]["endpoint"], "PJSIP/201")

    def test_click_to_dial_from_any_phone_field(self):
        self.authenticate("pt_operator", "pt_operator")
        self.make_jsonrpc_request("/permanence/voip/dial", {"number": "06 55 44 33 22"})
        (request,) = self.stand_in.requests
        self.assertEqual(request["query"]["extension"], "+33655443322")

    def test_operator_without_extension(self):
        self.operator.permanence_extension = False
        with self.assertRaisesRegex(UserError, "no PBX extension"):
            self.call.with_user(self.operator).action_voip_dial()
        self.assertFalse(self.stand_in.requests)

    def test_announced_transfer_accepted(self):
        self.stand_in.replies = {
            ("POST", "/ari/channels"): {"id": "consult-7"},
            ("POST", "/ari/bridges"): {"id": "bridge-3"},
        }
        call = self.call.with_user(self.operator)
        call.action_voip_announce()
        self.assertEqual(call.transfer_state, "announcing")
        self.assertEqual(call.transfer_channel, "consult-7")
        hold, originate = self.stand_in.requests
        self.assertEqual(
            (hold["method"], hold["path"]),
            ("POST", "/ari/channels/1709370000.42/hold"),
        )
        self.assertEqual(
            originate["query"]["endpoint"], "Local/+33601020304@from-internal"
        )
        self.assertEqual(originate["query"]["extension"], "201")
        self.stand_in.requests.clear()
        call.action_voip_transfer_accept()
        bridge, add, unhold = self.stand_in.requests
        self.assertEqual(
            (bridge["path"], bridge["query"]), ("/ari/bridges", {"type": "mixing"})
        )
        self.assertEqual(add["path"], "/ari/bridges/bridge-3/addChannel")
        self.assertEqual(add["query"], {"channel": "1709370000.42,consult-7"})
        self.assertEqual(
            (unhold["method"], unhold["path"]),
            ("DELETE", "/ari/channels/1709370000.42/hold"),
        )
        self.assertEqual((call.state, call.outcome), ("done", "transferred"))
        self.assertEqual(call.transfer_state, "accepted")

    def test_announced_transfer_refused(self):
        self.stand_in.replies = {("POST", "/ari/channels"): {"id": "consult-8"}}
        call = self.call.with_user(self.operator)
        call.action_voip_announce()
        self.stand_in.requests.clear()
        call.action_voip_transfer_refuse()
        hangup, unhold = self.stand_in.requests
        self.assertEqual(
            (hangup["method"], hangup["path"]), ("DELETE", "/ari/channels/consult-8")
        )
        self.assertEqual(unhold["path"], "/ari/channels/1709370000.42/hold")
        self.assertEqual(call.state, "ongoing")
        self.assertEqual(call.transfer_state, "refused")
        self.assertIn("did not take the call", "".join(call.message_ids.mapped("body")))
        with self.assertRaisesRegex(UserError, "Announce"):
            call.action_voip_transfer_accept()

    def test_pbx_error_leaves_the_call_as_it_was(self):
        self.stand_in.status = 500
        call = self.call.with_user(self.operator)
        messages = len(call.message_ids)
        with self.assertRaisesRegex(UserError, "HTTP 500"):
            call.action_voip_announce()
        self.assertFalse(call.transfer_state)
        self.assertEqual(call.state, "ongoing")
        self.assertEqual(len(call.message_ids), messages)

    def test_pbx_timeout_is_a_clear_message(self):
        self.stand_in.delay = 1.5
        with self.assertRaisesRegex(UserError, "no answer within 1 s"):
            self.call.with_user(self.operator).action_voip_dial()
        self.assertFalse(self.call.transfer_state)

    def test_pbx_unreachable(self):
        self.pbx.ari_url = "http://127.0.0.1:9/ari"
        with self.assertRaisesRegex(UserError, "unreachable"):
            self.call.with_user(self.operator).action_voip_dial()


@tagged("post_install", "-at_install")
class TestGenericProvider(StandInMixin, VoipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write(
            {
                "provider": "generic",
                "http_method": "GET",
                "dial_url_template": cls.stand_in.url
                + "/dial?from={extension}&to={number}",
                "transfer_url_template": cls.stand_in.url
                + "/transfer/{call_id}?to={number}&step={step}",
                "timeout": 1,
            }
        )

    def test_dial_fills_the_template(self):
        self.env["permanence.voip.pbx"].with_user(self.operator)._dial_for_user(
            "06 11 22 33 44"
        )
        (request,) = self.stand_in.requests
        self.assertEqual(request["method"], "GET")
        self.assertEqual(request["path"], "/dial")
        self.assertEqual(request["query"], {"from": "201", "to": "+33611223344"})

    def test_transfer_steps(self):
        call = self.env["permanence.call"].create(
            {
                "client_id": self.client.id,
                "external_id": "gen-1",
                "pbx_id": self.pbx.id,
                "transfer_interlocutor_id": self.boss_interlocutor.id,
            }
        )
        call.with_user(self.operator).action_voip_announce()
        call.with_user(self.operator).action_voip_transfer_refuse()
        self.assertEqual(
            [(r["path"], r["query"]["step"]) for r in self.stand_in.requests],
            [("/transfer/gen-1", "announce"), ("/transfer/gen-1", "refuse")],
        )
        self.assertEqual(self.stand_in.requests[0]["query"]["to"], "+33601020304")

    def test_bad_template(self):
        self.pbx.dial_url_template = self.stand_in.url + "/dial?to={phone}"
        with self.assertRaisesRegex(UserError, "bad URL template"):
            self.env["permanence.voip.pbx"].with_user(self.operator)._dial_for_user(
                "0611223344"
            )
        self.assertFalse(self.stand_in.requests)

    def test_only_operators_dial(self):
        user = self.env["res.users"].create(
            {
                "name": "Compta",
                "login": "compta_voip",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        with self.assertRaisesRegex(UserError, "Only operators"):
            self.env["permanence.voip.pbx"].with_user(user)._dial_for_user("0611223344")
