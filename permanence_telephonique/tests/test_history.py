import psycopg2

from odoo.tools import mute_logger

from .common import PermanenceCase


class TestHistoryIsAFact(PermanenceCase):
    """What a call was (in the contract hours or not, the filtering rule
    that applied, the questions asked) is recorded when it happens: a
    configuration changed later leaves past calls as they were."""

    def reread(self, records):
        """The values as stored in the database."""
        self.env.flush_all()
        records.invalidate_recordset()
        return records

    def coverage_counts(self):
        """The portal's statistics: calls in and out of the contract hours."""
        return dict(
            self.env["permanence.call"]._read_group(
                [("client_id", "=", self.client.id)], ["in_coverage"], ["__count"]
            )
        )

    def test_coverage_change_keeps_past_calls(self):
        old_call = self.new_call(self.client, caller_number_raw="06 12 00 00 01")
        self.assertTrue(old_call.in_coverage)
        self.assertEqual(self.coverage_counts(), {True: 1})
        # The client now wants only its evenings and nights, and its office
        # is open all day, every day: from now on nothing is covered.
        office = self.env["resource.calendar"].create(
            {
                "name": "Bureau ouvert",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": str(day),
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                        },
                    )
                    for day in range(7)
                ],
            }
        )
        self.client.write(
            {
                "coverage_mode": "after_hours",
                "resource_calendar_id": office.id,
                "tz": "Europe/Paris",
            }
        )
        self.assertTrue(self.reread(old_call).in_coverage)
        new_call = self.new_call(self.client, caller_number_raw="06 12 00 00 02")
        self.assertFalse(new_call.in_coverage)
        self.assertEqual(self.coverage_counts(), {True: 1, False: 1})

    def test_new_filtering_rule_leaves_past_calls(self):
        Rule = self.env["permanence.filter.rule"]
        old_call = self.new_call(self.client, caller_number_raw="07 81 00 00 09")
        self.assertFalse(old_call.filter_rule_id)
        rule = Rule.create(
            {
                "client_id": self.client.id,
                "name": "Démarcheur insistant",
                "match": "number",
                "number": "07 81 00 00 09",
                "action": "block",
            }
        )
        self.assertFalse(self.reread(old_call).filter_rule_id)
        self.assertFalse(old_call.filter_action)
        blocked_call = self.new_call(self.client, caller_number_raw="0781000009")
        self.assertEqual(blocked_call.filter_rule_id, rule)
        self.assertEqual(blocked_call.filter_action, "block")
        # The rule is softened, then archived: the call was blocked.
        rule.action = "message"
        self.assertEqual(self.reread(blocked_call).filter_action, "block")
        rule.active = False
        self.assertEqual(self.reread(blocked_call).filter_rule_id, rule)
        self.assertEqual(blocked_call.filter_action, "block")
        # A rule that applied to a call cannot be deleted (archive it).
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            rule.unlink()
        self.assertTrue(rule.exists())

    def test_script_changes_leave_past_answers(self):
        reason = self.env["permanence.call.reason"].create(
            {
                "client_id": self.client.id,
                "name": "Dépannage",
                "question_ids": [
                    (0, 0, {"name": "Adresse ?", "sequence": 1}),
                    (
                        0,
                        0,
                        {
                            "name": "Eau coupée ?",
                            "sequence": 2,
                            "answer_type": "boolean",
                        },
                    ),
                ],
            }
        )
        address, water = reason.question_ids.sorted("sequence")
        call = self.reread(self.new_call(self.client, reason_id=reason.id))
        first, second = call.answer_ids
        self.assertEqual((first.question_id, second.question_id), (address, water))
        second.value_boolean = "yes"
        shown = second.value_display
        self.assertTrue(shown)
        # The script is reordered and the yes/no question becomes free text.
        address.sequence = 3
        water.answer_type = "text"
        call = self.reread(call)
        self.assertEqual(call.answer_ids.question_id.ids, [address.id, water.id])
        self.assertEqual(second.value_display, shown)
        later = self.reread(self.new_call(self.client, reason_id=reason.id))
        self.assertEqual(later.answer_ids.question_id.ids, [water.id, address.id])
