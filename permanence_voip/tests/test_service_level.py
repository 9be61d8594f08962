# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import VoipCase

START = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestServiceLevel(VoipCase):
    def make(self, client, ring, outcome=None):
        vals = {"state": "ringing", "date_start": START}
        if ring is not None:
            vals.update(state="ongoing", date_answer=START + timedelta(seconds=ring))
        if outcome:
            vals.update(
                state="done", outcome=outcome, date_end=START + timedelta(minutes=1)
            )
        return self.new_call(client, **vals)

    def test_answered_within_20_seconds(self):
        self.assertTrue(self.make(self.client, 20).answered_in_20s)
        self.assertFalse(self.make(self.client, 21).answered_in_20s)
        self.assertFalse(self.make(self.client, None, "abandoned").answered_in_20s)
        outbound = self.make(self.client, 3)
        outbound.direction = "outbound"
        self.assertFalse(outbound.answered_in_20s)

    def test_per_client_report(self):
        for ring in (5, 10, 30):
            self.make(self.client, ring)
        self.make(self.client, None, "abandoned")
        self.make(self.medical, 2)
        report = self.env["permanence.call"]._permanence_service_level(
            [
                ("date_start", ">=", START),
                ("client_id", "in", (self.client | self.medical).ids),
            ]
        )
        self.assertEqual(
            report[self.client],
            {
                "calls": 4,
                "answered_in_20s": 2,
                "abandoned": 1,
                "service_level": 50.0,
                "abandoned_rate": 25.0,
                "ring_duration": 11.2,
            },
        )
        self.assertEqual(report[self.medical]["service_level"], 100.0)

    def test_report_action_opens(self):
        self.make(self.client, 4)
        action = self.env.ref("permanence_voip.action_permanence_call_service_level")
        data = (
            self.env["permanence.call"]
            .with_user(self.supervisor)
            .read_group(
                [("direction", "=", "inbound")],
                ["service_level:avg", "abandoned_rate:avg"],
                ["client_id"],
            )
        )
        self.assertTrue(data)
        self.assertEqual(action.res_model, "permanence.call")
