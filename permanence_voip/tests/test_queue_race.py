# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.permanence_telephonique.tests.common import OPERATOR, CommittedCase

WAIT = 3  # seconds the first operator holds the call before committing


@tagged("post_install", "-at_install")
class TestTakeTheSameCall(CommittedCase):
    """Two operators click the same ringing call in their queue at the same
    moment, each in their own transaction: one gets it, the other is told
    at once, and the call has one operator."""

    def setUp(self):
        super().setUp()

        def fixture(env):
            env = env(context=dict(env.context, lang="en_US"))
            first = new_test_user(
                env, "pt_race_first", groups=OPERATOR, name="Rémi Race"
            )
            second = new_test_user(env, "pt_race_second", groups=OPERATOR)
            partner = env["res.partner"].create(
                {"name": "Serrurerie Concurrente", "is_company": True}
            )
            client = env["permanence.client"].create(
                {
                    "name": "Serrurerie Concurrente",
                    "code": "CONCQUEUE",
                    "partner_id": partner.id,
                    "state": "active",
                    "coverage_mode": "always",
                }
            )
            call = env["permanence.call"].create(
                {
                    "client_id": client.id,
                    "state": "ringing",
                    "direction": "inbound",
                    "user_id": False,
                }
            )
            return {
                "users": (first | second).ids,
                "partner": partner.id,
                "client": client.id,
                "call": call.id,
            }

        self.ids = self.run_in_new_transaction(fixture)
        self.addCleanup(self.run_in_new_transaction, self.cleanup)

    def cleanup(self, env):
        env["permanence.call"].browse(self.ids["call"]).unlink()
        env["permanence.client"].browse(self.ids["client"]).unlink()
        env["res.partner"].browse(self.ids["partner"]).unlink()
        users = env["res.users"].browse(self.ids["users"])
        env["permanence.presence.log"].search([("user_id", "in", users.ids)]).unlink()
        partners = users.partner_id
        users.unlink()
        partners.unlink()

    def test_two_operators_take_the_same_call(self):
        first_id, second_id = self.ids["users"]

        def take(user_id):
            def click(env):
                env = env(user=user_id, context=dict(env.context, lang="en_US"))
                call = env["permanence.call"].browse(self.ids["call"])
                call.action_voip_take()
                return "taken"

            return click

        first, second, __ = self.race(take(first_id), take(second_id), WAIT)
        self.assertEqual(first, "taken")
        self.assertIsInstance(second, UserError)
        self.assertIn("Another operator is taking this call", str(second))

        def taken_by(env):
            call = env["permanence.call"].browse(self.ids["call"])
            return call.user_id.id, call.state

        self.assertEqual(self.run_in_new_transaction(taken_by), (first_id, "ongoing"))

        # Later, the queue of the second operator no longer has it, and
        # clicking it anyway names who took it.
        def again(env):
            env = env(user=second_id, context=dict(env.context, lang="en_US"))
            queue = env["permanence.call"].permanence_voip_queue()
            try:
                env["permanence.call"].browse(self.ids["call"]).action_voip_take()
            except UserError as error:
                return queue, str(error)
            return queue, None

        queue, error = self.run_in_new_transaction(again)
        self.assertEqual(queue, [])
        self.assertIn("Rémi Race has already taken this call", error)
