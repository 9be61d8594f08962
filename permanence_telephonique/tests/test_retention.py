import base64
import io
import json
import time
import zipfile
from datetime import date, datetime, timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..tools import retention
from .common import MANAGER, PermanenceCase

OLD = datetime(2025, 1, 15, 9, 0)  # purged when "now" is NOW
RECENT = datetime(2026, 5, 10, 9, 0)  # kept
NOW = datetime(2026, 6, 1, 3, 0)
SECRET = "Jeanne Secretnom"
SECRET_PHONE = "06 58 47 36 25"
SECRET_E164 = "+33658473625"
SECRET_EMAIL = "jeanne.secret@example.org"
PORTAL = "base.group_portal"


class RetentionTools(PermanenceCase):
    def test_cutoffs(self):
        now = datetime(2026, 3, 31, 12, 0)
        self.assertEqual(retention.cutoff(now, 1), datetime(2026, 2, 28, 12, 0))
        self.assertIsNone(retention.cutoff(now, 0))
        cut = retention.cutoffs(now, {"call": 24, "recording": 0})
        self.assertEqual(cut["call"], datetime(2024, 3, 31, 12, 0))
        self.assertIsNone(cut["recording"])
        self.assertEqual(cut["payload"], datetime(2025, 12, 31, 12, 0))
        self.assertEqual(list(retention.chunks(range(5), 2)), [[0, 1], [2, 3], [4]])

    def test_export_zip(self):
        data = retention.export_zip(
            "x@example.org",
            {"calls": [{"name": "A", "date": datetime(2026, 1, 2, 3, 4)}], "none": []},
            datetime(2026, 1, 5),
        )
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertEqual(sorted(archive.namelist()), ["calls.csv", "data.json"])
            document = json.loads(archive.read("data.json"))
            csv_text = archive.read("calls.csv").decode()
        self.assertEqual(
            document["sections"]["calls"][0]["date"], "2026-01-02T03:04:00"
        )
        self.assertEqual(document["sections"]["none"], [])
        self.assertEqual(csv_text.splitlines()[0], "name,date")


