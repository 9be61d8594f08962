from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .ui_common import OPERATOR, FrenchHttpCase


@tagged("post_install", "-at_install")
class TestAvailabilityTours(FrenchHttpCase):
    """In French, in a real browser: Martin, the practice's portal user,
    says Isabelle is in a meeting; an operator's console shows it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        practice = Partner.create(
            {
                "name": "Cabinet DISPO",
                "is_company": True,
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        paul = Partner.create({"name": "Paul Martin DISPO", "parent_id": practice.id})
        isabelle = Partner.create(
            {"name": "Isabelle Roux DISPO", "parent_id": practice.id}
        )
        cls.client = cls.env["permanence.client"].create(
            {
                "name": "Cabinet DISPO",
                "code": "DISPO",
                "partner_id": practice.id,
                "state": "active",
                "coverage_mode": "always",
                "tz": "Europe/Paris",
                "interlocutor_ids": [
                    (0, 0, {"partner_id": paul.id, "sequence": 1}),
                    (0, 0, {"partner_id": isabelle.id, "sequence": 2}),
                ],
            }
        )
        cls.paul, cls.isabelle = cls.client.interlocutor_ids
        cls.martin = cls.french_user(
            "pt_dispo_martin",
            "base.group_portal",
            partner_id=paul.id,
            name="Paul Martin DISPO",
        )
        cls.operator = cls.french_user(
            "pt_dispo_operator", OPERATOR, name="Claire DISPO"
        )

    def test_portal_user_sets_a_meeting(self):
        self.start_tour(
            "/my/permanence", "permanence_portal_availability", login="pt_dispo_martin"
        )
        status = self.isabelle.status_ids
        self.assertEqual(len(status), 1)
        self.assertEqual(status.kind, "meeting")
        self.assertEqual(status.replacement_id, self.paul)
        self.assertEqual(status.source, "portal")
        self.assertEqual(status.note, "Réunion de service")
        self.assertTrue(self.isabelle.is_absent)
        self.assertFalse(self.paul.is_absent)

    def test_console_shows_the_status(self):
        now = fields.Datetime.now()
        self.env["permanence.interlocutor.status"].create(
            {
                "interlocutor_id": self.isabelle.id,
                "date_from": now - timedelta(minutes=5),
                "date_to": now + timedelta(hours=2),
                "replacement_id": self.paul.id,
            }
        )
        self.start_tour(
            "/odoo/action-permanence_telephonique.action_permanence_call_console",
            "permanence_console_availability",
            login="pt_dispo_operator",
        )
