# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import VoipCase, VoipHttpMixin

# Whose French translations the operator's screens need.
FRENCH_MODULES = (
    "base",
    "web",
    "mail",
    "bus",
    "portal",
    "permanence_telephonique",
    "permanence_voip",
)
CONSOLE = "/odoo/action-permanence_telephonique.action_permanence_call_console"


@tagged("post_install", "-at_install")
class TestOperatorTours(VoipHttpMixin, VoipCase, HttpCase):
    """An operator's journeys, clicked in Chromium with the interface in
    French: a ringing call to a sent message, an emergency through the
    escalation panel, and the answering presence from an empty console."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"].search(
            [("name", "in", FRENCH_MODULES)]
        )._update_translations(["fr_FR"])
        cls.operator.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        cls.allowed_operator.permanence_presence = "pause"
        cls.client.write(
            {
                "lang": "fr_FR",
                "tz": "Europe/Paris",
                "quiet_hours_start": 0.0,
                "quiet_hours_end": 0.0,
                "greeting_script": "Plomberie Test, bonjour, que puis-je pour vous ?",
                "instructions": "<p>Demander de couper l'eau au compteur.</p>",
                "closing_script": "Merci de votre appel, M. Plombier vous rappelle.",
                "faq_ids": [
                    (
                        0,
                        0,
                        {
                            "question": "Horaires d'ouverture ?",
                            "answer": "Du lundi au vendredi, 8 h - 18 h.",
                        },
                    )
                ],
            }
        )
        cls.boss_interlocutor.write(
            {
                "receives_messages": True,
                "message_channel": "email",
                "urgent_channel": "email",
            }
        )

    def test_ringing_call_to_sent_message_in_french(self):
        self.operator.permanence_presence = "available"
        # The PBX rings before the operator's screen is up (Odoo's test
        # server has no bus websocket): the console pops the call on load.
        answer = self.post(self.event("ringing", call_id="tour-ring"))
        self.assertEqual(answer.status_code, 200)
        self.start_tour(CONSOLE, "permanence_voip_ring_to_message", login="pt_operator")
        call = self.calls("tour-ring")
        self.assertEqual(call.partner_id, self.boss)
        self.assertEqual(call.caller_name, "Marc Plombier")
        self.assertEqual((call.state, call.outcome), ("done", "message"))
        message = call.permanence_message_ids
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.user_id, self.operator)
        self.assertIn("devis", message.body)
        self.assertEqual(message.delivery_ids.channel, "email")

    def test_emergency_through_the_escalation_panel_in_french(self):
        tech = self.env["permanence.interlocutor"].create(
            {
                "client_id": self.client.id,
                "partner_id": self.env["res.partner"]
                .create(
                    {
                        "name": "Théo Technicien",
                        "parent_id": self.plumber_partner.id,
                        "mobile": "06 11 22 33 44",
                    }
                )
                .id,
            }
        )
        reason = self.env["permanence.call.reason"].create(
            {
                "client_id": self.client.id,
                "name": "Dégât des eaux",
                "action": "escalate",
                "urgency": "critical",
            }
        )
        rota = self.env["permanence.oncall.rota"].create(
            {
                "name": "Astreinte",
                "client_id": self.client.id,
                "anchor_date": "2025-01-06",
                "handover_weekday": "0",
                "handover_hour": 8.0,
                "member_ids": [
                    (0, 0, {"sequence": 1, "interlocutor_id": tech.id}),
                    (
                        0,
                        0,
                        {"sequence": 2, "interlocutor_id": self.boss_interlocutor.id},
                    ),
                ],
            }
        )
        self.env["permanence.emergency.protocol"].create(
            {
                "name": "Dégât des eaux",
                "client_id": self.client.id,
                "reason_id": reason.id,
                "rota_id": rota.id,
                "escalate_from": "urgent",
                "step_ids": [
                    (0, 0, {"sequence": 1, "channel": "call", "wait_minutes": 5}),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "channel": "call",
                            "target": "backup",
                            "wait_minutes": 5,
                        },
                    ),
                ],
                "fallback_user_id": self.supervisor.id,
                "fallback_number": "+33148000099",
                "fallback_instructions": "Appeler le gérant sur sa ligne fixe.",
            }
        )
        call = self.new_call(
            self.client,
            caller_number_raw="06 98 00 00 01",
            caller_name="Mme Leroy",
            user_id=self.operator.id,
        )
        self.start_tour(
            f"{CONSOLE}/{call.id}", "permanence_voip_emergency", login="pt_operator"
        )
        emergency = call.emergency_ids
        self.assertEqual(emergency.state, "reached")
        self.assertEqual(
            emergency.attempt_ids.mapped("result"), ["no_answer", "accepted"]
        )
        self.assertEqual(len(emergency.attempt_ids.interlocutor_id), 2)
        self.assertEqual(call.outcome, "escalated")

    def test_presence_from_an_empty_console_in_french(self):
        self.operator.permanence_presence = "pause"
        self.start_tour(CONSOLE, "permanence_voip_presence", login="pt_operator")
        self.assertEqual(self.operator.permanence_presence, "pause")
        self.assertFalse(
            self.env["permanence.call"].search([("user_id", "=", self.operator.id)]),
            "no call sheet was saved to change the presence",
        )
