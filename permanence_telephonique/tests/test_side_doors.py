"""Side doors: what an attacker reaches by calling the models directly over
JSON-RPC (a portal user of another client, an operator who is not allowed on
the confidential client), beside what the screens show."""

import ast
import glob
import json
import os
from email import message_from_bytes, policy

from odoo.exceptions import AccessError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .servers import RecordingHttpServer, RecordingSmtpServer, real_smtp
from .test_security import SecurityFixtures
from .test_transmission import TransmissionCase

ADDONS = ("permanence_telephonique", "permanence_agenda", "permanence_voip")
# Checked by the ORM itself before anything runs as superuser.
ORM_CHECKED = {"create", "write", "unlink", "copy", "init"}


def public_methods_using_sudo(addon):
    """(file, class, method) of every public method of the addon's models
    and wizards that reaches ``sudo()`` (itself or through the private
    methods of its class it calls), and whether it calls ``check_rights``
    itself."""
    found = []
    root = get_module_path(addon)
    files = glob.glob(os.path.join(root, "models", "*.py")) + glob.glob(
        os.path.join(root, "wizards", "*.py")
    )
    for path in sorted(files):
        with open(path, encoding="utf-8") as source:
            tree = ast.parse(source.read())
        for cls in [node for node in tree.body if isinstance(node, ast.ClassDef)]:
            methods = {
                fn.name: fn for fn in cls.body if isinstance(fn, ast.FunctionDef)
            }

            def reached(fn, seen, methods=methods):
                for node in ast.walk(fn):
                    name = getattr(node, "attr", None)
                    if (
                        isinstance(node, ast.Attribute)
                        and name in methods
                        and name.startswith("_")
                        and name not in seen
                    ):
                        seen.add(name)
                        reached(methods[name], seen)
                return seen

            for name, fn in methods.items():
                if name.startswith("_") or name in ORM_CHECKED:
                    continue
                if any("property" in ast.unparse(d) for d in fn.decorator_list):
                    continue
                bodies = [fn] + [methods[n] for n in reached(fn, set())]
                if any("sudo(" in ast.unparse(body) for body in bodies):
                    checked = "check_rights(" in ast.unparse(fn)
                    found.append((os.path.basename(path), cls.name, name, checked))
    return found


@tagged("post_install", "-at_install")
class TestPublicMethodsCheckFirst(TransactionCase):
    def test_every_public_method_reaching_sudo_checks_rights(self):
        """A public method is callable over JSON-RPC by any logged-in user on
        any id: if it reaches sudo(), it must check rights and group first."""
        scanned = []
        for addon in ADDONS:
            scanned += public_methods_using_sudo(addon)
        # The scan finds the methods named in the issue: it is not empty.
        names = {name for __, __, name, __ in scanned}
        self.assertTrue(
            {
                "action_reset_feed_token",
                "action_generate_webhook_secret",
                "action_voip_call_back",
            }
            <= names,
            names,
        )
        unchecked = [row[:3] for row in scanned if not row[3]]
        self.assertEqual(unchecked, [], "public methods that sudo() unchecked")


