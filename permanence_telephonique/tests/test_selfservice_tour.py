from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from ..tools import service_period
from .ui_common import SUPERVISOR, FrenchHttpCase

PARIS = "Europe/Paris"


class SelfServiceTourFixtures(FrenchHttpCase):
    """A plumber's account whose plan lets the client switch the service on
    or off, its manager Marc Durand (a portal user) and supervisor Nadia."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        company = Partner.create({"name": "Plomberie Relais", "is_company": True})
        cls.marc = Partner.create(
            {
                "name": "Marc Durand Tour",
                "parent_id": company.id,
                "email": "marc@relais.example.com",
                "lang": "fr_FR",
            }
        )
        cls.client = cls.env["permanence.client"].create(
            {
                "name": "Plomberie Relais",
                "code": "RELAIS",
                "partner_id": company.id,
                "state": "active",
                "tz": PARIS,
                "coverage_mode": "business_hours",
                "interlocutor_ids": [
                    (0, 0, {"partner_id": cls.marc.id, "role": "Gérant"})
                ],
            }
        )
        plan = cls.env["permanence.plan"].create(
            {
                "name": "Plan relais",
                "self_service_allowed": True,
                "self_service_max_hours": 10,
            }
        )
        cls.env["permanence.subscription"].create(
            {
                "client_id": cls.client.id,
                "plan_id": plan.id,
                "date_start": fields.Date.today() - timedelta(days=30),
            }
        )
        cls.durand = cls.french_user(
            "pt_tour_durand",
            "base.group_portal",
            partner_id=cls.marc.id,
            name=cls.marc.name,
            email=cls.marc.email,
        )
        cls.nadia = cls.french_user("pt_tour_nadia", SUPERVISOR, name="Nadia Tour")


@tagged("post_install", "-at_install")
class TestSelfServiceTours(SelfServiceTourFixtures):
    def test_durand_asks_for_his_lunch_break(self):
        self.start_tour(
            "/my/permanence", "permanence_selfservice_lunch", login="pt_tour_durand"
        )
        period = self.env["permanence.service.period"].search(
            [("client_id", "=", self.client.id)]
        )
        self.assertEqual(len(period), 1)
        self.assertEqual(
            (period.mode, period.reason, period.note, period.source),
            ("on", "lunch", "pause déjeuner", "portal"),
        )
        tomorrow = service_period.to_local(fields.Datetime.now(), PARIS).date()
        tomorrow += timedelta(days=1)
        self.assertEqual(
            service_period.to_local(period.date_from, PARIS),
            datetime.combine(tomorrow, datetime.min.time()).replace(hour=12),
        )
        self.assertEqual(period.duration_hours, 2.0)
        self.assertIn("pause déjeuner", self.client.message_ids[0].body)

    def test_nadia_applies_an_interlocutor_change(self):
        interlocutor = self.client.interlocutor_ids
        change = (
            self.env["permanence.change.request"]
            .with_user(self.durand)
            .create(
                {
                    "client_id": self.client.id,
                    "kind": "interlocutor",
                    "interlocutor_action": "update",
                    "interlocutor_id": interlocutor.id,
                    "proposed_name": "Marc Durand Tour",
                    "proposed_email": "marc@relais.example.com",
                    "proposed_role": "Gérant et astreinte",
                    "proposed_receives_messages": True,
                    "proposed_transfer_allowed": True,
                    "proposed_transfer_number": "06 99 88 77 66",
                }
            )
        )
        self.start_tour(
            "/odoo",
            "permanence_selfservice_interlocutor_change",
            login="pt_tour_nadia",
        )
        self.assertEqual(change.sudo().state, "applied")
        self.assertEqual(interlocutor.role, "Gérant et astreinte")
        self.assertTrue(interlocutor.transfer_allowed)
        self.assertEqual(interlocutor.transfer_number, "+33699887766")
