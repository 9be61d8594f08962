from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..tools import context as ui_context
from ..tools import coverage, diff, filtering, messaging, phone, sms


@tagged("post_install", "-at_install")
class TestTools(TransactionCase):
    def test_french_formats_give_one_e164(self):
        for raw in (
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "33612345678",
            "06.12.34.56.78",
        ):
            with self.subTest(raw=raw):
                self.assertEqual(phone.to_e164(raw, "FR", 33), "+33612345678")

    def test_landline_and_foreign(self):
        self.assertEqual(phone.to_e164("01 40 00 00 00", "FR", 33), "+33140000000")
        self.assertEqual(phone.to_e164("+32 2 555 12 12", "FR", 33), "+3225551212")

    def test_invalid_numbers_raise(self):
        for raw in ("12", "01 40", "+33 1 40 00 00 00 00 00 00", "hello"):
            with self.subTest(raw=raw), self.assertRaises(UserError):
                phone.to_e164(raw, "FR", 33)
        self.assertFalse(phone.try_e164("12", "FR", 33))

    def test_withheld(self):
        for raw in ("", None, "anonymous", "Anonymous ", "Numéro masqué", "private"):
            with self.subTest(raw=raw):
                self.assertTrue(phone.is_withheld(raw))
        self.assertFalse(phone.is_withheld("0612345678"))
        self.assertFalse(phone.try_e164("anonymous"))

    def test_coverage_modes(self):
        self.assertTrue(coverage.is_covered("always", False))
        self.assertTrue(coverage.is_covered("overflow", False))
        self.assertTrue(coverage.is_covered("business_hours", True))
        self.assertFalse(coverage.is_covered("business_hours", False))
        self.assertFalse(coverage.is_covered("after_hours", True))
        self.assertTrue(coverage.is_covered("after_hours", False))
        with self.assertRaises(ValueError):
            coverage.is_covered("never", True)

    def test_filter_priority(self):
        rules = [
            {
                "id": 1,
                "sequence": 1,
                "match": "category",
                "category": "new",
                "action": "message",
            },
            {
                "id": 2,
                "sequence": 5,
                "match": "partner",
                "partner_id": 7,
                "action": "transfer",
            },
            {
                "id": 3,
                "sequence": 9,
                "match": "number",
                "number": "+33612345678",
                "action": "block",
            },
        ]
        self.assertEqual(
            filtering.select_rule(rules, "+33612345678", {7}, "new")["id"], 3
        )
        self.assertEqual(
            filtering.select_rule(rules, "+33600000000", {7}, "new")["id"], 2
        )
        self.assertEqual(filtering.select_rule(rules, None, set(), "new")["id"], 1)
        self.assertIsNone(filtering.select_rule(rules, None, set(), "existing"))

    def test_message_requirements(self):
        self.assertEqual(
            messaging.missing_for_sending(0, " ", "", None),
            ["recipient", "subject", "contact"],
        )
        self.assertEqual(messaging.missing_for_sending(1, "Objet", "", "a@b.c"), [])
        self.assertEqual(
            messaging.mail_subject("Cabinet Martin", "Message de M. Dupont"),
            "[Cabinet Martin] Message de M. Dupont",
        )

    def test_sms_segments_gsm7_and_ucs2(self):
        self.assertEqual(sms.segments(""), 1)
        self.assertEqual(sms.segments("a" * 160), 1)
        self.assertEqual(sms.segments("a" * 161), 2)
        self.assertEqual(sms.segments("a" * 306), 2)
        self.assertEqual(sms.segments("a" * 307), 3)
        # The extension table takes two septets: 80 euros fill one SMS.
        self.assertEqual(sms.segments("€" * 80), 1)
        self.assertEqual(sms.segments("€" * 81), 2)
        self.assertEqual(sms.length("Crème brûlée"), (12, "ucs2"))
        self.assertEqual(sms.length("Élève à l'école"), (15, "gsm7"))
        # One character outside GSM-7 sends all in UCS-2: 70 per SMS, 67
        # per part.
        self.assertEqual(sms.segments("ê" * 70), 1)
        self.assertEqual(sms.segments("ê" * 71), 2)
        self.assertEqual(sms.segments("ê" * 134), 2)
        self.assertEqual(sms.segments("ê" * 135), 3)
        self.assertEqual(sms.segments("a" * 305 + "…"), 5)
        # An escaped character is never split between two parts.
        self.assertEqual(sms.segments("a" * 152 + "€" + "a" * 152), 3)

    def test_sms_shorten_keeps_gsm7_text_in_gsm7(self):
        text = "Fuite sous l'évier, rappeler au plus vite " * 12
        link = "https://permanence.example.com/permanence/ack/abc"
        for tail in (None, link):
            with self.subTest(link=tail):
                short = sms.shorten(text, 306, tail)
                self.assertNotIn("…", short)
                self.assertIn("...", short)
                self.assertEqual(sms.length(short)[1], "gsm7")
                self.assertLessEqual(sms.length(short)[0], 306)
                self.assertEqual(sms.segments(short), 2)
                if tail:
                    self.assertTrue(short.endswith("... " + link))
        # Extension characters count twice against the limit.
        short = sms.shorten("{x} " * 100, 306)
        self.assertLessEqual(sms.length(short)[0], 306)
        self.assertEqual(sms.segments(short), 2)
        # A UCS-2 text keeps its "…", within the limit in UTF-16 units.
        short = sms.shorten("Fenêtre cassée " * 30, 134)
        self.assertTrue(short.endswith("…"))
        self.assertEqual(sms.length(short)[1], "ucs2")
        self.assertLessEqual(sms.segments(short), 2)
        self.assertEqual(sms.shorten("Court", 306), "Court")


@tagged("post_install", "-at_install")
class TestContextAndDiffTools(TransactionCase):
    def test_screen_keys_are_dropped(self):
        context = {
            "lang": "fr_FR",
            "tz": "Europe/Paris",
            "allowed_company_ids": [1],
            "active_model": "permanence.call",
            "active_id": 7,
            "active_ids": [7],
            "default_client_id": 3,
            "search_default_today": 1,
            "form_view_ref": "permanence_telephonique.console",
        }
        self.assertEqual(
            ui_context.without_ui_keys(context),
            {"lang": "fr_FR", "tz": "Europe/Paris", "allowed_company_ids": [1]},
        )

    def test_line_changes(self):
        self.assertEqual(
            diff.line_changes(
                "Fermé le lundi\n\nPas de RDV", "Fermé le lundi\nRDV le mardi"
            ),
            [(" ", "Fermé le lundi"), ("-", "Pas de RDV"), ("+", "RDV le mardi")],
        )
        self.assertEqual(diff.line_changes(False, "Nouveau"), [("+", "Nouveau")])
