# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged

from ..tools import demo
from .common import OPERATOR, SUPERVISOR

CONSOLE = "permanence_telephonique.action_permanence_call_console"
CLIENTS = ("client_martin", "client_lefevre", "client_durand")


@tagged("post_install", "-at_install")
class TestOperatorHome(TransactionCase):
    """Operators land on the console after logging in, not on Discuss."""

    def test_new_operator_lands_on_console(self):
        operator = new_test_user(self.env, "pt_home_operator", groups=OPERATOR)
        self.assertEqual(operator.action_id.id, self.env.ref(CONSOLE).id)

    def test_supervisor_and_others_keep_their_home(self):
        supervisor = new_test_user(self.env, "pt_home_sup", groups=SUPERVISOR)
        user = new_test_user(self.env, "pt_home_user", groups="base.group_user")
        self.assertFalse(supervisor.action_id)
        self.assertFalse(user.action_id)

    def test_given_home_action_is_kept(self):
        other = self.env.ref("base.action_res_users")
        operator = new_test_user(
            self.env, "pt_home_own", groups=OPERATOR, action_id=other.id
        )
        self.assertEqual(operator.action_id.id, other.id)


class TestDemoHistoryTool(TransactionCase):
    """The month of demo activity, planned without the database."""

    CLIENT = {
        "id": 1,
        "tz": "Europe/Paris",
        "numbers": ["+33145678910"],
        "operators": [],
        "reasons": [
            {"id": 1, "name": "Prise de rendez-vous", "action": "appointment"},
            {"id": 2, "name": "Urgence", "action": "escalate", "urgency": "critical"},
        ],
        "interlocutors": [
            {
                "id": 7,
                "name": "Dr Martin",
                "channel": "email",
                "urgent_channel": "sms",
                "destination": "dr@example.com",
                "sms_destination": "+33600000000",
            }
        ],
    }

    def test_history_is_in_the_past_and_in_business_hours(self):
        today = date(2026, 3, 30)  # a week across the change to summer time
        plan = demo.history([self.CLIENT], [5, 6], today, days=35)
        self.assertGreater(len(plan), 35 * 3)
        for entry in plan:
            call = entry["call"]
            self.assertLess(call["date_start"].date(), today)
            self.assertGreaterEqual(call["date_start"].date(), today - timedelta(35))
            self.assertNotEqual(call["date_start"].weekday(), 6)
            # 08:00-18:00 in Paris is 06:00-17:00 UTC whatever the season
            self.assertTrue(6 <= call["date_start"].hour <= 17, call["date_start"])
            self.assertIn(call["user_id"], (5, 6))
            if call["outcome"] == "abandoned":
                self.assertFalse(call["date_answer"])
        with_message = [entry for entry in plan if entry.get("message")]
        self.assertTrue(with_message)
        for entry in with_message:
            message = entry["message"]
            self.assertEqual(len(entry["deliveries"]), 1)
            self.assertGreater(message["date_sent"], entry["call"]["date_end"])
            if message["urgency"] != "normal":
                # an unacknowledged urgent message would escalate at once
                self.assertIn(message["state"], ("acknowledged", "done"))
            if message["state"] in ("acknowledged", "done"):
                self.assertGreater(message["date_acknowledged"], message["date_sent"])

    def test_history_is_reproducible(self):
        today = date(2026, 11, 30)
        self.assertEqual(
            demo.history([self.CLIENT], [5], today, seed=1),
            demo.history([self.CLIENT], [5], today, seed=1),
        )


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo is a French answering service ready to walk end to end
    (only when the addons were installed with demo data)."""

    def setUp(self):
        super().setUp()
        if not self.env.ref(
            "permanence_telephonique.client_martin", raise_if_not_found=False
        ):
            self.skipTest("installed without demo data")

    def ref(self, xmlid):
        return self.env.ref(f"permanence_telephonique.{xmlid}")

    def test_french_everywhere(self):
        self.assertTrue(self.env["res.lang"]._lang_get("fr_FR").active)
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id.code, "FR")
        self.assertEqual(company.partner_id.lang, "fr_FR")
        for xmlid in (
            "user_operator_claire",
            "user_operator_sophie",
            "user_supervisor_nadia",
            "user_portal_martin",
            "user_portal_durand",
        ):
            self.assertEqual(self.ref(xmlid).lang, "fr_FR", xmlid)
        for client in CLIENTS:
            partners = self.ref(client).partner_id
            partners |= partners.child_ids
            self.assertEqual(set(partners.mapped("lang")), {"fr_FR"}, client)
        # The installed modules' French terms are loaded
        self.assertEqual(
            self.env["ir.model.fields"]
            .with_context(lang="fr_FR")
            ._get("res.partner", "name")
            .field_description,
            "Nom",
        )

    def test_euro_and_french_vat(self):
        company = self.env.ref("base.main_company")
        if company.chart_template != "fr":
            self.skipTest("database not created by scripts/create_db.py")
        self.assertEqual(company.currency_id, self.env.ref("base.EUR"))
        for xmlid in ("product_fee_essentiel", "product_overage_call"):
            taxes = self.ref(xmlid).taxes_id.filtered(
                lambda tax, company=company: tax.company_id == company
            )
            self.assertEqual(taxes.mapped("amount"), [20.0], xmlid)
            self.assertEqual(taxes.type_tax_use, "sale")

    def test_operators_land_on_console(self):
        for xmlid in ("user_operator_claire", "user_operator_sophie"):
            self.assertEqual(self.ref(xmlid).action_id.id, self.env.ref(CONSOLE).id)

    def test_a_month_of_activity(self):
        since = fields.Datetime.now() - timedelta(days=30)
        for client in CLIENTS:
            client = self.ref(client)
            calls = self.env["permanence.call"].search(
                [("client_id", "=", client.id), ("date_start", ">=", since)]
            )
            # every working day of the month has calls
            days = {call.date_start.date() for call in calls}
            self.assertGreaterEqual(len(days), 20, client.code)
            messages = calls.permanence_message_ids
            self.assertTrue(messages.filtered(lambda m: m.state == "sent"))
            self.assertTrue(messages.filtered(lambda m: m.state == "done"))
            deliveries = self.env["permanence.message.delivery"].search(
                [("message_id", "in", messages.ids)]
            )
            self.assertEqual(set(deliveries.mapped("state")), {"sent"})
            # the generated messages went out (the few hand-written ones of
            # permanence_demo.xml have no delivery)
            transmitted = messages.filtered(lambda m: m.state != "draft")
            self.assertGreater(len(deliveries.message_id), len(transmitted) * 0.8)
            self.assertEqual(len(deliveries.attempt_ids), len(deliveries))
        # usage of the current period is counted (none yet on its first day)
        if fields.Date.context_today(self.env.user).day > 1:
            for xmlid in ("subscription_martin", "subscription_durand"):
                self.assertGreater(self.ref(xmlid).usage_units, 0, xmlid)

    def test_portal_users_see_their_client(self):
        for login, client in (("martin", "client_martin"), ("durand", "client_durand")):
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertTrue(user._is_portal(), login)
            visible = self.env["permanence.client"].with_user(user).search([])
            self.assertEqual(visible, self.ref(client), login)

    def test_last_month_invoiced(self):
        if not self.env["account.journal"].search([("type", "=", "sale")], limit=1):
            self.skipTest("no chart of accounts")
        invoices = self.env["account.move"].search(
            [
                ("invoice_origin", "!=", False),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                (
                    "partner_id.commercial_partner_id",
                    "in",
                    [self.ref(c).partner_id.id for c in CLIENTS],
                ),
            ]
        )
        self.assertEqual(
            invoices.partner_id.commercial_partner_id,
            self.ref("client_martin").partner_id
            | self.ref("client_lefevre").partner_id
            | self.ref("client_durand").partner_id,
        )
        if self.env.ref("base.main_company").chart_template == "fr":
            for invoice in invoices:
                self.assertGreater(invoice.amount_tax, 0, invoice.name)
