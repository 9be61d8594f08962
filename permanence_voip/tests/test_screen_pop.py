# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.tests import tagged

from ..tools import events
from .common import OPERATOR, VoipCase, new_test_user


@tagged("post_install", "-at_install")
class TestScreenPop(VoipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.paused = new_test_user(cls.env, "pt_paused", groups=OPERATOR)
        cls.paused.permanence_presence = "pause"
        cls.supervisor.permanence_presence = "available"
        cls.Call = cls.env["permanence.call"]

    def process(self, kind, to="01 48 00 00 01", **extra):
        event = events.validate(
            {
                "pbx": "paris",
                "event": kind,
                "call_id": "pop-1",
                "from": "0601020304",
                "to": to,
                "timestamp": "2026-03-02T10:00:00+01:00",
                **extra,
            }
        )
        return self.Call._voip_process(self.pbx, event)[0]

    def notified(self, kind):
        """Users whose partner channel got a ``kind`` notification."""
        self.env.cr.flush()
        partners = set()
        for note in self.env["bus.bus"].sudo().search([]):
            message = json.loads(note.message)
            channel = json.loads(note.channel)
            if message["type"] == kind and channel[1] == "res.partner":
                partners.add(channel[2])
        return self.env["res.users"].search([("partner_id", "in", list(partners))])

    def clear_bus(self):
        self.env.cr.flush()
        self.env["bus.bus"].sudo().search([]).unlink()

    def setUp(self):
        super().setUp()
        self.clear_bus()

    def test_ring_reaches_available_operators_of_the_company(self):
        call = self.process("ringing")
        ringed = self.notified("permanence_voip/ring")
        self.assertIn(self.operator, ringed)
        self.assertIn(self.allowed_operator, ringed)
        self.assertIn(self.supervisor, ringed)
        self.assertNotIn(self.paused, ringed, "on a break")
        self.assertNotIn(self.manager, ringed, "on a break")
        self.assertNotIn(self.other_operator, ringed, "other company")
        note = self.env["bus.bus"].sudo().search([], limit=1)
        payload = json.loads(note.message)["payload"]
        self.assertEqual(payload["call_id"], call.id)
        self.assertEqual(payload["client"], "Plomberie Test")
        self.assertEqual(payload["caller"], "Marc Plombier (Plomberie Test)")
        self.assertEqual(payload["number"], "06 01 02 03 04", "national format")

    def test_unknown_caller_pops_the_number_once(self):
        self.process("ringing", **{"from": "+33611223355"})
        self.env.cr.flush()
        note = self.env["bus.bus"].sudo().search([], limit=1)
        payload = json.loads(note.message)["payload"]
        self.assertEqual((payload["caller"], payload["number"]), ("", "06 11 22 33 55"))

    def test_reloaded_screen_pops_the_calls_still_ringing(self):
        call = self.process("ringing")
        payloads = self.Call.with_user(self.operator).permanence_voip_ringing()
        self.assertEqual([p["call_id"] for p in payloads], [call.id])
        self.assertEqual(payloads[0]["number"], "06 01 02 03 04")
        self.assertEqual(self.Call.with_user(self.paused).permanence_voip_ringing(), [])
        self.assertEqual(
            self.Call.with_user(self.other_operator).permanence_voip_ringing(), []
        )
        portal = new_test_user(self.env, "pt_pop_portal", groups="base.group_portal")
        self.assertEqual(self.Call.with_user(portal).permanence_voip_ringing(), [])
        call.state = "ongoing"
        self.assertEqual(
            self.Call.with_user(self.operator).permanence_voip_ringing(), []
        )

    def test_confidential_client_rings_allowed_operators_only(self):
        self.process("ringing", to="01 45 00 00 00")
        ringed = self.notified("permanence_voip/ring")
        self.assertEqual(ringed, self.allowed_operator | self.supervisor)

    def test_unknown_number_rings_supervisors_only(self):
        self.process("ringing", to="01 99 99 99 99")
        self.assertEqual(self.notified("permanence_voip/ring"), self.supervisor)

    def test_answer_closes_the_others_notifications(self):
        call = self.process("ringing")
        self.clear_bus()
        self.process("answered", operator="201")
        closed = self.notified("permanence_voip/close")
        self.assertIn(self.operator, closed)
        self.assertIn(self.allowed_operator, closed)
        self.assertIn(self.paused, closed)
        self.assertNotIn(self.other_operator, closed)
        messages = [
            json.loads(note.message) for note in self.env["bus.bus"].sudo().search([])
        ]
        # (the supervisors' wallboard gets its own messages)
        payloads = [
            message["payload"]
            for message in messages
            if message["type"] == "permanence_voip/close"
        ]
        self.assertTrue(payloads)
        for payload in payloads:
            self.assertEqual(
                payload, {"call_id": call.id, "answered_by": self.operator.id}
            )
        # A replayed answer notifies nobody again.
        self.clear_bus()
        self.process("answered", operator="201")
        self.assertFalse(self.notified("permanence_voip/close"))

    def test_no_ring_once_answered(self):
        self.process("answered", operator="201")
        self.assertFalse(self.notified("permanence_voip/ring"))

    def test_presence_buttons(self):
        self.operator.with_user(self.operator).action_permanence_pause()
        self.assertEqual(self.operator.permanence_presence, "pause")
        self.assertEqual(self.operator.permanence_pause_reason, "break")
        self.operator.with_user(self.operator).action_permanence_available()
        self.assertEqual(self.operator.permanence_presence, "available")
        # Operators change their own presence through the preferences.
        self.operator.with_user(self.operator).write({"permanence_presence": "busy"})
        self.assertEqual(self.operator.permanence_presence, "busy")