class SideDoorFixtures(SecurityFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A portal user of the plumber (client "plain"): an attacker for the
        # confidential practice.
        cls.plumber_portal = new_test_user(
            cls.env,
            "pt_sd_portal",
            groups="base.group_portal",
            partner_id=cls.boss.id,
            name=cls.boss.name,
            email=cls.boss.email,
        )
        cls.medical.webhook_secret = "medical-secret"
        cls.client.webhook_secret = "plumber-secret"


@tagged("post_install", "-at_install")
class TestSideDoorsHttp(HttpCase, SideDoorFixtures):
    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _refused(self, model, method, args, kwargs=None, error="AccessError"):
        with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
            self._call_kw(model, method, args, kwargs)
        self.assertIn(error, str(raised.exception.args))

    def test_webhook_secret_is_not_regenerated_by_strangers(self):
        for login, client in (
            ("pt_sd_portal", self.medical),
            ("pt_sd_portal", self.client),
            ("pt_operator", self.medical),
            ("pt_allowed", self.medical),
        ):
            with self.subTest(login=login, client=client.code):
                self.authenticate(login, login)
                self._refused(
                    "permanence.client", "action_generate_webhook_secret", [client.ids]
                )
        self.assertEqual(self.medical.webhook_secret, "medical-secret")
        self.assertEqual(self.client.webhook_secret, "plumber-secret")
        self.authenticate("pt_supervisor", "pt_supervisor")
        self._call_kw(
            "permanence.client", "action_generate_webhook_secret", [self.medical.ids]
        )
        self.medical.invalidate_recordset()
        self.assertNotEqual(self.medical.webhook_secret, "medical-secret")

    def test_state_actions_need_a_supervisor(self):
        self.authenticate("pt_sd_portal", "pt_sd_portal")
        self._refused("permanence.client", "action_suspend", [self.medical.ids])
        self.authenticate("pt_operator", "pt_operator")
        self._refused("permanence.client", "action_suspend", [self.client.ids])
        self.assertEqual(self.client.state, "active")
        self.assertEqual(self.medical.state, "active")

    def test_message_of_a_client_cannot_carry_another_clients_call(self):
        """The allowed operator sees both clients: a message of the plumber
        pointing at the practice's call would email the call's answers to
        the plumber."""
        plain = self.records["plain"]
        medical = self.records["medical"]
        self.authenticate("pt_allowed", "pt_allowed")
        self._refused(
            "permanence.message",
            "create",
            [{"client_id": self.client.id, "call_id": medical["permanence.call"].id}],
            error="ValidationError",
        )
        self._refused(
            "permanence.message",
            "write",
            [
                plain["permanence.message"].ids,
                {"call_id": medical["permanence.call"].id},
            ],
            error="ValidationError",
        )
        self.assertEqual(plain["permanence.message"].call_id, plain["permanence.call"])

    def test_answer_cannot_point_at_another_clients_question(self):
        plain = self.records["plain"]
        medical = self.records["medical"]
        self.authenticate("pt_allowed", "pt_allowed")
        self._refused(
            "permanence.call.answer",
            "create",
            [
                {
                    "call_id": plain["permanence.call"].id,
                    "question_id": medical["permanence.script.question"].id,
                }
            ],
            error="ValidationError",
        )

    def test_call_cannot_use_another_clients_reason(self):
        plain = self.records["plain"]
        medical = self.records["medical"]
        self.authenticate("pt_allowed", "pt_allowed")
        self._refused(
            "permanence.call",
            "write",
            [
                plain["permanence.call"].ids,
                {"reason_id": medical["permanence.call.reason"].id},
            ],
            error="ValidationError",
        )
        self.assertEqual(
            plain["permanence.call"].reason_id, plain["permanence.call.reason"]
        )


@tagged("post_install", "-at_install")
class TestClientLinks(SideDoorFixtures):
    """Every link between client-owned records stays within one client."""

    def _owned_models(self):
        return [
            model
            for name, model in self.env.items()
            if "client_id" in model._fields
            and model._fields["client_id"].comodel_name == "permanence.client"
            and not model._abstract
        ]

    def test_every_client_owned_model_checks_its_links(self):
        owned = self._owned_models()
        owned_names = {model._name for model in owned}
        self.assertIn("permanence.emergency", owned_names)
        self.assertIn("calendar.event", owned_names)
        mixin = self.env["permanence.client.owned"]
        missing = []
        for model in owned:
            if model._name not in mixin._inherit_children:
                missing.append((model._name, "does not inherit the mixin"))
                continue
            for name, field in model._fields.items():
                if field.type not in ("many2one", "many2many"):
                    continue
                if field.related or (field.compute and not field.store):
                    continue
                if field.comodel_name not in owned_names:
                    continue
                if not getattr(field, "check_client", False):
                    missing.append((model._name, name))
        self.assertEqual(missing, [])

    def test_foreign_links_refused_on_every_model_with_records(self):
        """For each link field of each fixture record: pointing it at the
        other client's record of that model is refused."""
        plain = self.records["plain"]
        medical = self.records["medical"]
        tried = 0
        for model_name, record in plain.items():
            if model_name == "permanence.client":
                continue  # the account itself, not a record it owns
            owner = record._fields.get("client_id")
            # The field a related client_id follows moves the record itself.
            parent = owner.related.split(".")[0] if owner and owner.related else None
            for name in record._client_link_fields():
                field = record._fields[name]
                if name == parent:
                    continue
                foreign = medical.get(field.comodel_name)
                if not foreign:
                    continue
                value = foreign[:1].id
                if field.type == "many2many":
                    value = [(4, value)]
                with self.subTest(model=model_name, field=name):
                    with self.assertRaises(ValidationError), self.cr.savepoint():
                        record[:1].write({name: value})
                    tried += 1
        self.assertGreaterEqual(tried, 4)

    def test_emergency_cannot_use_another_clients_protocol(self):
        reason = self.records["medical"]["permanence.call.reason"]
        protocol = self.env["permanence.emergency.protocol"].create(
            {
                "name": "Urgence vitale",
                "client_id": self.medical.id,
                "reason_id": reason.id,
                "fallback_instructions": "Appeler le 15.",
                "step_ids": [(0, 0, {"sequence": 1, "channel": "call"})],
            }
        )
        call = self.records["plain"]["permanence.call"]
        with self.assertRaises(ValidationError):
            self.env["permanence.emergency"].with_user(self.allowed_operator).create(
                {
                    "call_id": call.id,
                    "client_id": self.client.id,
                    "protocol_id": protocol.id,
                }
            )


@tagged("post_install", "-at_install")
class TestPublicMethodsOrm(SideDoorFixtures):
    def test_operator_cannot_generate_the_secret(self):
        with self.assertRaises(AccessError):
            self.client.with_user(self.operator).action_generate_webhook_secret()
        self.assertEqual(self.client.webhook_secret, "plumber-secret")


# What a client's portal user may read, model by model (fields of our
# addons). A new field is private until it is added here and to the model's
# ``_permanence_portal_fields``.
PORTAL_ALLOWED = {
    "permanence.client": {
        "name",
        "code",
        "active",
        "partner_id",
        "state",
        "tz",
        "instructions",
    },
    "permanence.message": {
        "client_id",
        "call_id",
        "subject",
        "body",
        "answers_html",
        "caller_name",
        "caller_company",
        "caller_phone",
        "caller_email",
        "urgency",
        "callback_requested",
        "callback_before",
        "state",
        "date_sent",
        "date_acknowledged",
        "acknowledged_by",
        "create_date",
    },
    "permanence.call": {
        "name",
        "client_id",
        "direction",
        "state",
        "date_start",
        "caller_number",
        "caller_number_raw",
        "caller_withheld",
        "caller_name",
        "caller_company",
        "reason_id",
        "outcome",
        "talk_duration",
        "in_coverage",
    },
    "permanence.faq": {"client_id", "sequence", "question", "answer"},
    "permanence.interlocutor": {
        "client_id",
        "partner_id",
        "name",
        "role",
        "availability",
        "sequence",
        "active",
    },
    "permanence.interlocutor.status": {
        "interlocutor_id",
        "client_id",
        "kind",
        "date_from",
        "date_to",
        "note",
        "replacement_id",
        "source",
        "active",
        "label",
        "is_current",
    },
    "permanence.change.request": {
        "client_id",
        "partner_id",
        "kind",
        "faq_id",
        "question",
        "proposed_text",
        "current_text",
        "state",
        "date_request",
        "date_done",
        "refuse_reason",
        "create_date",
        "interlocutor_id",
        "interlocutor_action",
        "proposed_name",
        "proposed_phone",
        "proposed_mobile",
        "proposed_email",
        "proposed_role",
        "proposed_receives_messages",
        "proposed_transfer_allowed",
        "proposed_transfer_number",
    },
    "permanence.service.period": {
        "client_id",
        "mode",
        "reason",
        "date_from",
        "date_to",
        "note",
        "source",
        "state",
        "status",
        "duration_hours",
        "create_date",
    },
    "permanence.emergency": {
        "name",
        "client_id",
        "reason_id",
        "urgency",
        "state",
        "date_start",
        "date_reached",
        "date_end",
        "reached_interlocutor_id",
        "reach_duration",
        "attempt_ids",
    },
    "permanence.emergency.attempt": {
        "emergency_id",
        "client_id",
        "channel",
        "interlocutor_id",
        "date_start",
        "date_end",
        "result",
    },
    "res.partner": {"phone_e164", "mobile_e164"},
    # A user reads these on their own record only (SELF_READABLE_FIELDS).
    "res.users": {"permanence_extension", "permanence_presence"},
    "calendar.event": {
        "agenda_id",
        "appointment_type_id",
        "client_id",
        "booking_state",
        "caller_name",
    },
}


@tagged("post_install", "-at_install")
class TestPortalFieldAllowList(HttpCase, SideDoorFixtures):
    def _portal_models(self):
        """Every model holding fields of our addons that a portal user may
        read at all."""
        portal_env = self.env(user=self.plumber_portal)
        names = []
        for name, model in self.env.items():
            if model._abstract or model._transient:
                continue
            ours = [f for f in model._fields.values() if f._module in ADDONS]
            if ours and portal_env[name].has_access("read"):
                names.append(name)
        return names

    def _readable(self, model_name):
        fields_get = self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model_name}/fields_get",
            {
                "model": model_name,
                "method": "fields_get",
                "args": [],
                "kwargs": {"attributes": ["type"]},
            },
        )
        model = self.env[model_name]
        return {
            name
            for name in fields_get
            if name in model._fields
            and name not in ("id", "display_name")
            and (
                model._original_module in ADDONS
                or model._fields[name]._module in ADDONS
            )
        }

    def test_portal_reads_only_allowed_fields_of_every_model(self):
        models = self._portal_models()
        self.assertIn("permanence.call", models)
        self.assertEqual(set(models), set(PORTAL_ALLOWED), "portal-readable models")
        self.authenticate("pt_sd_portal", "pt_sd_portal")
        for model_name in models:
            with self.subTest(model=model_name):
                self.assertEqual(self._readable(model_name), PORTAL_ALLOWED[model_name])

    def test_portal_cannot_read_internal_fields_of_its_own_records(self):
        plain = self.records["plain"]
        self.client.webhook_url = "https://hooks.example.com/plomberie"
        self.authenticate("pt_sd_portal", "pt_sd_portal")
        call = plain["permanence.call"]
        rows = self.make_jsonrpc_request(
            "/web/dataset/call_kw/permanence.call/read",
            {
                "model": "permanence.call",
                "method": "read",
                "args": [call.ids, ["caller_name"]],
                "kwargs": {},
            },
        )
        self.assertEqual(rows[0]["caller_name"], "Patient plain")
        for model, record, field in (
            ("permanence.call", call, "notes"),
            ("permanence.call", call, "filter_rule_id"),
            ("permanence.call", call, "user_id"),
            ("permanence.client", self.client, "webhook_url"),
            ("permanence.client", self.client, "allowed_operator_ids"),
            ("permanence.client", self.client, "audit_objectives"),
        ):
            with self.subTest(model=model, field=field):
                with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/{model}/read",
                        {
                            "model": model,
                            "method": "read",
                            "args": [record.ids, [field]],
                            "kwargs": {},
                        },
                    )
                self.assertIn("AccessError", str(raised.exception.args))
        # Nor in bulk: a read without fields returns the allowed ones only.
        rows = self.make_jsonrpc_request(
            "/web/dataset/call_kw/permanence.call/read",
            {
                "model": "permanence.call",
                "method": "read",
                "args": [call.ids],
                "kwargs": {},
            },
        )
        self.assertNotIn("notes", rows[0])


