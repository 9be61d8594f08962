# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import events
from .common import SUPERVISOR, VoipCase, new_test_user


@tagged("post_install", "-at_install")
class TestVoipSecurity(VoipCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_supervisor = new_test_user(
            cls.env,
            "pt_other_supervisor",
            groups=SUPERVISOR,
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        Call = cls.env["permanence.call"]
        cls.medical_call = Call._voip_process(
            cls.pbx,
            events.validate(
                {
                    "pbx": "paris",
                    "event": "hangup",
                    "call_id": "sec-1",
                    "from": "0601020304",
                    "to": "01 45 00 00 00",
                    "timestamp": "2026-03-02T10:00:00+01:00",
                    "recording_url": "https://pbx.example.com/rec/sec-1.wav",
                }
            ),
        )[0]

    def test_secret_readable_by_managers_only(self):
        for user in (self.operator, self.supervisor):
            pbx = self.pbx.with_user(user)
            self.assertEqual(pbx.name, "Asterisk Paris")
            with self.assertRaises(AccessError):
                __ = pbx.secret
            with self.assertRaises(AccessError):
                pbx.write({"name": "Hacked"})
        self.assertEqual(self.pbx.with_user(self.manager).secret, "s3cr3t-for-tests")

    def test_secret_not_readable_over_http(self):
        self.authenticate("pt_supervisor", "pt_supervisor")
        with (
            self.assertRaises(Exception) as error,
            mute_logger("odoo.http"),
        ):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/permanence.voip.pbx/read",
                {
                    "model": "permanence.voip.pbx",
                    "method": "read",
                    "args": [self.pbx.ids, ["secret"]],
                    "kwargs": {},
                },
            )
        self.assertIn("AccessError", str(error.exception))

    def test_secret_shown_and_copyable_by_managers_only(self):
        """The configuration guide says to copy the secret into the PBX: the
        manager's form shows it with a copy button; nobody else gets it."""

        def secret_nodes(user):
            arch = (
                self.env["permanence.voip.pbx"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            return etree.fromstring(arch).xpath("//field[@name='secret']")

        nodes = secret_nodes(self.manager)
        self.assertEqual(len(nodes), 1)
        self.assertEqual(nodes[0].get("widget"), "CopyClipboardChar")
        self.assertNotIn(nodes[0].get("password"), ("True", "1", "true"))
        for user in (self.operator, self.supervisor):
            self.assertFalse(secret_nodes(user), user.login)

    def test_pbx_and_events_of_another_company_are_hidden(self):
        Pbx = self.env["permanence.voip.pbx"]
        self.assertEqual(
            Pbx.with_user(self.other_supervisor).search([]), self.other_pbx
        )
        # (the demo data may hold other PBX of the same company)
        self.assertEqual(
            Pbx.with_user(self.supervisor).search(
                [("id", "in", (self.pbx | self.other_pbx).ids)]
            ),
            self.pbx,
        )
        Event = self.env["permanence.voip.event"]
        self.assertTrue(Event.with_user(self.supervisor).search([]))
        self.assertFalse(Event.with_user(self.other_supervisor).search([]))

    def test_operators_do_not_read_the_event_log(self):
        with self.assertRaises(AccessError):
            self.env["permanence.voip.event"].with_user(self.operator).search([])

    def test_recording_visible_to_who_may_see_the_call(self):
        call = self.medical_call
        self.assertEqual(call.client_id, self.medical)
        self.assertEqual(
            call.with_user(self.allowed_operator).recording_url,
            "https://pbx.example.com/rec/sec-1.wav",
        )
        with self.assertRaises(AccessError):
            __ = call.with_user(self.operator).recording_url

    def test_presence_and_extension_rights(self):
        own = self.operator.with_user(self.operator)
        own.write({"permanence_presence": "pause"})
        self.assertEqual(self.operator.permanence_presence, "pause")
        with self.assertRaises(AccessError):
            own.write({"permanence_extension": "999"})
        with self.assertRaises(AccessError):
            self.allowed_operator.with_user(self.operator).action_permanence_pause()
        self.assertEqual(self.allowed_operator.permanence_presence, "available")

    def test_dial_and_call_back_check_rights_first(self):
        """Dialling goes through the PBX as superuser: a portal user, or an
        operator not allowed on the confidential client, is refused before."""
        message = self.env["permanence.message"].create(
            {
                "client_id": self.medical.id,
                "call_id": self.medical_call.id,
                "caller_phone": "0601020304",
            }
        )
        portal = new_test_user(self.env, "pt_voip_portal", groups="base.group_portal")
        for login in (portal.login, self.operator.login):
            self.authenticate(login, login)
            for model, method, record in (
                ("permanence.call", "action_voip_dial", self.medical_call),
                ("permanence.message", "action_voip_call_back", message),
            ):
                with self.subTest(login=login, method=method):
                    with (
                        self.assertRaises(Exception) as raised,
                        mute_logger("odoo.http"),
                    ):
                        self.make_jsonrpc_request(
                            f"/web/dataset/call_kw/{model}/{method}",
                            {
                                "model": model,
                                "method": method,
                                "args": [record.ids],
                                "kwargs": {},
                            },
                        )
                    self.assertIn("AccessError", str(raised.exception.args))
        self.assertNotIn("Called back", self.medical_call.message_ids.mapped("body"))
