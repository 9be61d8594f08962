from odoo.tests import HttpCase, new_test_user, tagged

from .common import OPERATOR


@tagged("post_install", "-at_install")
class TestConsoleTour(HttpCase):
    """An operator answers a call in the console and sends a message, in a
    real browser, with the interface in English (the French journey is
    permanence_voip's TestOperatorTours)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            "pt_tour_operator",
            groups=OPERATOR,
            name="Claire Tour",
            lang="en_US",
        )
        partner = cls.env["res.partner"].create(
            {
                "name": "Cabinet Martin TOUR",
                "is_company": True,
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        doctor = cls.env["res.partner"].create(
            {
                "name": "Dr Martin Tour",
                "parent_id": partner.id,
                "email": "martin.tour@example.com",
            }
        )
        cls.client = cls.env["permanence.client"].create(
            {
                "name": "Cabinet Martin TOUR",
                "code": "TOUR",
                "partner_id": partner.id,
                "state": "active",
                "coverage_mode": "always",
                "greeting_script": "Cabinet Martin, bonjour, Claire à votre écoute",
                "number_ids": [(0, 0, {"number": "+33140000099"})],
                "interlocutor_ids": [
                    (0, 0, {"partner_id": doctor.id, "receives_messages": True})
                ],
                "reason_ids": [(0, 0, {"name": "Prise de rendez-vous TOUR"})],
            }
        )

    def test_console_take_message(self):
        self.start_tour(
            "/odoo/action-permanence_telephonique.action_permanence_call_console",
            "permanence_console_take_message",
            login="pt_tour_operator",
        )
        message = self.env["permanence.message"].search(
            [("client_id", "=", self.client.id)]
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.caller_name, "Jean Dupont")
        self.assertEqual(message.caller_phone, "+33612345678")
        self.assertIn("rendez-vous", message.body)
        self.assertEqual(message.user_id, self.operator)
        self.assertEqual(message.call_id.outcome, "message")
        self.assertEqual(message.call_id.user_id, self.operator)
