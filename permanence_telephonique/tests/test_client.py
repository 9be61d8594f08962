from datetime import datetime

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PermanenceCase


@tagged("post_install", "-at_install")
class TestClientAccount(PermanenceCase):
    def _new_client(self, **vals):
        values = {
            "name": "Architectes Test",
            "code": "ARCHI",
            "partner_id": self.practice_partner.id,
        }
        values.update(vals)
        return self.env["permanence.client"].create(values)

    def test_lifecycle_follows_onboarding(self):
        client = self._new_client()
        self.assertEqual(client.state, "onboarding")
        self.assertFalse(client.can_take_calls)
        # No test phase without a number and a greeting script.
        with self.assertRaisesRegex(UserError, "no number"):
            client.action_start_test()
        client.number_ids = [(0, 0, {"number": "01 42 00 00 07"})]
        with self.assertRaisesRegex(UserError, "greeting"):
            client.action_start_test()
        client.greeting_script = "Architectes Test, bonjour"
        client.action_start_test()
        self.assertEqual(client.state, "test")
        self.assertTrue(client.can_take_calls)
        client.action_activate()
        client.action_suspend()
        self.assertFalse(client.can_take_calls)
        with self.assertRaises(UserError):
            client.action_reopen()  # only a closed account reopens
        client.action_close()
        self.assertEqual(client.state, "closed")
        # A closed account frees its numbers for another client.
        self.assertFalse(client.number_ids)
        other = self._new_client(code="ARCHI2")
        other.number_ids = [(0, 0, {"number": "+33 1 42 00 00 07"})]
        self.assertEqual(other.number_ids.number, "+33142000007")
        client.action_reopen()
        self.assertEqual(client.state, "onboarding")

    def test_code_unique_per_company(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._new_client(code="PLOMB")
        # The same code in another company is fine.
        self.env["permanence.client"].with_company(self.other_company).create(
            {
                "name": "Plomberie homonyme",
                "code": "PLOMB",
                "partner_id": self.plumber_partner.id,
                "company_id": self.other_company.id,
            }
        )

    def test_number_stored_in_e164(self):
        self.assertEqual(self.client.number_ids.number, "+33148000001")
        line = self.env["permanence.client.number"].create(
            {"client_id": self.client.id, "number": "01 40 00 00 00"}
        )
        self.assertEqual(line.number, "+33140000000")
        line.number = "0033 1 40 00 00 09"
        self.assertEqual(line.number, "+33140000009")

    def test_invalid_number_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.env["permanence.client.number"].create(
                {"client_id": self.client.id, "number": "01 40"}
            )

    def test_number_unique_across_active_accounts(self):
        with self.assertRaisesRegex(ValidationError, "Plomberie Test"):
            self.env["permanence.client.number"].create(
                {"client_id": self.medical.id, "number": "+33 1 48 00 00 01"}
            )
        # The database holds the rule too, whatever the Python check does.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "INSERT INTO permanence_client_number "
                "(client_id, company_id, number, active, sequence) "
                "VALUES (%s, %s, %s, true, 10)",
                (self.medical.id, self.company.id, "+33148000001"),
            )
        # Another company may forward the same number to its own account.
        line = self.env["permanence.client.number"].create(
            {"client_id": self.foreign.id, "number": "01 48 00 00 01"}
        )
        self.assertEqual(line.company_id, self.other_company)
        # An archived number may be reused.
        self.client.number_ids.action_archive()
        self.env["permanence.client.number"].create(
            {"client_id": self.medical.id, "number": "01 48 00 00 01"}
        )

    def test_find_client_by_did_name_or_code(self):
        Client = self.env["permanence.client"]
        for term in ("01 48 00 00 01", "+33148000001", "PLOMB", "Plomberie"):
            with self.subTest(term=term):
                self.assertIn(
                    self.client, Client.search([("display_name", "ilike", term)])
                )
        self.assertNotIn(
            self.medical, Client.search([("display_name", "ilike", "01 48 00 00 01")])
        )
        self.assertEqual(self.client.display_name, "[PLOMB] Plomberie Test")

    def test_coverage_in_client_time_zone_with_closures(self):
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Bureau 9h-18h",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 18,
                            "day_period": "morning",
                        },
                    )
                    for day in range(5)
                ],
            }
        )
        client = self._new_client(
            resource_calendar_id=calendar.id,
            coverage_mode="business_hours",
            tz="Europe/Paris",
        )
        # Tuesday 2026-03-10: 08:30 UTC is 09:30 in Paris (winter, UTC+1).
        self.assertTrue(client._is_covered_at(datetime(2026, 3, 10, 8, 30)))
        # 07:30 UTC is 08:30 in Paris: before opening.
        self.assertFalse(client._is_covered_at(datetime(2026, 3, 10, 7, 30)))
        # Summer time: 2026-07-07 07:30 UTC is 09:30 in Paris (UTC+2).
        self.assertTrue(client._is_covered_at(datetime(2026, 7, 7, 7, 30)))
        # Saturday: closed.
        self.assertFalse(client._is_covered_at(datetime(2026, 3, 14, 10, 0)))
        # After hours only: the reverse.
        client.coverage_mode = "after_hours"
        self.assertTrue(client._is_covered_at(datetime(2026, 3, 14, 10, 0)))
        self.assertFalse(client._is_covered_at(datetime(2026, 3, 10, 8, 30)))
        # A dated closure takes the day out of business hours.
        client.coverage_mode = "business_hours"
        client.closure_ids = [
            (
                0,
                0,
                {
                    "name": "Fermeture exceptionnelle",
                    "calendar_id": calendar.id,
                    "date_from": datetime(2026, 3, 9, 23, 0),
                    "date_to": datetime(2026, 3, 10, 22, 59),
                },
            )
        ]
        self.assertFalse(client._is_covered_at(datetime(2026, 3, 10, 8, 30)))
        # 24/7 covers everything.
        client.coverage_mode = "always"
        self.assertTrue(client._is_covered_at(datetime(2026, 3, 10, 8, 30)))

    def test_interlocutor_transfer_number(self):
        interlocutor = self.env["permanence.interlocutor"].create(
            {
                "client_id": self.client.id,
                "partner_id": self.doctor.id,
                "transfer_allowed": True,
                "transfer_number": "06 99 88 77 66",
            }
        )
        self.assertEqual(interlocutor.transfer_number, "+33699887766")
        self.assertEqual(interlocutor._transfer_target(), "+33699887766")
        self.assertEqual(self.boss_interlocutor._transfer_target(), "+33601020304")
        nobody = self.env["res.partner"].create({"name": "Sans Numéro"})
        with self.assertRaisesRegex(ValidationError, "no number"):
            self.env["permanence.interlocutor"].create(
                {
                    "client_id": self.client.id,
                    "partner_id": nobody.id,
                    "transfer_allowed": True,
                }
            )

    def test_interlocutor_availability(self):
        self.assertTrue(self.boss_interlocutor.is_available)
        self.boss_interlocutor.availability = "busy"
        self.assertFalse(self.boss_interlocutor.is_available)

    def test_question_choice_needs_choices(self):
        reason = self.env["permanence.call.reason"].create(
            {"client_id": self.client.id, "name": "Dépannage"}
        )
        with self.assertRaisesRegex(ValidationError, "choice"):
            self.env["permanence.script.question"].create(
                {"reason_id": reason.id, "name": "Type", "answer_type": "choice"}
            )

    def test_counters(self):
        self.new_call(self.client)
        self.new_call(self.client)
        self.assertEqual(self.client.call_count, 2)
        self.assertEqual(self.medical.call_count, 0)
