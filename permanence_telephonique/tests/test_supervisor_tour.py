import logging
import time
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .ui_common import MANAGER, FrenchHttpCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestSupervisorTour(FrenchHttpCase):
    """Setting up a client from nothing, applying a client's change request
    and previewing the monthly invoicing, in the browser, in French. Plans,
    subscriptions and invoicing belong to managers, so the person is a
    manager (a supervisor with billing rights)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls.french_user(
            "pt_tour_manager", f"{MANAGER},account.group_account_invoice"
        )
        Partner = cls.env["res.partner"]
        practice = Partner.create({"name": "Cabinet Dupont", "is_company": True})
        Partner.create(
            {
                "name": "Dr Jeanne Dupont",
                "parent_id": practice.id,
                "email": "jeanne@dupont.example.com",
            }
        )
        Product = cls.env["product.product"]
        cls.fee = Product.create(
            {"name": "Forfait permanence", "type": "service", "list_price": 90}
        )
        cls.extra = Product.create(
            {"name": "Appel supplémentaire", "type": "service", "list_price": 1.2}
        )
        plumber = Partner.create({"name": "Plomberie Tour", "is_company": True})
        cls.plumber = cls.env["permanence.client"].create(
            {
                "name": "Plomberie Tour",
                "code": "PLTOUR",
                "partner_id": plumber.id,
                "state": "active",
                "instructions": "<p>Anciennes consignes.</p>",
            }
        )
        plan = cls.env["permanence.plan"].create(
            {
                "name": "Plan existant",
                "fee_product_id": cls.fee.id,
                "overage_product_id": cls.extra.id,
                "fee_price": 90,
            }
        )
        cls.env["permanence.subscription"].create(
            {
                "client_id": cls.plumber.id,
                "plan_id": plan.id,
                "date_start": date.today() - relativedelta(months=3),
            }
        )
        cls.change = cls.env["permanence.change.request"].create(
            {
                "client_id": cls.plumber.id,
                "kind": "instructions",
                "proposed_text": "Nouvelles consignes du plombier.",
            }
        )

    def test_supervisor_sets_up_a_client(self):
        start = time.time()
        self.start_tour(
            "/odoo", "permanence_supervisor_new_client", login=self.user.login
        )
        _logger.info(
            "tour permanence_supervisor_new_client took %.1fs", time.time() - start
        )
        client = self.env["permanence.client"].search([("code", "=", "DUPONT")])
        self.assertEqual(client.name, "Cabinet Dupont")
        self.assertEqual(client.number_ids.number, "+33144556677")
        self.assertEqual(client.interlocutor_ids.partner_id.name, "Dr Jeanne Dupont")
        self.assertIn("bonjour", client.greeting_script)
        self.assertIn("bonne journée", client.closing_script)
        self.assertIn("portable du docteur", client.instructions)
        self.assertEqual(client.faq_ids.question, "Quels sont les horaires ?")
        self.assertEqual(client.filter_rule_ids.name, "Démarcheurs")
        subscription = self.env["permanence.subscription"].search(
            [("client_id", "=", client.id)]
        )
        self.assertEqual(subscription.plan_id.name, "Essentiel 100 appels")
        self.assertEqual(self.change.state, "applied")
        self.assertIn("Nouvelles consignes du plombier", self.plumber.instructions)