class RetentionCase(PermanenceCase):
    """Calls, messages, deliveries, chatter and attachments of one caller,
    old enough to be purged, beside recent ones and a call under legal hold."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.caller = cls.env["res.partner"].create(
            {"name": SECRET, "phone": SECRET_PHONE, "email": SECRET_EMAIL}
        )
        cls.reason = cls.env["permanence.call.reason"].create(
            {
                "client_id": cls.client.id,
                "name": "Fuite",
                "question_ids": [Command.create({"name": "Adresse ?"})],
            }
        )
        cls.old_calls = cls._calls(cls.client, OLD, 3) + cls._calls(cls.medical, OLD, 2)
        cls.recent_calls = cls._calls(cls.client, RECENT, 2)
        cls.held_call = cls._calls(cls.client, OLD, 1)
        cls.held_call.legal_hold = True
        cls.old_messages = cls._messages(cls.old_calls, OLD)
        cls.recent_messages = cls._messages(cls.recent_calls, RECENT)
        cls.held_messages = cls._messages(cls.held_call, OLD)
        cls.field_caller = cls.env["ir.model.fields"]._get(
            "permanence.call", "caller_name"
        )
        for call in cls.old_calls | cls.recent_calls | cls.held_call:
            call.message_post(
                body=f"Rappeler {SECRET}",
                tracking_value_ids=[
                    Command.create(
                        {
                            "field_id": cls.field_caller.id,
                            "old_value_char": SECRET,
                            "new_value_char": SECRET,
                        }
                    )
                ],
            )
            cls.env["ir.attachment"].create(
                {
                    "name": "fiche.txt",
                    "raw": SECRET.encode(),
                    "res_model": "permanence.call",
                    "res_id": call.id,
                }
            )
        for message in cls.old_messages | cls.recent_messages:
            message.message_post(body=f"Message de {SECRET}")
        cls.env.flush_all()

    @classmethod
    def _calls(cls, client, when, count):
        calls = cls.env["permanence.call"].create(
            [
                {
                    "client_id": client.id,
                    "caller_number_raw": SECRET_PHONE,
                    "caller_name": SECRET,
                    "caller_email": SECRET_EMAIL,
                    "partner_id": cls.caller.id,
                    "notes": f"Notes sur {SECRET}",
                    "reason_id": cls.reason.id if client == cls.client else False,
                    "state": "done",
                    "outcome": "message",
                    "date_start": when,
                    "date_answer": when,
                    "date_end": when.replace(minute=2 + index),
                }
                for index in range(count)
            ]
        )
        calls.answer_ids.write({"value_text": f"Chez {SECRET}"})
        return calls

    @classmethod
    def _messages(cls, calls, when):
        messages = cls.env["permanence.message"].create(
            [
                {
                    "client_id": call.client_id.id,
                    "call_id": call.id,
                    "caller_name": SECRET,
                    "caller_phone": SECRET_E164,
                    "caller_email": SECRET_EMAIL,
                    "body": f"<p>{SECRET} a une fuite</p>",
                    "state": "sent",
                }
                for call in calls
            ]
        )
        interlocutors = {
            cls.client: cls.boss_interlocutor,
            cls.medical: cls.doctor_interlocutor,
        }
        deliveries = cls.env["permanence.message.delivery"].create(
            [
                {
                    "message_id": message.id,
                    "interlocutor_id": interlocutors[message.client_id].id,
                    "channel": "webhook",
                    "destination": "https://example.org/hook",
                    "state": "sent",
                    "last_error": f"Peer answered: {SECRET}",
                    "gateway_reference": "ref-1",
                }
                for message in messages
            ]
        )
        cls.env["permanence.message.attempt"].create(
            [
                {"delivery_id": delivery.id, "error": f"{SECRET}", "reference": "r"}
                for delivery in deliveries
            ]
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE permanence_message SET create_date = %s WHERE id = ANY(%s)",
                when,
                messages.ids,
            )
        )
        cls.env.cr.execute(
            SQL(
                "UPDATE permanence_message_delivery SET create_date = %s "
                "WHERE id = ANY(%s)",
                when,
                deliveries.ids,
            )
        )
        cls.env.invalidate_all()
        return messages

    def _purge(self, **kwargs):
        return self.env["permanence.retention"]._purge(now=NOW, **kwargs)

    def _secret_rows(self, table, column, ids=None, id_column="id"):
        query = SQL(
            "SELECT count(*) FROM %s WHERE %s::text ILIKE %s",
            SQL.identifier(table),
            SQL.identifier(column),
            f"%{SECRET}%",
        )
        if ids is not None:
            query = SQL("%s AND %s = ANY(%s)", query, SQL.identifier(id_column), ids)
        return self.env.execute_query(query)[0][0]


@tagged("post_install", "-at_install")
class TestRetentionPurge(RetentionCase):
    def _billing(self):
        """Usage and billed calls of January 2025, as invoicing sees them."""
        product = self.env["product.product"].create(
            {"name": "Forfait", "list_price": 10}
        )
        plan = self.env["permanence.plan"].create(
            {
                "name": "Test",
                "fee_product_id": product.id,
                "overage_product_id": product.id,
                "included_units": 1,
            }
        )
        subscription = self.env["permanence.subscription"].create(
            {
                "client_id": self.client.id,
                "plan_id": plan.id,
                "date_start": date(2025, 1, 1),
            }
        )
        return subscription

    def _figures(self, subscription):
        start, end = date(2025, 1, 1), date(2025, 1, 31)
        usage = subscription._usage(start, end)[subscription.id]
        windows = subscription._usage_windows(start, end)
        billed = subscription._billed_calls(windows)
        stats = self.env["permanence.call"]._read_group(
            [("client_id", "=", self.client.id)],
            ["outcome"],
            ["__count", "talk_duration:sum"],
        )
        return (
            {key: usage[key] for key in ("calls", "units", "overage")},
            sum(len(rows) for rows in billed.values()),
            stats,
            self.client.message_count,
        )

    def test_purge_leaves_nothing_personal_and_billing_unchanged(self):
        subscription = self._billing()
        before = self._figures(subscription)
        self.assertEqual(before[0]["calls"], 4)
        purged_ids = self.old_calls.ids
        message_ids = self.old_messages.ids
        old_partner = self.caller
        self.assertTrue(self._purge(batch_size=2))

        # Billing and statistics: the same figures
        self.env.invalidate_all()
        self.assertEqual(self._figures(subscription), before)

        # Call sheets: the caller is gone, the facts stay
        for column in ("caller_name", "caller_number", "caller_email", "notes"):
            self.assertEqual(
                self._secret_rows("permanence_call", column, purged_ids), 0
            )
        rows = self.env.execute_query(
            SQL(
                "SELECT caller_number_raw, partner_id, anonymised_date, outcome, "
                "talk_duration FROM permanence_call WHERE id = ANY(%s)",
                purged_ids,
            )
        )
        for raw, partner, anonymised, outcome, talk in rows:
            self.assertFalse(raw or partner)
            self.assertEqual(anonymised, NOW)
            self.assertEqual(outcome, "message")
            self.assertTrue(talk)
        self.assertEqual(self._secret_rows("permanence_call_answer", "value_text"), 3)
        # Messages, deliveries, attempts
        for column in (
            "caller_name",
            "caller_phone",
            "caller_email",
            "body",
            "subject",
        ):
            self.assertEqual(
                self._secret_rows("permanence_message", column, message_ids), 0
            )
        deliveries = self.old_messages.delivery_ids
        self.assertEqual(
            self._secret_rows(
                "permanence_message_delivery", "last_error", deliveries.ids
            ),
            0,
        )
        self.assertEqual(
            self._secret_rows(
                "permanence_message_attempt", "error", deliveries.ids, "delivery_id"
            ),
            0,
        )
        self.assertEqual(set(deliveries.mapped("state")), {"sent"})
        # Chatter, tracking values and attachments
        for model, ids in (
            ("permanence.call", purged_ids),
            ("permanence.message", message_ids),
        ):
            for table, condition in (
                (
                    "mail_message",
                    "model = %s AND (body IS NOT NULL OR subject "
                    "IS NOT NULL OR record_name IS NOT NULL)",
                ),
                ("ir_attachment", "res_model = %s"),
                ("mail_followers", "res_model = %s"),
            ):
                count = self.env.execute_query(
                    SQL(
                        "SELECT count(*) FROM %s WHERE %s AND res_id = ANY(%s)",
                        SQL.identifier(table),
                        SQL(condition, model),
                        ids,
                    )
                )[0][0]
                self.assertEqual(count, 0, f"{table} of {model}")
        # Nowhere in the chatter, the mails or the attachments' names
        kept_ids = (self.recent_calls | self.held_call).ids
        kept_message_ids = (self.recent_messages | self.held_messages).ids
        self.assertEqual(
            self.env.execute_query(
                SQL(
                    "SELECT count(*) FROM mail_message WHERE body ILIKE %s AND NOT ("
                    "(model = 'permanence.call' AND res_id = ANY(%s)) OR "
                    "(model = 'permanence.message' AND res_id = ANY(%s)))",
                    f"%{SECRET}%",
                    kept_ids,
                    kept_message_ids,
                )
            )[0][0],
            0,
        )
        # What is kept: recent calls, the call under legal hold, its message
        kept = self.recent_calls | self.held_call
        self.assertEqual(set(kept.mapped("caller_name")), {SECRET})
        self.assertEqual(len(kept.answer_ids.filtered("value_text")), 3)
        self.assertEqual(
            set((self.recent_messages | self.held_messages).mapped("caller_name")),
            {SECRET},
        )
        # The tracking values of kept calls stay, those of purged ones went
        self.assertEqual(
            self.env["mail.tracking.value"].search_count(
                [("field_id", "=", self.field_caller.id)]
            ),
            len(kept),
        )
        # The caller's contact is still used by kept calls
        self.assertTrue(old_partner.exists())
        # Register: one run per client with its counts
        run = self.env["permanence.retention.run"].search(
            [("client_id", "=", self.client.id)]
        )
        self.assertEqual(run.state, "done")
        self.assertEqual(run.counts["calls"], 3)
        self.assertEqual(run.counts["messages"], 3)
        self.assertEqual(run.counts["answers"], 3)
        self.assertEqual(run.counts["attachments"], 3)
        self.assertGreaterEqual(run.counts["mail_messages"], 6)
        self.assertEqual(run.policy["call"], 12)
        self.assertIn("3", self.client.retention_register_html)
        self.assertEqual(self.client.retention_last_purge, run.date_end)

        # A second run finds nothing more: idempotent
        self._purge()
        run = self.env["permanence.retention.run"].search(
            [("client_id", "=", self.client.id)], limit=1
        )
        self.assertFalse(run.counts)

    def test_unused_caller_contact_is_deleted(self):
        self.env["permanence.call"].browse(
            (self.recent_calls | self.held_call).ids
        ).write({"partner_id": False})
        partner = self.caller
        self._purge()
        self.assertFalse(partner.exists())
        # A contact of a client is never deleted
        self.assertTrue(self.boss.exists())

    def test_legal_hold_of_client(self):
        self.medical.legal_hold = True
        medical_calls = self.old_calls.filtered(lambda c: c.client_id == self.medical)
        self._purge()
        self.assertEqual(set(medical_calls.mapped("caller_name")), {SECRET})
        self.assertFalse(
            self.env["permanence.retention.run"].search(
                [("client_id", "=", self.medical.id)]
            )
        )

    def test_longer_policy_keeps_and_zero_keeps_forever(self):
        self.client.retention_call_months = 24
        self.client.retention_message_months = 0
        self._purge()
        plain_old = self.old_calls.filtered(lambda c: c.client_id == self.client)
        self.assertEqual(set(plain_old.mapped("caller_name")), {SECRET})
        self.assertEqual(
            set(self.old_messages.mapped("caller_name")) - {False}, {SECRET}
        )
        # Payloads are still erased after three months
        plain_deliveries = self.old_messages.filtered(
            lambda m: m.client_id == self.client
        ).delivery_ids
        self.assertFalse(any(plain_deliveries.mapped("last_error")))

    def test_resumable(self):
        """A purge stopped by its deadline is interrupted, wakes the cron,
        and the next one goes on."""
        cron = self.env.ref("permanence_telephonique.ir_cron_permanence_retention")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.assertFalse(self._purge(deadline=time.monotonic() - 1))
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
        )
        run = self.env["permanence.retention.run"].search([], limit=1)
        self.assertEqual(run.state, "interrupted")
        self.assertEqual(set(self.old_calls.mapped("caller_name")), {SECRET})
        self.assertTrue(self._purge(batch_size=1))
        self.assertFalse(any(self.old_calls.mapped("caller_name")))

    def test_negative_period_refused(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.client.retention_call_months = -1
                self.env.flush_all()


@tagged("post_install", "-at_install")
class TestAccessLog(RetentionCase):
    def _logs(self, **domain):
        return self.env["permanence.access.log"].search(
            [(key, "=", value) for key, value in domain.items()]
        )

    def test_reads_of_confidential_records_are_logged(self):
        medical_call = self.old_calls.filtered(lambda c: c.client_id == self.medical)[0]
        plain_call = self.old_calls.filtered(lambda c: c.client_id == self.client)[0]
        user = self.allowed_operator
        medical_call.with_user(user).read(["caller_name"])
        plain_call.with_user(user).read(["caller_name"])
        medical_call.with_user(user).sudo().read(["caller_name"])
        logs = self._logs(user_id=user.id)
        self.assertEqual(len(logs), 1)
        self.assertEqual(
            (logs.res_model, logs.res_id, logs.client_id, logs.kind),
            ("permanence.call", medical_call.id, self.medical, "open"),
        )
        message = medical_call.permanence_message_ids
        self.env["permanence.message"].with_user(user).search_read(
            [("client_id", "=", self.medical.id)], ["subject"]
        )
        self.assertIn(
            message.id, self._logs(res_model="permanence.message").mapped("res_id")
        )
        self.assertEqual(
            set(self._logs(res_model="permanence.message").mapped("kind")), {"list"}
        )
        user.groups_id += self.env.ref("base.group_allow_export")
        medical_call.with_user(user).export_data(["caller_name"])
        self.assertTrue(self._logs(kind="export"))

    def test_access_log_purged_on_policy(self):
        call = self.old_calls.filtered(lambda c: c.client_id == self.medical)[0]
        call.with_user(self.allowed_operator).read(["caller_name"])
        old = self._logs(user_id=self.allowed_operator.id)
        old.flush_recordset()
        self.env.cr.execute(
            SQL("UPDATE permanence_access_log SET date = %s WHERE id = %s", OLD, old.id)
        )
        self.held_call.client_id.confidential = True
        self.held_call.with_user(self.manager).read(["caller_name"])
        self._purge()
        self.assertFalse(old.exists())
        self.assertTrue(self._logs(user_id=self.manager.id))
        run = self.env["permanence.retention.run"].search(
            [("client_id", "=", self.medical.id)]
        )
        self.assertEqual(run.counts["access_logs"], 1)


@tagged("post_install", "-at_install")
class TestPrivacyRequest(RetentionCase):
    def _wizard(self, subject, user=None):
        return (
            self.env["permanence.privacy.wizard"]
            .with_user(user or self.manager)
            .create({"subject": subject})
        )

    def test_export_then_erase(self):
        wizard = self._wizard(SECRET_PHONE)
        wizard.action_search()
        all_calls = self.old_calls | self.recent_calls | self.held_call
        self.assertEqual(wizard.call_ids, all_calls)
        self.assertEqual(
            wizard.message_ids,
            self.old_messages | self.recent_messages | self.held_messages,
        )
        self.assertEqual(wizard.contact_ids, self.caller)
        action = wizard.action_export()
        request = self.env["permanence.privacy.request"].search(
            [("action", "=", "export")]
        )
        self.assertEqual(request.user_id, self.manager)
        self.assertIn(str(request.attachment_id.id), action["url"])
        data = base64.b64decode(request.attachment_id.datas)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            document = json.loads(archive.read("data.json"))
            calls_csv = archive.read("calls.csv").decode()
        self.assertTrue(
            {"data.json", "calls.csv", "messages.csv", "contacts.csv"} <= names
        )
        self.assertEqual(document["subject"], SECRET_PHONE)
        self.assertEqual(len(document["sections"]["calls"]), len(all_calls))
        self.assertEqual(
            {row["caller_name"] for row in document["sections"]["calls"]}, {SECRET}
        )
        self.assertIn(SECRET, calls_csv)
        self.assertEqual(len(calls_csv.strip().splitlines()), len(all_calls) + 1)
        self.assertEqual(len(document["sections"]["answers"]), 6)
        # Medical calls were read for the export: logged as such
        self.assertTrue(
            self.env["permanence.access.log"].search(
                [("kind", "=", "export"), ("user_id", "=", self.manager.id)]
            )
        )

        # The zip is deleted after a month; the log line stays
        self.env["permanence.retention"]._retention_purge_global(
            datetime.now() + timedelta(days=40)
        )
        self.assertFalse(request.attachment_id.exists())
        self.assertTrue(request.exists())

        wizard.action_erase()
        erase = self.env["permanence.privacy.request"].search(
            [("action", "=", "erase")]
        )
        self.assertEqual(erase.counts["calls"], len(all_calls) - 1)
        self.assertEqual(set(self.held_call.mapped("caller_name")), {SECRET})
        erased = all_calls - self.held_call
        self.assertFalse(any(erased.mapped("caller_name")))
        self.assertFalse(any(erased.mapped("caller_number")))
        self.assertFalse(
            any((self.old_messages | self.recent_messages).mapped("caller_phone"))
        )
        self.assertEqual(set(self.held_messages.mapped("caller_name")), {SECRET})
        # The contact is still used by the held call: kept
        self.assertTrue(self.caller.exists())
        # Searching again finds only what is under legal hold
        wizard = self._wizard(SECRET_EMAIL)
        wizard.action_search()
        self.assertEqual(wizard.call_ids, self.held_call)
        self.assertEqual(self.env["permanence.privacy.request"].search_count([]), 4)

    def test_only_what_the_user_may_see(self):
        other_manager = new_test_user(
            self.env,
            "pt_other_manager",
            groups=MANAGER,
            company_id=self.other_company.id,
            company_ids=[Command.set(self.other_company.ids)],
        )
        self.env["permanence.call"].with_company(self.other_company).create(
            {"client_id": self.foreign.id, "caller_number_raw": SECRET_PHONE}
        )
        wizard = self._wizard(SECRET_PHONE, other_manager)
        wizard.action_search()
        self.assertEqual(wizard.call_ids.client_id, self.foreign)
        wizard.action_erase()
        self.assertEqual(set(self.old_calls.mapped("caller_name")), {SECRET})

    def test_bad_input_and_groups(self):
        with self.assertRaises(UserError):
            self._wizard("pas un numéro").action_search()
        with self.assertRaises(UserError):
            self._wizard("jeanne@").action_search()
        with self.assertRaises(AccessError):
            self._wizard(SECRET_PHONE, self.supervisor)
        self.assertFalse(self.env["permanence.privacy.request"].search([]))


@tagged("post_install", "-at_install")
class TestRetentionHttp(HttpCase, RetentionCase):
    """Over the web client's JSON-RPC: the logs and the register are for
    managers only; reading a confidential call logs it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "pt_ret_portal", groups=PORTAL, partner_id=cls.boss.id
        )
        cls.env["permanence.retention"]._purge(now=NOW)
        cls.medical_call = cls._calls(cls.medical, RECENT, 1)

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_managers_only(self):
        models = [
            "permanence.access.log",
            "permanence.retention.run",
            "permanence.privacy.request",
            "permanence.privacy.wizard",
        ]
        for login in ("pt_operator", "pt_supervisor", "pt_ret_portal"):
            self.authenticate(login, login)
            for model in models:
                with self.subTest(login=login, model=model):
                    with (
                        self.assertRaises(Exception) as raised,
                        mute_logger("odoo.http"),
                    ):
                        self._call_kw(model, "search_read", [[]], {"fields": ["id"]})
                    self.assertIn("AccessError", str(raised.exception.args))
            with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
                self._call_kw(
                    "permanence.privacy.wizard", "create", [{"subject": SECRET_PHONE}]
                )
            self.assertIn("AccessError", str(raised.exception.args))
            with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
                self._call_kw(
                    "permanence.client",
                    "read",
                    [[self.client.id], ["retention_call_months", "legal_hold"]],
                )
            self.assertIn("AccessError", str(raised.exception.args))
        self.authenticate("pt_manager", "pt_manager")
        runs = self._call_kw(
            "permanence.retention.run", "search_read", [[]], {"fields": ["summary"]}
        )
        self.assertTrue(runs)

    def test_web_read_logs_access(self):
        self.authenticate("pt_allowed", "pt_allowed")
        self._call_kw(
            "permanence.call",
            "web_read",
            [[self.medical_call.id]],
            {"specification": {"caller_name": {}}},
        )
        self._call_kw(
            "permanence.call",
            "web_search_read",
            [[("client_id", "=", self.medical.id)]],
            {"specification": {"caller_name": {}}},
        )
        # The chatter of the opened call loads (a read-only request) and is
        # not a second opening
        data = self.make_jsonrpc_request(
            "/mail/thread/data",
            {
                "thread_model": "permanence.call",
                "thread_id": self.medical_call.id,
                "request_list": ["activities", "attachments", "followers"],
            },
        )
        self.assertTrue(data)
        logs = self.env["permanence.access.log"].search(
            [("user_id", "=", self.allowed_operator.id)]
        )
        self.assertEqual(set(logs.mapped("kind")), {"open", "list"})
        self.assertEqual(len(logs.filtered(lambda log: log.kind == "open")), 1)
        self.assertIn(self.medical_call.id, logs.mapped("res_id"))
        # The operator cannot read the log they wrote
        with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
            self._call_kw("permanence.access.log", "read", [logs.ids, ["res_id"]])
        self.assertIn("AccessError", str(raised.exception.args))
