# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import date, datetime, timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..tools import billing
from .common import BATCH_LOGGERS, REFUSED, refuse_rows

JAN_START = date(2026, 1, 1)
JAN_END = date(2026, 1, 31)
MANAGER = "permanence_telephonique.group_permanence_manager"


@tagged("post_install", "-at_install")
class TestBilling(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The database speaks French: these tests read the English texts.
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, lang="en_US")
        )
        cls.env.user.groups_id += cls.env.ref(MANAGER)
        cls.fee_product = cls._create_product(name="Forfait", lst_price=300.0)
        cls.usage_product = cls._create_product(name="Dépassement", lst_price=1.5)
        cls.option_product = cls._create_product(name="Agenda", lst_price=50.0)
        cls.client_partner = cls.env["res.partner"].create(
            {
                "name": "Plomberie Facturée",
                "is_company": True,
                "street": "1 rue du Test",
                "city": "Paris",
                "zip": "75001",
            }
        )
        cls.plan = cls.env["permanence.plan"].create(
            {
                "name": "Essentiel 3 appels",
                "fee_product_id": cls.fee_product.id,
                "unit": "calls",
                "included_units": 3,
                "overage_product_id": cls.usage_product.id,
                "free_under_seconds": 30,
                "option_ids": [Command.create({"product_id": cls.option_product.id})],
            }
        )
        cls.client = cls._new_client("Plomberie Facturée", "BILL", cls.client_partner)

    @classmethod
    def _new_client(cls, name, code, partner, **vals):
        return cls.env["permanence.client"].create(
            dict(
                {
                    "name": name,
                    "code": code,
                    "partner_id": partner.id,
                    "state": "active",
                    "coverage_mode": "always",
                    "tz": "UTC",
                },
                **vals,
            )
        )

    def _subscribe(self, client=None, plan=None, start=JAN_START, end=None, **vals):
        return self.env["permanence.subscription"].create(
            dict(
                {
                    "client_id": (client or self.client).id,
                    "plan_id": (plan or self.plan).id,
                    "date_start": start,
                    "date_end": end,
                },
                **vals,
            )
        )

    def _calls(self, durations, client=None, when=datetime(2026, 1, 10, 9, 0), **vals):
        values = []
        for index, talk in enumerate(durations):
            answer = when + timedelta(minutes=index * 10)
            values.append(
                dict(
                    {
                        "client_id": (client or self.client).id,
                        "date_start": answer,
                        "date_answer": answer,
                        "date_end": answer + timedelta(seconds=talk),
                        "state": "done",
                        "outcome": "message",
                    },
                    **vals,
                )
            )
        return self.env["permanence.call"].create(values)

    def _invoice(self, clients=None, start=JAN_START, end=JAN_END):
        return self.env["permanence.invoice.run"]._invoice_period(
            start, end, clients or self.client
        )

    # Usage -----------------------------------------------------------------

    def test_rounding_rules_sql_matches_python(self):
        durations = [10, 29, 30, 61, 119, 600]
        self._calls(durations)
        self._calls([500], outcome="abandoned")  # not a counted outcome
        self._calls([500], state="ongoing")  # not finished
        subscription = self._subscribe()
        cases = [
            ({"unit": "calls", "free_under_seconds": 30}, 4),
            ({"unit": "calls", "free_under_seconds": 0}, 6),
            ({"unit": "minutes", "rounding": "second", "free_under_seconds": 0}, None),
            (
                {"unit": "minutes", "rounding": "minute", "free_under_seconds": 0},
                1 + 1 + 1 + 2 + 2 + 10,
            ),
            (
                {
                    "unit": "minutes",
                    "rounding": "minute",
                    "free_under_seconds": 30,
                    "wrap_up_seconds": 60,
                },
                2 + 3 + 3 + 11,
            ),
        ]
        for values, expected in cases:
            with self.subTest(**values):
                self.plan.write(dict({"wrap_up_seconds": 0}, **values))
                rule = self.plan._rule()
                python_units = round(billing.total_units(durations, rule), 2)
                usage = subscription._usage(JAN_START, JAN_END)[subscription.id]
                self.assertEqual(usage["units"], python_units)
                if expected is not None:
                    self.assertEqual(usage["units"], expected)

    def test_period_follows_client_time_zone(self):
        self.client.tz = "Europe/Paris"
        # 23:30 UTC on 31 December is 00:30 on 1 January in Paris
        self._calls([60], when=datetime(2025, 12, 31, 23, 30))
        self._calls([60], when=datetime(2026, 1, 31, 23, 30))  # February in Paris
        subscription = self._subscribe(start=date(2025, 12, 1))
        usage = subscription._usage(JAN_START, JAN_END)[subscription.id]
        self.assertEqual(usage["calls"], 1)

    def test_usage_on_client_and_console(self):
        today = fields.Date.context_today(self.client)
        start, _end = billing.period_of(today)
        self._subscribe(start=start)
        calls = self._calls([60, 60], when=datetime.combine(start, datetime.min.time()))
        self.client.invalidate_recordset()
        self.assertEqual(self.client.usage_percent, 200 / 3)
        self.assertIn("2 / 3", self.client.usage_summary)
        self.assertEqual(calls[0].client_usage_summary, self.client.usage_summary)

    def test_prorated_included_calls_round_half_up(self):
        """5 calls a month, subscribed for 15 days of a 30-day period: 2.5
        calls, 3 included (Python's round() gave 2)."""
        self.plan.included_units = 5
        subscription = self._subscribe()
        self.assertEqual(subscription._included_units(15, 30), 3)
        self.assertEqual(subscription._included_units(30, 30), 5)
        self.plan.unit = "minutes"
        self.plan.included_units = 0.25
        self.assertEqual(subscription._included_units(15, 30), 0.13)

    def test_usage_alerts_once_per_threshold(self):
        today = fields.Date.context_today(self.client)
        start, _end = billing.period_of(today)
        self.plan.included_units = 5
        subscription = self._subscribe(start=start)
        when = datetime.combine(start, datetime.min.time())
        self._calls([60] * 4, when=when)
        Subscription = self.env["permanence.subscription"]
        self.assertEqual(Subscription._cron_usage_alerts(), subscription)
        self.assertEqual(subscription.alert_level, 80)
        self.assertEqual(len(self.client.activity_ids), 1)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "permanence.subscription"),
                ("res_id", "=", subscription.id),
            ]
        )
        self.assertEqual(len(mails), 1)
        self.assertIn("80", mails.subject)
        self.assertFalse(Subscription._cron_usage_alerts())
        self._calls([60] * 2, when=when + timedelta(hours=2))
        self.assertEqual(Subscription._cron_usage_alerts(), subscription)
        self.assertEqual(subscription.alert_level, 100)
        self.assertEqual(len(self.client.activity_ids), 2)
        self.assertFalse(Subscription._cron_usage_alerts())

    # Invoicing -------------------------------------------------------------

    def test_invoice_lines_taxes_and_csv(self):
        subscription = self._subscribe()
        subscription.option_ids = self.plan.option_ids
        self._calls([10, 45, 60, 90, 120, 300])  # 5 billed, 1 free
        run = self._invoice()
        self.assertEqual(run.invoice_count, 1)
        record = run.line_ids
        move = record.move_id
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.partner_id, self.client_partner)
        self.assertEqual(move.company_id, self.env.company)
        lines = move.invoice_line_ids
        self.assertEqual(
            lines.product_id,
            self.fee_product | self.option_product | self.usage_product,
        )
        fee = lines.filtered(lambda line: line.product_id == self.fee_product)
        self.assertEqual((fee.quantity, fee.price_unit), (1, 300))
        overage = lines.filtered(lambda line: line.product_id == self.usage_product)
        self.assertEqual((overage.quantity, overage.price_unit), (2, 1.5))
        self.assertEqual(fee.tax_ids, self.tax_sale_a)
        self.assertEqual(move.amount_untaxed, 353)
        self.assertEqual(
            (record.calls, record.units_used, record.units_overage), (5, 5, 2)
        )
        csv_lines = (
            base64.b64decode(record.attachment_id.datas)
            .decode("utf-8-sig")
            .splitlines()
        )
        self.assertEqual(len(csv_lines), 6)
        self.assertEqual(record.attachment_id.res_id, move.id)
        self.assertIn(record.attachment_id, move.message_ids.attachment_ids)

    def test_confidential_client_csv_names_no_caller_and_stays_off_the_invoice(self):
        practice = self.env["res.partner"].create(
            {
                "name": "Cabinet Facturé",
                "is_company": True,
                "street": "2 rue du Test",
                "city": "Paris",
                "zip": "75002",
            }
        )
        medical = self._new_client("Cabinet Facturé", "MEDB", practice)
        medical.confidential = True
        self._subscribe(client=medical)
        self._calls([60, 90], client=medical, caller_number="+33611223344")
        record = self._invoice(medical).line_ids
        self.assertEqual(record.state, "invoiced", record.message)
        move = record.move_id
        text = base64.b64decode(record.attachment_id.datas).decode("utf-8-sig")
        self.assertEqual(len(text.splitlines()), 3)
        self.assertNotIn("611223344", text)
        self.assertNotIn("11 22 33 44", text)
        self.assertEqual(
            (record.attachment_id.res_model, record.attachment_id.res_id),
            ("permanence.invoice.run.line", record.id),
        )
        self.assertNotIn(record.attachment_id, move.message_ids.attachment_ids)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "account.move"), ("res_id", "=", move.id)]
            )
        )

    def test_fiscal_position_applies(self):
        self.client_partner.property_account_position_id = self.fiscal_pos_a
        self._subscribe()
        move = self._invoice().line_ids.move_id
        self.assertEqual(move.fiscal_position_id, self.fiscal_pos_a)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax_sale_b)

    def test_per_use_plan_has_no_fee(self):
        plan = self.env["permanence.plan"].create(
            {
                "name": "À l'appel",
                "billing_mode": "per_use",
                "unit": "minutes",
                "rounding": "minute",
                "overage_product_id": self.usage_product.id,
                "overage_price": 0.9,
            }
        )
        self._subscribe(plan=plan)
        self._calls([61, 30])
        move = self._invoice().line_ids.move_id
        self.assertEqual(move.invoice_line_ids.product_id, self.usage_product)
        self.assertEqual(move.invoice_line_ids.quantity, 3)
        self.assertAlmostEqual(move.amount_untaxed, 2.7)

    def test_plan_change_mid_month_is_prorated(self):
        bigger = self.plan.copy(
            {"name": "Confort", "fee_price": 620.0, "included_units": 31}
        )
        self.plan.fee_price = 310.0
        self._subscribe(end=date(2026, 1, 16))
        self._subscribe(plan=bigger, start=date(2026, 1, 17))
        self._calls([60] * 3, when=datetime(2026, 1, 5))  # old plan: 2 included of 3
        self._calls([60] * 3, when=datetime(2026, 1, 20))  # new plan: 15 included
        move = self._invoice().line_ids.move_id
        fees = move.invoice_line_ids.filtered(
            lambda line: line.product_id == self.fee_product
        )
        self.assertEqual(sorted(fees.mapped("price_unit")), [160.0, 300.0])
        overage = move.invoice_line_ids.filtered(
            lambda line: line.product_id == self.usage_product
        )
        self.assertEqual(overage.quantity, 1)
        self.assertIn("16 of 31 days", " ".join(fees.mapped("name")))

    def test_overlapping_subscriptions_refused(self):
        self._subscribe()
        with self.assertRaises(ValidationError):
            self._subscribe(start=date(2026, 1, 15))

    def test_end_date_and_closed_account(self):
        self.plan.fee_price = 310.0
        self._subscribe(end=date(2026, 1, 10))
        move = self._invoice().line_ids.move_id
        fee = move.invoice_line_ids.filtered(
            lambda line: line.product_id == self.fee_product
        )
        self.assertEqual(fee.price_unit, 100.0)
        # Closing an account ends its running subscription today
        other = self._new_client("Fermé", "CLOSED", self.client_partner)
        subscription = self._subscribe(client=other, start=date(2025, 1, 1))
        other.action_close()
        self.assertEqual(subscription.date_end, fields.Date.context_today(other))
        # A closed account whose subscription was left open is not invoiced
        subscription.date_end = False
        record = self._invoice(other).line_ids
        self.assertEqual(record.state, "skipped")
        self.assertIn("closed", record.message)

    def test_idempotent(self):
        self._subscribe()
        first = self._invoice()
        self.assertEqual(first.invoice_count, 1)
        second = self._invoice()
        self.assertEqual(second.invoice_count, 0)
        self.assertIn("already invoiced", second.line_ids.message)
        moves = self.env["account.move"].search(
            [("partner_id", "=", self.client_partner.id)]
        )
        self.assertEqual(len(moves), 1)
        # the database holds it too
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            first.line_ids.copy({"run_id": second.id})

    def test_credit_note_then_rebill(self):
        self._subscribe()
        record = self._invoice().line_ids
        move = record.move_id
        move.invoice_date = JAN_END
        move.action_post()
        record.action_credit_note()
        self.assertEqual(record.state, "credited")
        refund = record.credit_note_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.reversed_entry_id, move)
        self.assertEqual(refund.amount_total, move.amount_total)
        self.assertEqual(move.payment_state, "reversed")
        again = self._invoice()
        self.assertEqual(again.invoice_count, 1)
        self.assertNotEqual(again.line_ids.move_id, move)

    def test_cancelled_draft_can_be_rebilled(self):
        self._subscribe()
        record = self._invoice().line_ids
        record.action_credit_note()
        self.assertEqual(record.move_id.state, "cancel")
        self.assertEqual(self._invoice().invoice_count, 1)
        # an invoice deleted in Accounting frees its period as well
        self.assertEqual(self._invoice().skipped_count, 1)  # already invoiced
        last = self.env["permanence.invoice.run.line"].search(
            [("client_id", "=", self.client.id), ("state", "=", "invoiced")]
        )
        last.move_id.unlink()
        self.assertEqual(self._invoice().invoice_count, 1)

    def test_bad_input_skips_and_continues(self):
        no_address = self.env["res.partner"].create(
            {"name": "Sans Adresse", "is_company": True}
        )
        client_no_address = self._new_client("Sans Adresse", "NOADDR", no_address)
        incomplete = self.env["permanence.plan"].create(
            {"name": "Incomplet", "unit": "calls"}
        )
        client_bad_plan = self._new_client(
            "Plan Incomplet", "BADPLAN", self.client_partner
        )
        client_no_sub = self._new_client(
            "Sans Abonnement", "NOSUB", self.client_partner
        )
        self._subscribe()
        self._subscribe(client=client_no_address)
        self._subscribe(client=client_bad_plan, plan=incomplete)
        run = self._invoice(
            self.client | client_no_address | client_bad_plan | client_no_sub
        )
        self.assertEqual(run.invoice_count, 1)
        self.assertEqual(run.skipped_count, 3)
        messages = {line.client_id: line.message for line in run.line_ids}
        self.assertIn("Sans Adresse", messages[client_no_address])
        self.assertIn("street", messages[client_no_address])
        self.assertIn("no fee product", messages[client_bad_plan])
        self.assertIn("no usage product", messages[client_bad_plan])
        self.assertIn("no subscription", messages[client_no_sub])
        self.assertFalse(messages[self.client])

    def test_currency_rounding(self):
        self.plan.fee_price = 100.0
        self._subscribe(start=date(2026, 1, 17))
        fee = self._invoice().line_ids.move_id.invoice_line_ids.filtered(
            lambda line: line.product_id == self.fee_product
        )
        self.assertEqual(fee.price_unit, 48.39)  # 100 * 15 / 31 = 48.387...
        # a currency without decimals rounds to the unit
        zero_decimal = self.setup_other_currency("JPY", rounding=1.0)
        client = self._new_client("Yen", "YEN", self.client_partner)
        plan = self.plan.copy(
            {"name": "Yen", "currency_id": zero_decimal.id, "fee_price": 1000.0}
        )
        self._subscribe(client=client, plan=plan, start=date(2026, 1, 17))
        move = self._invoice(client).line_ids.move_id
        self.assertEqual(move.currency_id, zero_decimal)
        fee = move.invoice_line_ids.filtered(
            lambda line: line.product_id == self.fee_product
        )
        self.assertEqual(fee.price_unit, 484.0)

    def test_multi_company(self):
        other_data = self.setup_other_company()
        other_company = other_data["company"]
        self.env.user.company_ids += other_company
        products = self.env["product.product"].with_company(other_company)
        fee = products.create(
            {"name": "Forfait B", "lst_price": 200.0, "company_id": other_company.id}
        )
        usage = products.create(
            {"name": "Dépassement B", "lst_price": 2.0, "company_id": other_company.id}
        )
        plan = (
            self.env["permanence.plan"]
            .with_company(other_company)
            .create(
                {
                    "name": "Plan B",
                    "company_id": other_company.id,
                    "fee_product_id": fee.id,
                    "overage_product_id": usage.id,
                }
            )
        )
        client_b = (
            self.env["permanence.client"]
            .with_company(other_company)
            .create(
                {
                    "name": "Client B",
                    "code": "B",
                    "partner_id": self.client_partner.id,
                    "company_id": other_company.id,
                    "tz": "UTC",
                }
            )
        )
        self._subscribe(client=client_b, plan=plan)
        self._subscribe()
        runs = self.env["permanence.invoice.run"]._invoice_period(
            JAN_START, JAN_END, self.client | client_b
        )
        self.assertEqual(len(runs), 2)
        by_company = {run.company_id: run.line_ids.move_id for run in runs}
        self.assertEqual(by_company[other_company].company_id, other_company)
        self.assertEqual(by_company[other_company].amount_untaxed, 200.0)
        self.assertEqual(by_company[self.env.company].company_id, self.env.company)
        # a user of the first company only sees its own plans and runs
        user = self.env["res.users"].create(
            {
                "name": "Manager A",
                "login": "billing_manager_a",
                "groups_id": [Command.set([self.env.ref(MANAGER).id])],
                "company_id": self.env.company.id,
                "company_ids": [Command.set(self.env.company.ids)],
            }
        )
        self.assertNotIn(plan, self.env["permanence.plan"].with_user(user).search([]))
        with self.assertRaises(AccessError):
            plan.with_user(user).read(["name"])
        # a subscription cannot mix a client and a plan of different companies
        with self.assertRaises(UserError):
            self._subscribe(client=client_b, start=date(2026, 3, 1))

    def test_cron_invoices_last_period_once(self):
        today = fields.Date.context_today(self.client)
        start, end = billing.previous_period(today)
        self._subscribe(start=start - timedelta(days=40))
        runs = self.env["permanence.invoice.run"]._cron_invoice()
        self.assertEqual(runs.line_ids.mapped("period_start"), [start])
        self.assertEqual(runs.invoice_count, 1)
        self.assertFalse(self.env["permanence.invoice.run"]._cron_invoice())

    def test_cron_invoices_past_a_client_the_database_refuses(self):
        today = fields.Date.context_today(self.client)
        start, _end = billing.previous_period(today)
        refused_partner = self.env["res.partner"].create(
            {
                "name": "Serrurerie Refusée",
                "is_company": True,
                "street": "2 rue du Test",
                "city": "Paris",
                "zip": "75002",
            }
        )
        refused = self._new_client("Serrurerie Refusée", "REFUSED", refused_partner)
        self._subscribe(start=start - timedelta(days=40))
        self._subscribe(client=refused, start=start - timedelta(days=40))
        refuse_rows(
            self.env.cr,
            "account_move",
            "INSERT",
            "NEW.partner_id = %s",
            refused_partner.id,
        )
        Run = self.env["permanence.invoice.run"]
        with mute_logger(*BATCH_LOGGERS):
            runs = Run._cron_invoice()
        self.assertEqual(runs.line_ids.client_id, self.client)
        self.assertEqual(runs.invoice_count, 1)
        record = Run.search([("line_ids.client_id", "=", refused.id)]).line_ids
        self.assertEqual(record.state, "skipped")
        self.assertEqual(record.period_start, start)
        self.assertIn(REFUSED, record.message)

    def test_usage_alerts_go_past_a_subscription_the_database_refuses(self):
        today = fields.Date.context_today(self.client)
        start, _end = billing.period_of(today)
        self.plan.included_units = 5
        other = self._new_client("Serrurerie Alertée", "ALERT", self.client_partner)
        good = self._subscribe(start=start)
        bad = self._subscribe(client=other, start=start)
        when = datetime.combine(start, datetime.min.time())
        self._calls([60] * 4, when=when)
        self._calls([60] * 4, client=other, when=when)
        refuse_rows(
            self.env.cr,
            "permanence_subscription",
            "UPDATE",
            "NEW.id = %s AND NEW.alert_level > 0",
            bad.id,
        )
        Subscription = self.env["permanence.subscription"]
        with mute_logger(*BATCH_LOGGERS):
            self.assertEqual(Subscription._cron_usage_alerts(), good)
        self.assertEqual((good.alert_level, bad.alert_level), (80, 0))
        self.assertIn(REFUSED, bad.message_ids[0].body)

    def test_wizard_preview_and_confirm(self):
        self._subscribe()
        other = self._new_client("Sans Abonnement", "NOSUB", self.client_partner)
        wizard = self.env["permanence.invoice.wizard"].create(
            {
                "period_start": JAN_START,
                "period_end": JAN_END,
                "client_ids": [Command.set((self.client | other).ids)],
            }
        )
        self.assertEqual((wizard.ready_count, wizard.skipped_count), (1, 1))
        self.assertIn("Essentiel 3 appels", wizard.preview_html)
        self.assertIn("no subscription", wizard.preview_html)
        # the preview writes nothing
        self.assertFalse(self.env["permanence.invoice.run"].search([]))
        action = wizard.action_confirm()
        run = self.env["permanence.invoice.run"].browse(action["res_id"])
        self.assertEqual((run.invoice_count, run.skipped_count), (1, 1))

    def test_billing_records_hidden_from_portal(self):
        portal_user = self.env["res.users"].create(
            {
                "name": "Client Portal",
                "login": "billing_portal",
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self._subscribe()
        self._invoice()
        for model in (
            "permanence.plan",
            "permanence.subscription",
            "permanence.invoice.run",
            "permanence.invoice.run.line",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(portal_user).search([])


@tagged("post_install", "-at_install")
class TestBillingPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env["res.partner"].create(
            {"name": "Cabinet Portail", "is_company": True}
        )
        stranger = cls.env["res.partner"].create(
            {"name": "Autre Société", "is_company": True}
        )
        cls.portal_user = new_test_user(
            cls.env,
            "billing_portal_user",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create({"name": "Dr Portail", "parent_id": company.id})
            .id,
        )
        plan = cls.env["permanence.plan"].create(
            {"name": "Portail 10", "unit": "calls", "included_units": 10}
        )
        clients = cls.env["permanence.client"]
        for partner, code in ((company, "PORTAL"), (stranger, "STRANGER")):
            client = clients.create(
                {
                    "name": partner.name,
                    "code": code,
                    "partner_id": partner.id,
                    "state": "active",
                    "tz": "UTC",
                }
            )
            cls.env["permanence.subscription"].create(
                {
                    "client_id": client.id,
                    "plan_id": plan.id,
                    "date_start": date(2020, 1, 1),
                }
            )
            now = fields.Datetime.now()
            cls.env["permanence.call"].create(
                [
                    {
                        "client_id": client.id,
                        "date_start": now - timedelta(minutes=5),
                        "date_answer": now - timedelta(minutes=5),
                        "date_end": now - timedelta(minutes=4),
                        "state": "done",
                        "outcome": "message",
                    }
                ]
                * (7 if code == "PORTAL" else 2)
            )

    def test_usage_page_shows_own_accounts_only(self):
        self.authenticate("billing_portal_user", "billing_portal_user")
        response = self.url_open("/my/permanence/usage")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Cabinet Portail", response.text)
        self.assertIn("Portail 10", response.text)
        self.assertNotIn("Autre Société", response.text)
        self.assertIn(">7</span>", response.text.replace(" ", ""))

    def test_usage_page_needs_login(self):
        response = self.url_open("/my/permanence/usage", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
