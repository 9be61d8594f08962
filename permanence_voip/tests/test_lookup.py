# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import VoipCase


@tagged("post_install", "-at_install")
class TestCallerLookup(VoipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.stranger = Partner.create(
            {
                "name": "Jean Inconnu",
                "phone": "+33612345678",
                "company_id": cls.company.id,
            }
        )
        cls.same_number_at_client = Partner.create(
            {
                "name": "Julie Plombier",
                "parent_id": cls.plumber_partner.id,
                "mobile": "06 12 34 56 78",
            }
        )
        cls.other_company_partner = Partner.create(
            {
                "name": "Contact Lyon",
                "phone": "0033612345678",
                "company_id": cls.other_company.id,
            }
        )

    def lookup(self, raw, client=None, company=None):
        Partner = self.env["res.partner"]
        return Partner._permanence_voip_lookup(
            self.pbx._e164(raw), company=company or self.company, client=client
        )

    def test_every_format_finds_the_same_contacts(self):
        for raw in (
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "33612345678",
        ):
            found = self.lookup(raw)
            self.assertEqual(
                found["candidates"], self.stranger | self.same_number_at_client, raw
            )

    def test_client_contacts_first_and_ambiguity_shown(self):
        found = self.lookup("0612345678", client=self.client)
        self.assertEqual(found["partner"], self.same_number_at_client)
        self.assertEqual(found["count"], 2)
        self.assertTrue(found["ambiguous"])
        # Without a client, the oldest contact comes first.
        self.assertEqual(self.lookup("0612345678")["partner"], self.stranger)

    def test_previous_caller_counts_as_own_contact(self):
        self.new_call(self.medical, partner_id=self.stranger.id)
        found = self.lookup("0612345678", client=self.medical)
        self.assertEqual(found["partner"], self.stranger)

    def test_company_scope(self):
        found = self.lookup("0612345678", company=self.other_company)
        # Its own contact and the shared one, not our company's.
        self.assertEqual(
            found["candidates"], self.same_number_at_client | self.other_company_partner
        )
        self.assertNotIn(
            self.other_company_partner, self.lookup("0612345678")["candidates"]
        )

    def test_record_rules_apply(self):
        """An operator of the other company does not find our contacts."""
        Partner = self.env["res.partner"].with_user(self.other_operator)
        found = Partner._permanence_voip_lookup("+33612345678")
        self.assertIn(self.other_company_partner, found["candidates"])
        self.assertNotIn(self.stranger, found["candidates"])

    def test_withheld_and_unknown(self):
        self.assertEqual(self.lookup("anonymous")["count"], 0)
        self.assertFalse(self.lookup("01 99 99 99 99")["partner"])