@tagged("post_install", "-at_install")
class TestChatterSideDoors(HttpCase, SideDoorFixtures):
    """Followers, notifications and chatter copies of a confidential
    client's records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls.records["medical"]["permanence.call"]
        cls.call.with_context(tracking_disable=False).message_subscribe(
            partner_ids=cls.doctor.ids
        )
        cls.note = cls.call.message_post(
            body="Résultats de prise de sang anormaux",
            partner_ids=cls.doctor.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_followers_and_notifications_hidden_from_operators_not_allowed(self):
        followers = self.env["mail.followers"].search(
            [("res_model", "=", "permanence.call"), ("res_id", "=", self.call.id)]
        )
        notifications = self.env["mail.notification"].search(
            [("mail_message_id", "=", self.note.id)]
        )
        self.assertTrue(followers and notifications)
        self.authenticate("pt_operator", "pt_operator")
        self.assertEqual(
            self._call_kw(
                "mail.followers",
                "search_read",
                [
                    [
                        ("res_model", "=", "permanence.call"),
                        ("res_id", "=", self.call.id),
                    ]
                ],
                {"fields": ["res_id", "partner_id"]},
            ),
            [],
        )
        self.assertEqual(
            self._call_kw(
                "mail.notification",
                "search_read",
                [[("mail_message_id", "=", self.note.id)]],
                {"fields": ["res_partner_id"]},
            ),
            [],
        )
        for model, ids in (
            ("mail.followers", followers.ids),
            ("mail.notification", notifications.ids),
        ):
            with self.subTest(model=model):
                with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
                    self._call_kw(model, "read", [ids, ["display_name"]])
                self.assertIn("AccessError", str(raised.exception.args))
        # The allowed operator sees them.
        self.authenticate("pt_allowed", "pt_allowed")
        rows = self._call_kw(
            "mail.followers",
            "search_read",
            [[("res_model", "=", "permanence.call"), ("res_id", "=", self.call.id)]],
            {"fields": ["partner_id"]},
        )
        self.assertIn(self.doctor.id, [row["partner_id"][0] for row in rows])

    def test_chatter_cannot_be_copied_or_moved(self):
        target = self.records["plain"]["permanence.call"]
        for login in ("pt_operator", "pt_allowed"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                with self.assertRaises(Exception) as raised, mute_logger("odoo.http"):
                    self._call_kw(
                        "mail.message",
                        "copy",
                        [self.note.ids],
                        {"default": {"res_id": target.id}},
                    )
                self.assertIn("AccessError", str(raised.exception.args))
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "permanence.call"),
                    ("res_id", "=", target.id),
                    ("body", "ilike", "prise de sang"),
                ]
            ),
            0,
        )
        with self.assertRaises(AccessError):
            self.note.with_user(self.allowed_operator).write({"res_id": target.id})
        self.assertEqual(self.note.res_id, self.call.id)


@tagged("post_install", "-at_install")
class TestRouteInputs(HttpCase, SideDoorFixtures):
    """Input no record can match is a 404 or a redirect, never a 500."""

    def test_public_links(self):
        for path in (
            "/permanence/ack/99999999999/1/x",
            "/permanence/ack/1/99999999999/x",
            "/permanence/ack/1/1/%00",
            "/permanence/message/99999999999/1/x",
            "/permanence/message/1/1/%00",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.url_open(path).status_code, 404)

    def test_portal_routes(self):
        self.authenticate("pt_sd_portal", "pt_sd_portal")
        for path in (
            "/my/permanence/messages/99999999999",
            "/my/permanence/emergencies/99999999999",
            "/my/permanence/usage/99999999999/calls.csv",
            "/my/permanence?client_id=%00",
            "/my/permanence/calls?client_id=99999999999999",
        ):
            with self.subTest(path=path):
                response = self.url_open(path, allow_redirects=False)
                self.assertIn(response.status_code, (200, 302, 303, 400, 403, 404))


@tagged("post_install", "-at_install")
class TestContentFreeNotice(HttpCase, TransmissionCase):
    """A confidential client's messages leave as a notice with a signed link;
    the content is shown once the link is opened."""

    def test_default_on_for_confidential_clients_only(self):
        self.assertTrue(self.medical.content_free_notice)
        self.assertFalse(self.client.content_free_notice)
        self.client.confidential = True
        self.assertTrue(self.client.content_free_notice)
        self.client.content_free_notice = False
        self.assertFalse(self.client.content_free_notice)

    def test_no_digest_for_content_free_clients(self):
        self.client.write({"daily_digest": True, "content_free_notice": True})
        self._message().action_send()
        digests = [("model", "=", "permanence.client"), ("res_id", "=", self.client.id)]
        self.env["permanence.client"]._cron_send_digest()
        self.assertFalse(self.env["mail.mail"].search(digests))
        self.client.content_free_notice = False
        self.env["permanence.client"]._cron_send_digest()
        self.assertTrue(self.env["mail.mail"].search(digests))

    def test_email_and_sms_carry_no_content(self):
        self.client.content_free_notice = True
        with RecordingSmtpServer() as smtp, real_smtp():
            self.env["ir.mail_server"].create(
                {
                    "name": "SMTP local",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": smtp.port,
                    "smtp_encryption": "none",
                }
            )
            message = self._message()
            message.action_send()
            self.Delivery._process_due()
            self.assertEqual(len(smtp.envelopes), 1)
            mail = message_from_bytes(smtp.envelopes[0].content, policy=policy.default)
        self.assertEqual(mail["Subject"], "New message from the answering service")
        html = mail.get_body(("html",)).get_content()
        for secret in ("Fuite", "Dupont", "612345678", "rappeler"):
            self.assertNotIn(secret, html)
            self.assertNotIn(secret, mail["Subject"])
        link = message._read_url(self.boss_interlocutor)
        self.assertIn(link, html)

        with RecordingHttpServer([(200, {"id": "sms-1"})]) as gateway_server:
            self._gateway(gateway_server.url + "/send")
            urgent = self._message(urgency="urgent")
            urgent.action_send()
            self.Delivery._process_due()
            text = json.loads(gateway_server.requests[0]["body"])["text"]
        self.assertEqual(
            text,
            "New message from the answering service — open: "
            + urgent._read_url(self.boss_interlocutor),
        )

        # Opening the link shows the message.
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Merci de rappeler", page.text)
        self.assertIn("M. Dupont", page.text)
        # A forged or another recipient's link shows nothing.
        self.assertEqual(self.url_open(link[:-2] + "xx").status_code, 404)
        # With the portal login option, the link leads to the portal.
        self.client.notice_requires_login = True
        response = self.url_open(link, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn(
            f"/my/permanence/messages/{message.id}", response.headers["Location"]
        )
