from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import PermanenceCase

MODELS = [
    "permanence.client",
    "permanence.client.number",
    "permanence.interlocutor",
    "permanence.faq",
    "permanence.call.reason",
    "permanence.script.question",
    "permanence.filter.rule",
    "permanence.call",
    "permanence.call.answer",
    "permanence.message",
]


class SecurityFixtures(PermanenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.records = {"medical": {}, "foreign": {}, "plain": {}}
        for key, client in (
            ("medical", cls.medical),
            ("foreign", cls.foreign),
            ("plain", cls.client),
        ):
            env = cls.env["permanence.client"].with_company(client.company_id).env
            number = env["permanence.client.number"].create(
                {"client_id": client.id, "number": f"01 46 00 00 0{len(key)}"}
            )
            partner = env["res.partner"].create({"name": f"Contact {key}"})
            interlocutor = env["permanence.interlocutor"].create(
                {"client_id": client.id, "partner_id": partner.id}
            )
            faq = env["permanence.faq"].create(
                {"client_id": client.id, "question": "Horaires ?", "answer": "9h-18h"}
            )
            reason = env["permanence.call.reason"].create(
                {
                    "client_id": client.id,
                    "name": "Résultats d'analyses",
                    "question_ids": [(0, 0, {"name": "Date de naissance"})],
                }
            )
            rule = env["permanence.filter.rule"].create(
                {
                    "client_id": client.id,
                    "name": "Démarchage",
                    "match": "category",
                    "category": "solicitation",
                    "action": "block",
                }
            )
            call = env["permanence.call"].create(
                {
                    "client_id": client.id,
                    "reason_id": reason.id,
                    "caller_name": f"Patient {key}",
                    "notes": "Résultats de prise de sang",
                }
            )
            message = env["permanence.message"].create(
                {"client_id": client.id, "call_id": call.id, "subject": "Résultats"}
            )
            cls.records[key] = {
                "permanence.client": client,
                "permanence.client.number": number,
                "permanence.interlocutor": interlocutor,
                "permanence.faq": faq,
                "permanence.call.reason": reason,
                "permanence.script.question": reason.question_ids,
                "permanence.filter.rule": rule,
                "permanence.call": call,
                "permanence.call.answer": call.answer_ids,
                "permanence.message": message,
            }
        for model in MODELS:
            assert all(cls.records[key][model] for key in cls.records), model


@tagged("post_install", "-at_install")
class TestRecordRulesOrm(SecurityFixtures):
    def _visible(self, user, model, key):
        record = self.records[key][model]
        return bool(self.env[model].with_user(user).search([("id", "=", record.id)]))

    def test_groups_are_chained(self):
        self.assertTrue(
            self.manager.has_group(
                "permanence_telephonique.group_permanence_supervisor"
            )
        )
        self.assertTrue(
            self.manager.has_group("permanence_telephonique.group_permanence_operator")
        )
        self.assertTrue(
            self.supervisor.has_group(
                "permanence_telephonique.group_permanence_operator"
            )
        )
        self.assertFalse(
            self.operator.has_group(
                "permanence_telephonique.group_permanence_supervisor"
            )
        )

    def test_confidential_clients_stay_with_allowed_operators(self):
        for model in MODELS:
            with self.subTest(model=model):
                self.assertFalse(self._visible(self.operator, model, "medical"))
                self.assertTrue(self._visible(self.allowed_operator, model, "medical"))
                self.assertTrue(self._visible(self.supervisor, model, "medical"))
                self.assertTrue(self._visible(self.operator, model, "plain"))
                with self.assertRaises(AccessError):
                    self.records["medical"][model].with_user(self.operator).read(
                        ["display_name"]
                    )

    def test_multi_company(self):
        for model in MODELS:
            with self.subTest(model=model):
                self.assertFalse(self._visible(self.operator, model, "foreign"))
                self.assertFalse(self._visible(self.supervisor, model, "foreign"))
                self.assertTrue(self._visible(self.other_operator, model, "foreign"))
                self.assertFalse(self._visible(self.other_operator, model, "plain"))

    def test_operator_cannot_set_up_accounts(self):
        Client = self.env["permanence.client"]
        with self.assertRaises(AccessError):
            self.client.with_user(self.operator).write({"instructions": "<p>x</p>"})
        with self.assertRaises(AccessError):
            Client.with_user(self.operator).create(
                {"name": "X", "code": "X", "partner_id": self.plumber_partner.id}
            )
        with self.assertRaises(AccessError):
            self.env["permanence.faq"].with_user(self.operator).create(
                {"client_id": self.client.id, "question": "Q", "answer": "A"}
            )
        # Supervisors set up accounts but do not delete them; managers may.
        client = Client.with_user(self.supervisor).create(
            {"name": "X", "code": "X", "partner_id": self.plumber_partner.id}
        )
        with self.assertRaises(AccessError):
            client.with_user(self.supervisor).unlink()
        client.with_user(self.manager).unlink()

    def test_operator_takes_calls_and_messages(self):
        call = (
            self.env["permanence.call"]
            .with_user(self.operator)
            .create({"client_id": self.client.id, "caller_name": "Jean"})
        )
        message = (
            self.env["permanence.message"]
            .with_user(self.operator)
            .create(
                {"client_id": self.client.id, "call_id": call.id, "subject": "Rappel"}
            )
        )
        self.assertEqual(message.user_id, self.operator)
        with self.assertRaises(AccessError):
            call.with_user(self.operator).unlink()
        # An operator cannot file a call on a confidential client not theirs.
        with self.assertRaises(AccessError):
            self.env["permanence.call"].with_user(self.operator).create(
                {"client_id": self.medical.id, "caller_name": "Patient"}
            )


@tagged("post_install", "-at_install")
class TestRecordRulesHttp(HttpCase, SecurityFixtures):
    """The same rules, over the web client's JSON-RPC, as a browser would ask."""

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _ids_seen(self, model):
        rows = self._call_kw(model, "search_read", [[]], {"fields": ["id"]})
        return {row["id"] for row in rows}

    def _assert_sees(self, login, visible_keys, hidden_keys):
        self.authenticate(login, login)
        for model in MODELS:
            with self.subTest(login=login, model=model):
                seen = self._ids_seen(model)
                for key in visible_keys:
                    self.assertIn(self.records[key][model].id, seen)
                for key in hidden_keys:
                    record_id = self.records[key][model].id
                    self.assertNotIn(record_id, seen)
                    with (
                        self.assertRaises(Exception) as raised,
                        mute_logger("odoo.http"),
                    ):
                        self._call_kw(model, "read", [[record_id], ["display_name"]])
                    self.assertIn("AccessError", str(raised.exception.args))

    def test_http_operator_without_permission(self):
        self._assert_sees("pt_operator", ["plain"], ["medical", "foreign"])

    def test_http_allowed_operator(self):
        self._assert_sees("pt_allowed", ["plain", "medical"], ["foreign"])

    def test_http_supervisor(self):
        self._assert_sees("pt_supervisor", ["plain", "medical"], ["foreign"])

    def test_http_other_company(self):
        self._assert_sees("pt_other_company", ["foreign"], ["plain", "medical"])

    def test_http_anonymous_gets_nothing(self):
        response = self.url_open(
            "/web/dataset/call_kw/permanence.message/search_read",
            data=b'{"jsonrpc": "2.0", "method": "call", "params": {"model": '
            b'"permanence.message", "method": "search_read", "args": [[]], '
            b'"kwargs": {}}}',
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        self.assertNotIn("result", body)
        self.assertIn("SessionExpired", str(body["error"]))
