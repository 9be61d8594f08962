# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import VoipCase


@tagged("post_install", "-at_install")
class TestConsoleUi(VoipCase, HttpCase):
    def test_console_presence_and_screen_pop_service(self):
        """The web client loads our services; the console shows the
        presence buttons, which work."""
        call = self.new_call(self.client, caller_number_raw="06 11 22 33 44")
        for external_id in ("tour-ring-1", "tour-ring-2"):
            # Outbound: not popped by the console on load, only by the tour.
            self.new_call(
                self.client,
                external_id=external_id,
                state="ringing",
                direction="outbound",
            )
        self.operator.permanence_presence = "available"
        self.start_tour(
            f"/odoo/action-permanence_telephonique.action_permanence_call_console/{call.id}",
            "permanence_voip_console",
            login="pt_operator",
        )
        self.assertEqual(self.operator.permanence_presence, "pause")
