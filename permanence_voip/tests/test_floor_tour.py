# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.permanence_telephonique.tests.ui_common import FrenchHttpCase

from .common import OPERATOR, VoipCase

CONSOLE = "/odoo/action-permanence_telephonique.action_permanence_call_console"


@tagged("post_install", "-at_install")
class TestFloorTour(VoipCase, FrenchHttpCase):
    """Claire, an operator, in French: goes on a lunch break from the status
    control, comes back, and takes the call ringing in her queue panel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.claire = cls.french_user(
            "pt_claire",
            OPERATOR,
            name="Claire Opératrice",
            permanence_extension="203",
        )
        cls.allowed_operator.permanence_presence = "pause"
        cls.operator.permanence_presence = "pause"

    def test_break_back_and_take_a_call_from_the_queue(self):
        self.claire.write(
            {"permanence_presence": "pause", "permanence_pause_reason": "break"}
        )
        call = self.new_call(
            self.client,
            state="ringing",
            direction="inbound",
            user_id=False,
            date_start=fields.Datetime.now() - timedelta(seconds=25),
            caller_number_raw="06 12 34 56 78",
            caller_name="Jeanne Appelante",
        )
        self.start_tour(CONSOLE, "permanence_voip_floor", login="pt_claire")
        self.assertEqual(call.user_id, self.claire)
        self.assertEqual(call.state, "ongoing")
        self.assertEqual(self.claire.permanence_presence, "busy")
        log = self.env["permanence.presence.log"].search(
            [("user_id", "=", self.claire.id)], order="date_from, id"
        )
        self.assertEqual(
            [(row.state, row.pause_reason) for row in log][-4:],
            [
                ("pause", "break"),
                ("pause", "lunch"),
                ("available", False),
                ("busy", False),
            ],
        )
