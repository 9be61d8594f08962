# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .ui_common import FrenchHttpCase


@tagged("post_install", "-at_install")
class TestPortalAnalyticsTour(FrenchHttpCase):
    """The demo doctor changes the period of his statistics, finds a caller
    by a number typed with spaces, and the export link, in French."""

    def test_portal_analytics_tour(self):
        user = self.env["res.users"].search([("login", "=", "martin")])
        client = self.env.ref(
            "permanence_telephonique.client_martin", raise_if_not_found=False
        )
        if not user or not client:
            self.skipTest("installed without demo data")
        start = fields.Datetime.now() - timedelta(hours=1)
        call = self.env["permanence.call"].create(
            {
                "client_id": client.id,
                "caller_name": "Jeanne Analytique",
                "caller_number_raw": "+33612349876",
                "date_start": start,
                "date_answer": start + timedelta(seconds=8),
                "date_end": start + timedelta(seconds=130),
                "state": "done",
                "outcome": "message",
            }
        )
        # A confidential practice: its doctor sees the calls behind the
        # messages he received.
        self.env["permanence.message"].create(
            {
                "client_id": client.id,
                "call_id": call.id,
                "subject": "Rappel ANALYTIQUE",
                "caller_name": "Jeanne Analytique",
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
        self.start_tour("/my/permanence", "permanence_portal_analytics", login="martin")
