from contextlib import closing

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CommittedCase, PermanenceCase

WAIT = 20  # seconds, upper bound of every wait in these tests


@tagged("post_install", "-at_install")
class TestConcurrentSubscriptions(CommittedCase):
    """Two people save a subscription for the same client at the same moment,
    each in their own transaction: neither sees the other's, both pass the
    Python check, and the database keeps one with a clear error for the
    other."""

    def setUp(self):
        super().setUp()

        def fixture(env):
            partner = env["res.partner"].create(
                {"name": "Menuiserie Concurrente", "is_company": True}
            )
            client = env["permanence.client"].create(
                {
                    "name": "Menuiserie Concurrente",
                    "code": "CONCSUB",
                    "partner_id": partner.id,
                    "state": "active",
                }
            )
            plans = env["permanence.plan"].create(
                [
                    {"name": "Essentiel concurrent", "unit": "calls"},
                    {"name": "Confort concurrent", "unit": "calls"},
                ]
            )
            return {"partner": partner.id, "client": client.id, "plans": plans.ids}

        self.ids = self.run_in_new_transaction(fixture)
        self.addCleanup(self.run_in_new_transaction, self.cleanup)

    def cleanup(self, env):
        env["permanence.subscription"].with_context(active_test=False).search(
            [("client_id", "=", self.ids["client"])]
        ).unlink()
        env["permanence.client"].browse(self.ids["client"]).unlink()
        env["permanence.plan"].browse(self.ids["plans"]).unlink()
        env["res.partner"].browse(self.ids["partner"]).unlink()

    def test_two_saves_at_the_same_moment(self):
        essential, comfort = self.ids["plans"]

        def save(plan_id):
            def create(env):
                env["permanence.subscription"].create(
                    {
                        "client_id": self.ids["client"],
                        "plan_id": plan_id,
                        "date_start": "2026-12-01",
                    }
                )
                return "saved"

            return create

        alice, bruno, blocked = self.race(save(essential), save(comfort), WAIT)
        self.assertEqual(alice, "saved")
        self.assertTrue(blocked, "the second save waited on the first")
        error = bruno
        self.assertIsInstance(error, ValidationError)
        self.assertIn("already has a subscription for these dates", str(error))

        def saved(env):
            return (
                env["permanence.subscription"]
                .search([("client_id", "=", self.ids["client"])])
                .plan_id.ids
            )

        self.assertEqual(self.run_in_new_transaction(saved), [essential])

    def test_the_database_refuses_an_overlap_whoever_writes(self):
        """Even written without the ORM's check, an overlap is refused;
        ending the first subscription the day before makes room."""

        def subscribe(env):
            return (
                env["permanence.subscription"]
                .create(
                    {
                        "client_id": self.ids["client"],
                        "plan_id": self.ids["plans"][0],
                        "date_start": "2026-12-01",
                    }
                )
                .id
            )

        self.run_in_new_transaction(subscribe)
        insert = (
            "INSERT INTO permanence_subscription"
            " (client_id, company_id, plan_id, date_start, date_end,"
            "  billing_day, active)"
            " VALUES (%s, %s, %s, %s, %s, 1, true)"
        )
        with closing(self.connect()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Subscription = env["permanence.subscription"]
            client = env["permanence.client"].browse(self.ids["client"])
            values = [client.id, client.company_id.id, self.ids["plans"][1]]
            with mute_logger("odoo.sql_db"), self.assertRaises(ValidationError):
                with Subscription._overlap_guard():
                    cr.execute(insert, [*values, "2027-03-01", None])
            with Subscription._overlap_guard():
                cr.execute(insert, [*values, "2026-10-01", "2026-11-30"])
            cr.rollback()


@tagged("post_install", "-at_install")
class TestSubscriptionOverlapMessage(PermanenceCase):
    """Without a race, an overlap is refused in Python before anything is
    written: the clear message, and no database error in the log."""

    def test_overlap_refused_before_the_database(self):
        plan = self.env["permanence.plan"].create(
            {"name": "Essentiel", "unit": "calls"}
        )
        Subscription = self.env["permanence.subscription"]

        def subscribe(start, end=None, **vals):
            return Subscription.create(
                dict(
                    client_id=self.client.id,
                    plan_id=plan.id,
                    date_start=start,
                    date_end=end,
                    **vals,
                )
            )

        first = subscribe("2026-01-01", "2026-06-30")
        with self.assertNoLogs("odoo.sql_db", "ERROR"):
            with self.assertRaisesRegex(ValidationError, "already has the plan"):
                subscribe("2026-06-01")
            with self.assertRaisesRegex(ValidationError, "Two of these"):
                Subscription.create(
                    [
                        {
                            "client_id": self.client.id,
                            "plan_id": plan.id,
                            "date_start": start,
                        }
                        for start in ("2027-01-01", "2027-02-01")
                    ]
                )
            second = subscribe("2026-07-01")
            with self.assertRaisesRegex(ValidationError, "already has the plan"):
                second.date_start = "2026-06-30"
        # An archived subscription leaves room.
        first.active = False
        second.date_start = "2026-06-01"
        self.assertEqual(second.date_start, fields.Date.to_date("2026-06-01"))
