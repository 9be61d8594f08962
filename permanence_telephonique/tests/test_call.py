from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import Cursor
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.permanence_call import HISTORY_LIMIT
from .common import PermanenceCase

CONSOLE = "permanence_telephonique.permanence_call_view_form_console"
QUICK_MESSAGE = "permanence_telephonique.permanence_message_view_form_quick"


@tagged("post_install", "-at_install")
class TestCallSheet(PermanenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["permanence.call.reason"].create(
            {
                "client_id": cls.client.id,
                "name": "Fuite d'eau",
                "action": "escalate",
                "urgency": "critical",
                "interlocutor_ids": [(6, 0, cls.boss_interlocutor.ids)],
                "question_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Pouvez-vous couper l'eau ?",
                            "answer_type": "boolean",
                            "required": True,
                            "sequence": 1,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Type de panne",
                            "answer_type": "choice",
                            "choices": "Fuite\nChauffe-eau",
                            "sequence": 2,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Intervention souhaitée le",
                            "answer_type": "date",
                            "sequence": 3,
                        },
                    ),
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Jean Client", "mobile": "+33 6 12 34 56 78"}
        )

    def test_caller_number_normalised_and_matched(self):
        for raw in (
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "33612345678",
        ):
            with self.subTest(raw=raw):
                call = self.new_call(self.client, caller_number_raw=raw)
                self.assertEqual(call.caller_number, "+33612345678")
                self.assertEqual(call.caller_number_raw, raw)
                self.assertFalse(call.caller_withheld)
                self.assertEqual(call.partner_id, self.customer)

    def test_withheld_number_accepted_and_marked(self):
        call = self.new_call(self.client, caller_number_raw="anonymous")
        self.assertTrue(call.caller_withheld)
        self.assertFalse(call.caller_number)
        self.assertFalse(call.partner_id)

    def test_client_contacts_win_and_ambiguity_is_shown(self):
        # The same mobile for an outsider and for the client's own manager.
        outsider = self.env["res.partner"].create(
            {"name": "Homonyme", "mobile": "06 01 02 03 04"}
        )
        call = self.new_call(self.client, caller_number_raw="0601020304")
        self.assertEqual(call.partner_id, self.boss)
        self.assertEqual(call.partner_candidate_count, 2)
        self.assertEqual(call.partner_candidate_ids[0], self.boss)
        self.assertIn(outsider, call.partner_candidate_ids)

    def test_history_of_the_caller_for_this_client(self):
        first = self.new_call(
            self.client,
            caller_number_raw="0612345678",
            date_start=fields.Datetime.now() - timedelta(days=2),
        )
        self.new_call(self.medical, caller_number_raw="0612345678")
        message = self.env["permanence.message"].create(
            {
                "client_id": self.client.id,
                "call_id": first.id,
                "subject": "Rappel",
                "caller_phone": "+33612345678",
            }
        )
        call = self.new_call(self.client, caller_number_raw="+33612345678")
        self.assertEqual(call.previous_call_ids, first)
        self.assertEqual(call.previous_message_ids, message)

    def test_a_caller_who_called_before_wins_among_outsiders(self):
        first = self.env["res.partner"].create(
            {"name": "Premier homonyme", "phone": "01 47 00 00 07"}
        )
        regular = self.env["res.partner"].create(
            {"name": "Client habituel", "mobile": "+33 1 47 00 00 07"}
        )
        self.new_call(self.client, caller_number_raw="0147000007").partner_id = regular
        self.new_call(self.medical, caller_number_raw="0147000007").partner_id = first
        call = self.new_call(self.client, caller_number_raw="01 47 00 00 07")
        self.assertEqual(call.partner_candidate_ids.ids, [regular.id, first.id])
        self.assertEqual(call.partner_id, regular)
        other = self.new_call(self.medical, caller_number_raw="01 47 00 00 07")
        self.assertEqual(other.partner_id, first)

    @contextmanager
    def _rows_returned(self):
        """Rows the database hands back to Odoo inside the block, query by
        query (``cursor.rowcount``), as ``[(rows, query), ...]``."""
        rows = []
        execute = Cursor.execute

        def counting_execute(cursor, query, params=None, log_exceptions=None):
            result = execute(cursor, query, params, log_exceptions)
            if cursor.description:  # a query that returns rows
                rows.append((cursor.rowcount, str(query)))
            return result

        self.env.flush_all()
        with patch.object(Cursor, "execute", counting_execute):
            yield rows

    def test_console_reads_the_caller_not_the_whole_client(self):
        """Opening the console on a call reads the caller's contacts and
        calls, not every contact and call of the client."""
        count = 300
        people = self.env["res.partner"].create(
            [
                {
                    "name": f"Salarié {index}",
                    "parent_id": self.plumber_partner.id,
                    "mobile": f"+3361100{index:04d}",
                }
                for index in range(count)
            ]
        )
        self.env["permanence.call"].with_context(tracking_disable=True).create(
            [
                {
                    "client_id": self.client.id,
                    "caller_number_raw": f"+3361100{index:04d}",
                    "partner_id": person.id,
                    "state": "done",
                    "outcome": "message",
                }
                for index, person in enumerate(people)
            ]
        )
        call = self.new_call(self.client, caller_number_raw="0612345678")
        spec = {
            "partner_id": {"fields": {"display_name": {}}},
            "partner_candidate_ids": {"fields": {"display_name": {}}},
            "previous_call_ids": {"fields": {"date_start": {}}},
            "previous_message_ids": {"fields": {"subject": {}}},
        }
        # Once to fill the registry's caches (field metadata), as any
        # running server has them; then the data the console reads.
        call.web_read(spec)
        self.env.invalidate_all()
        with self._rows_returned() as rows:
            call.web_read(spec)
        self.assertEqual(call.partner_id, self.customer)
        biggest = max(rows)
        self.assertLess(biggest[0], 20, f"rows read to open the console: {biggest}")

    def test_history_is_bounded_with_a_see_all_action(self):
        now = fields.Datetime.now()
        older = self.env["permanence.call"].create(
            [
                {
                    "client_id": self.client.id,
                    "caller_number_raw": "0612345678",
                    "date_start": now - timedelta(days=day + 1),
                    "state": "done",
                    "outcome": "message",
                }
                for day in range(HISTORY_LIMIT + 2)
            ]
        )
        messages = self.env["permanence.message"].create(
            [
                {"client_id": self.client.id, "call_id": old.id, "subject": "Rappel"}
                for old in older
            ]
        )
        self.new_call(self.medical, caller_number_raw="0612345678")
        call = self.new_call(self.client, caller_number_raw="06 12 34 56 78")
        self.assertEqual(call.previous_call_ids, older[:HISTORY_LIMIT])
        self.assertEqual(len(call.previous_message_ids), HISTORY_LIMIT)
        action = call.action_view_caller_calls()
        self.assertEqual(action["res_model"], "permanence.call")
        self.assertEqual(self.env["permanence.call"].search(action["domain"]), older)
        action = call.action_view_caller_messages()
        self.assertEqual(
            self.env["permanence.message"].search(action["domain"]), messages
        )
        unknown = self.new_call(self.client, caller_number_raw="anonymous")
        self.assertFalse(unknown.previous_call_ids)
        self.assertFalse(
            self.env["permanence.call"].search(
                unknown.action_view_caller_calls()["domain"]
            )
        )

    def test_durations(self):
        start = fields.Datetime.now()
        call = self.new_call(
            self.client,
            state="ringing",
            date_start=start,
        )
        self.assertEqual(call.ring_duration, 0)
        call.date_answer = start + timedelta(seconds=12)
        call.date_end = start + timedelta(seconds=192)
        self.assertEqual(call.ring_duration, 12)
        self.assertEqual(call.talk_duration, 180)

    def test_external_id_unique_per_company(self):
        self.new_call(self.client, external_id="pbx-1")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.new_call(self.client, external_id="pbx-1")
        self.new_call(self.foreign, external_id="pbx-1")

    def test_filtering_rules_and_which_applied(self):
        Rule = self.env["permanence.filter.rule"]
        vip = Rule.create(
            {
                "client_id": self.client.id,
                "name": "Syndic VIP",
                "match": "partner",
                "partner_id": self.customer.id,
                "action": "transfer",
            }
        )
        blocked = Rule.create(
            {
                "client_id": self.client.id,
                "name": "Numéro bloqué",
                "match": "number",
                "number": "07 81 00 00 01",
                "action": "block",
                "note": "Mettre fin poliment à l'appel",
            }
        )
        Rule.create(
            {
                "client_id": self.client.id,
                "name": "Démarchage",
                "match": "category",
                "category": "solicitation",
                "action": "message",
            }
        )
        self.assertEqual(blocked.number, "+33781000001")
        call = self.new_call(self.client, caller_number_raw="06 12 34 56 78")
        self.assertEqual(call.filter_rule_id, vip)
        self.assertEqual(call.filter_action, "transfer")
        call = self.new_call(self.client, caller_number_raw="0781000001")
        self.assertEqual(call.filter_rule_id, blocked)
        self.assertEqual(call.filter_note, "Mettre fin poliment à l'appel")
        call = self.new_call(self.client, caller_number_raw="0781000002")
        self.assertFalse(call.filter_rule_id)
        call.caller_category = "solicitation"
        self.assertEqual(call.filter_action, "message")
        # A "message only" caller cannot be transferred.
        call.transfer_interlocutor_id = self.boss_interlocutor
        with self.assertRaisesRegex(UserError, "forbids"):
            call.action_transfer()
        call.action_filtered()
        self.assertEqual(call.outcome, "filtered")
        self.assertIn("Démarchage", call.message_ids[0].body)

    def test_calls_only_for_test_and_active_accounts(self):
        self.client.state = "suspended"
        call = self.new_call(self.client)
        self.assertIn("not taken", call.client_warning)
        for action in ("action_take_message", "action_information_given"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(call, action)()
        # Wrong numbers may still be closed.
        call.action_wrong_number()
        self.assertEqual(call.outcome, "wrong_number")
        self.assertEqual(call.state, "done")
        self.client.state = "test"
        self.assertFalse(self.new_call(self.client).client_warning)

    def test_console_takes_a_message(self):
        """The operator's path: number, caller, reason, script, message."""
        Call = self.env["permanence.call"].with_user(self.operator)
        with Form(Call, view=CONSOLE) as console:
            console.called_number = "01 48 00 00 01"
            self.assertEqual(console.client_id, self.client)
            self.assertEqual(console.greeting_script, "Plomberie Test, bonjour !")
            self.assertTrue(console.in_coverage)
            console.caller_number_raw = "06 12 34 56 78"
            self.assertEqual(console.partner_id, self.customer)
            self.assertEqual(console.caller_name, "Jean Client")
            console.reason_id = self.reason
            self.assertEqual(len(console.answer_ids), 3)
            with console.answer_ids.edit(0) as answer:
                answer.value_boolean = "no"
            with console.answer_ids.edit(1) as answer:
                answer.value_text = "Fuite"
            console.notes = "Fuite sous l'évier, eau coupée impossible"
        call = console.record
        self.assertEqual(call.user_id, self.operator)
        self.assertEqual(call.called_number, "+33148000001")
        action = call.action_take_message()
        message = self.env["permanence.message"].browse(action["res_id"])
        self.assertEqual(message.recipient_ids, self.boss_interlocutor)
        self.assertEqual(message.urgency, "critical")
        self.assertEqual(message.caller_phone, "+33612345678")
        self.assertIn("Jean Client", message.subject)
        self.assertIn("Fuite", str(message.answers_html))
        with Form(message.with_user(self.operator), view=QUICK_MESSAGE) as form:
            form.callback_requested = True
            self.assertIn("callback", form.subject)
        message.with_user(self.operator).action_send_and_close()
        self.assertEqual(message.state, "sent")
        self.assertEqual(call.outcome, "message")
        # Taking the message again reopens the same draft, not a new one.
        self.assertEqual(len(call.permanence_message_ids), 1)

    def test_required_answers_before_message(self):
        call = self.new_call(self.client, reason_id=self.reason.id)
        self.assertEqual(len(call.answer_ids), 3)
        with self.assertRaisesRegex(UserError, "couper"):
            call.action_take_message()
        call.answer_ids[0].value_boolean = "yes"
        call.action_take_message()
        # A choice outside the list is refused.
        with self.assertRaisesRegex(ValidationError, "not one of the choices"):
            call.answer_ids[1].value_text = "Toiture"
        # Changing the reason replaces the questions.
        other = self.env["permanence.call.reason"].create(
            {"client_id": self.client.id, "name": "Devis"}
        )
        call.reason_id = other
        self.assertFalse(call.answer_ids)

    def test_information_given_and_transfer(self):
        call = self.new_call(self.client)
        call.action_information_given()
        self.assertEqual((call.outcome, call.state), ("information", "done"))
        self.assertTrue(call.date_end)
        call = self.new_call(self.client)
        with self.assertRaisesRegex(UserError, "Choose"):
            call.action_transfer()
        call.transfer_interlocutor_id = self.boss_interlocutor
        call.action_transfer()
        self.assertEqual(call.outcome, "transferred")
        self.assertIn("+33601020304", call.message_ids[0].body)
        self.boss_interlocutor.transfer_allowed = False
        call = self.new_call(
            self.client, transfer_interlocutor_id=self.boss_interlocutor.id
        )
        with self.assertRaisesRegex(UserError, "does not take"):
            call.action_transfer()
        with self.assertRaisesRegex(UserError, "Say how"):
            call.action_done()

    def test_console_action_opens_console_view(self):
        call = self.new_call(self.client)
        action = call.action_open_console()
        self.assertEqual(action["res_id"], call.id)
        self.assertEqual(action["views"][0][0], self.env.ref(CONSOLE).id)
        action = self.client.action_new_call()
        self.assertEqual(action["context"]["default_client_id"], self.client.id)
