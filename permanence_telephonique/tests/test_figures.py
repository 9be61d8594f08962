# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PermanenceCase

START = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestFigures(PermanenceCase):
    """The service figures of tools/figures.py, computed in SQL."""

    def make(self, client, wait, outcome=None, **vals):
        values = {"state": "ringing", "date_start": START, **vals}
        if outcome == "abandoned":
            values.update(
                state="done",
                outcome="abandoned",
                date_end=START + timedelta(seconds=wait),
            )
        elif wait is not None:
            values.update(state="ongoing", date_answer=START + timedelta(seconds=wait))
        return self.new_call(client, **values)

    def figures(self, client, env=None):
        calls = (env or self.env)["permanence.call"]
        return calls._permanence_figures(
            [("client_id", "=", client.id), ("date_start", ">=", START)]
        )[()]

    def test_asa_counts_answered_calls_only(self):
        for wait in (5, 10, 30):
            self.make(self.client, wait)
        abandoned = self.make(self.client, 42, "abandoned")
        self.make(self.client, None)  # still ringing: offered, nothing else
        self.assertEqual(abandoned.wait_duration, 42)
        self.assertEqual(abandoned.ring_duration, 0)
        figures = self.figures(self.client)
        self.assertEqual(figures["offered"], 5)
        self.assertEqual(figures["answered"], 3)
        self.assertEqual(figures["abandoned"], 1)
        self.assertEqual(figures["asa"], 15.0)
        self.assertEqual(figures["abandon_wait"], 42.0)
        self.assertEqual(figures["service_level"], 50.0)  # 2 of 4
        self.assertEqual(figures["answer_rate"], 75.0)
        self.assertEqual(figures["abandon_rate"], 25.0)
        self.assertEqual(figures["longest_wait"], 42)

    def test_no_call_gives_no_ratio(self):
        figures = self.figures(self.client)
        self.assertEqual(figures["offered"], 0)
        self.assertIsNone(figures["service_level"])
        self.assertIsNone(figures["asa"])

    def test_target_in_force_is_a_fact(self):
        self.client.service_target = 10
        self.make(self.client, 15)
        self.assertEqual(self.figures(self.client)["service_level"], 0.0)
        # A later, looser target does not rewrite the past
        self.client.service_target = 30
        call = self.make(self.client, 15)
        self.assertEqual(call.service_target, 30)
        self.assertEqual(self.figures(self.client)["service_level"], 50.0)

    def test_target_is_checked(self):
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                self.client.service_target = 0

    def test_group_figures_match_the_per_client_figures(self):
        for wait in (3, 25):
            self.make(self.client, wait)
        self.make(self.medical, 8)
        self.make(self.medical, 60, "abandoned")
        domain = [("date_start", ">=", START)]
        per_client = self.env["permanence.call"]._permanence_figures(
            domain, ["client_id"]
        )
        self.assertEqual(per_client[(self.client,)], self.figures(self.client))
        self.assertEqual(per_client[(self.medical,)], self.figures(self.medical))
        # what a pivot asks for a figure field is the same SQL
        [(client, level, asa)] = self.env["permanence.call"]._read_group(
            domain + [("client_id", "=", self.medical.id)],
            ["client_id"],
            ["service_level:avg", "asa:avg"],
        )
        self.assertEqual((level, asa), (50.0, 8.0))

    def test_record_rules_apply(self):
        """An operator not allowed for a confidential client gets no figure
        of its calls."""
        self.make(self.medical, 5)
        self.assertEqual(self.figures(self.medical)["answered"], 1)
        env = self.env(user=self.operator)
        self.assertEqual(self.figures(self.medical, env)["offered"], 0)
        env = self.env(user=self.allowed_operator)
        self.assertEqual(self.figures(self.medical, env)["answered"], 1)
