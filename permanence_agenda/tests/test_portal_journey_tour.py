# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPortalJourneyTour(HttpCase):
    """The client's journey in the portal, in French, on the demo data: the
    README's portal login reads and acknowledges a message, sees calls,
    statistics, usage, invoices and appointments, and proposes a change."""

    def test_portal_journey(self):
        user = self.env["res.users"].search([("login", "=", "martin")])
        agenda = self.env.ref(
            "permanence_agenda.agenda_martin_paul", raise_if_not_found=False
        )
        if not user or not agenda:
            self.skipTest("installed without demo data")
        client = self.env.ref("permanence_telephonique.client_martin")
        invoices = self.env["account.move"].search_count(
            [
                ("partner_id.commercial_partner_id", "=", client.partner_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        if not invoices:
            self.skipTest("no chart of accounts: the demo has no invoices")
        self.assertEqual(user.lang, "fr_FR")
        message = self.env["permanence.message"].create(
            {
                "client_id": client.id,
                "subject": "Rappel TOUR — résultats de prise de sang",
                "caller_name": "Jeanne Tour",
                "caller_phone": "+33612345678",
                "recipient_ids": [
                    (
                        6,
                        0,
                        self.env.ref(
                            "permanence_telephonique.interlocutor_martin_paul"
                        ).ids,
                    )
                ],
                "state": "sent",
                "date_sent": fields.Datetime.now(),
            }
        )
        self.start_tour("/my", "permanence_portal_journey", login="martin")
        self.assertEqual(message.state, "acknowledged")
        self.assertEqual(message.acknowledged_by, user.partner_id.name)
        request = self.env["permanence.change.request"].search(
            [("client_id", "=", client.id), ("kind", "=", "instructions")],
            order="id desc",
            limit=1,
        )
        self.assertIn("Nouvelle consigne TOUR", request.proposed_text)
        self.assertEqual(request.partner_id, user.partner_id)
