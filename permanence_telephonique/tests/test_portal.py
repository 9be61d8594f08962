import re
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PermanenceCase

PORTAL = "base.group_portal"
PORTAL_MODELS = [
    "permanence.client",
    "permanence.message",
    "permanence.call",
    "permanence.faq",
    "permanence.interlocutor",
    "permanence.change.request",
]


class PortalFixtures(PermanenceCase):
    """On top of the common accounts: a law firm (another client company), a
    second account of the plumber, portal users of each company, and sent
    messages and calls for each account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.law_partner = Partner.create({"name": "Cabinet d'avocats Test"})
        cls.lawyer = Partner.create(
            {
                "name": "Maître Alice Test",
                "parent_id": cls.law_partner.id,
                "email": "alice@avocats.example.com",
            }
        )
        cls.secretary = Partner.create(
            {
                "name": "Sophie Secrétaire",
                "parent_id": cls.practice_partner.id,
                "email": "sophie@cabinet.example.com",
            }
        )
        cls.colleague = Partner.create(
            {
                "name": "Dr Anne Collègue",
                "parent_id": cls.practice_partner.id,
                "email": "anne@cabinet.example.com",
            }
        )
        Client = cls.env["permanence.client"]
        cls.law = Client.create(
            {
                "name": "Avocats Test",
                "code": "LAW",
                "partner_id": cls.law_partner.id,
                "state": "active",
                "coverage_mode": "always",
                "instructions": "<p>LAW-INSTRUCTIONS: never give the address</p>",
                "faq_ids": [(0, 0, {"question": "LAW-FAQ-Q", "answer": "LAW-FAQ-A"})],
                "interlocutor_ids": [(0, 0, {"partner_id": cls.lawyer.id})],
            }
        )
        cls.client.write(
            {
                "instructions": "<p>PLUMB-INSTRUCTIONS: emergencies first</p>",
                "faq_ids": [
                    (0, 0, {"question": "PLUMB-FAQ-Q", "answer": "PLUMB-FAQ-A"})
                ],
            }
        )
        cls.plumber_on_call = Client.create(
            {
                "name": "Plomberie Test Astreinte",
                "code": "PLOMB2",
                "partner_id": cls.plumber_partner.id,
                "state": "active",
                "coverage_mode": "always",
            }
        )
        cls.medical.write(
            {
                "instructions": "<p>MED-INSTRUCTIONS: no medical advice</p>",
                "interlocutor_ids": [(0, 0, {"partner_id": cls.colleague.id})],
            }
        )
        cls.colleague_interlocutor = cls.medical.interlocutor_ids.filtered(
            lambda i: i.partner_id == cls.colleague
        )

        cls.plumber_user = cls._portal_user("pt_portal_plumber", cls.boss)
        cls.lawyer_user = cls._portal_user("pt_portal_lawyer", cls.lawyer)
        cls.doctor_user = cls._portal_user("pt_portal_doctor", cls.doctor)
        cls.secretary_user = cls._portal_user("pt_portal_secretary", cls.secretary)

        cls.plumb_msg = cls._message(cls.client, cls.boss_interlocutor, "PLUMB-MSG")
        cls.plumb_draft = cls._message(
            cls.client, cls.boss_interlocutor, "PLUMB-DRAFT", state="draft"
        )
        cls.on_call_msg = cls._message(
            cls.plumber_on_call, cls.env["permanence.interlocutor"], "ONCALL-MSG"
        )
        cls.law_msg = cls._message(cls.law, cls.law.interlocutor_ids, "LAW-MSG")
        cls.foreign_msg = cls._message(
            cls.foreign, cls.env["permanence.interlocutor"], "FOREIGN-MSG"
        )
        cls.doctor_msg = cls._message(
            cls.medical, cls.doctor_interlocutor, "MED-DOCTOR-MSG"
        )
        cls.colleague_msg = cls._message(
            cls.medical, cls.colleague_interlocutor, "MED-COLLEAGUE-MSG"
        )

        # Calls of the last weeks: 22 for the plumber (more than a page of
        # 20), 90 s of talk each, 5 of them outside the contract hours.
        now = fields.Datetime.now()
        cls.plumb_calls = cls.env["permanence.call"]
        for index in range(22):
            cls.plumb_calls |= cls._call(
                cls.client, "PLUMB-CALLER", now - timedelta(days=3 * index, hours=1)
            )
        cls.plumb_calls[:5].write({"in_coverage": False})
        cls.old_plumb_call = cls._call(
            cls.client, "PLUMB-OLD-CALLER", now - timedelta(weeks=30)
        )
        cls.law_call = cls._call(cls.law, "LAW-CALLER", now - timedelta(days=1))
        cls.foreign_call = cls._call(cls.foreign, "FOREIGN-CALLER", now)
        cls.doctor_msg.call_id = cls._call(cls.medical, "MED-DOCTOR-CALLER", now)
        cls.colleague_msg.call_id = cls._call(cls.medical, "MED-COLLEAGUE-CALLER", now)

    @classmethod
    def _portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login,
            groups=PORTAL,
            partner_id=partner.id,
            name=partner.name,
            email=partner.email,
        )

    @classmethod
    def _message(cls, client, recipients, subject, state="sent"):
        return (
            cls.env["permanence.message"]
            .with_company(client.company_id)
            .create(
                {
                    "client_id": client.id,
                    "subject": subject,
                    "caller_name": f"{subject}-CALLER",
                    "caller_phone": "+33612345678",
                    "body": f"<p>{subject}-BODY</p>",
                    "recipient_ids": [(6, 0, recipients.ids)],
                    "state": state,
                    "date_sent": fields.Datetime.now() if state == "sent" else False,
                }
            )
        )

    @classmethod
    def _call(cls, client, caller, start):
        return (
            cls.env["permanence.call"]
            .with_company(client.company_id)
            .create(
                {
                    "client_id": client.id,
                    "caller_name": caller,
                    "state": "done",
                    "outcome": "message",
                    "date_start": start,
                    "date_answer": start,
                    "date_end": start + timedelta(seconds=90),
                }
            )
        )


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, PortalFixtures):
    # Helpers ----------------------------------------------------------------

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _get(self, url):
        response = self.url_open(url, allow_redirects=False)
        if response.is_redirect:
            return response
        self.assertEqual(response.status_code, 200, url)
        return response

    def _assert_redirect_my(self, response):
        self.assertTrue(response.is_redirect, response.url)
        self.assertRegex(response.headers["Location"], r"/my$")

    def _post(self, url, **data):
        data.setdefault("csrf_token", http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _rpc_ids(self, model):
        """Ids that a search_read returns, or None on an access error."""
        try:
            with mute_logger("odoo.http"):
                records = self._rpc(model, "search_read", [], fields=["id"])
        except JsonRpcException as error:
            self.assertIn("AccessError", str(error))
            return None
        return {record["id"] for record in records}

    # Portal home ------------------------------------------------------------

    def test_home_entry_and_counters(self):
        self._login(self.plumber_user)
        self.assertIn('href="/my/permanence"', self._get("/my").text)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["permanence_client_count", "permanence_unack_count"]},
        )
        # Two accounts (PLOMB, PLOMB2) and their two sent messages; not the
        # draft, not the other company's account of the same partner.
        self.assertEqual(counters["permanence_client_count"], 2)
        self.assertEqual(counters["permanence_unack_count"], 2)

    def test_permanence_home(self):
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence?client_id={self.client.id}").text
        self.assertRegex(html, r'o_permanence_unack_count">\s*1\s*<')
        self.assertRegex(html, r'o_permanence_month_call_count">\s*\d+\s*<')
        self.assertIn("PLUMB-MSG", html)
        self.assertNotIn("PLUMB-DRAFT", html)
        self.assertNotIn("LAW-MSG", html)

    def test_home_without_client_account(self):
        lonely = new_test_user(self.env, "pt_portal_lonely", groups=PORTAL)
        self._login(lonely)
        self._assert_redirect_my(self._get("/my/permanence"))
        self._assert_redirect_my(self._get("/my/permanence/messages"))

    # Choice of the client account --------------------------------------------

    def test_choose_client_account(self):
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence?client_id={self.plumber_on_call.id}").text
        self.assertIn("o_permanence_client_switch", html)
        self.assertIn("ONCALL-MSG", html)
        # The choice is remembered on the next pages
        html = self._get("/my/permanence/messages").text
        self.assertIn("ONCALL-MSG", html)
        self.assertNotIn("PLUMB-MSG", html)
        # Another company's account, the same partner's account of another
        # answering-service company, nonsense: back to /my
        for client_id in (
            self.law.id,
            self.foreign.id,
            self.medical.id,
            "x",
            999999,
            2**40,
        ):
            for page in ("", "/messages", "/calls", "/instructions", "/statistics"):
                self._assert_redirect_my(
                    self._get(f"/my/permanence{page}?client_id={client_id}")
                )

    # Messages ---------------------------------------------------------------

    def test_messages_list_only_own(self):
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence/messages?client_id={self.client.id}").text
        self.assertIn("PLUMB-MSG", html)
        for foreign in ("PLUMB-DRAFT", "LAW-MSG", "FOREIGN-MSG", "MED-DOCTOR-MSG"):
            self.assertNotIn(foreign, html)

    def test_messages_search_filter_sort(self):
        Message = self.env["permanence.message"]
        urgent = self._message(self.client, self.boss_interlocutor, "PLUMB-URGENT")
        urgent.urgency = "critical"
        done = self._message(self.client, self.boss_interlocutor, "PLUMB-DONE")
        done.state = "acknowledged"
        old = self._message(self.client, self.boss_interlocutor, "PLUMB-OLD")
        self.env.cr.execute(
            "UPDATE permanence_message SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=70), old.id),
        )
        Message.invalidate_model(["create_date"])
        self._login(self.plumber_user)
        base = f"/my/permanence/messages?client_id={self.client.id}"

        html = self._get(f"{base}&filterby=unacknowledged").text
        self.assertIn("PLUMB-MSG", html)
        self.assertIn("PLUMB-URGENT", html)
        self.assertNotIn("PLUMB-DONE", html)

        html = self._get(f"{base}&filterby=urgent").text
        self.assertIn("PLUMB-URGENT", html)
        self.assertNotIn("PLUMB-MSG<", html)

        html = self._get(f"{base}&period=month").text
        self.assertIn("PLUMB-DONE", html)
        self.assertNotIn("PLUMB-OLD", html)
        self.assertIn("PLUMB-OLD", self._get(f"{base}&period=all").text)

        html = self._get(f"{base}&search=URGENT-CALLER&search_in=caller").text
        self.assertIn("PLUMB-URGENT", html)
        self.assertNotIn("PLUMB-DONE", html)
        html = self._get(f"{base}&search=URGENT-CALLER&search_in=subject").text
        self.assertNotIn("PLUMB-URGENT", html)
        # Searching never reaches another client's messages
        self.assertNotIn("LAW-MSG", self._get(f"{base}&search=LAW").text)

        html = self._get(f"{base}&sortby=date_asc").text
        self.assertLess(html.index("PLUMB-OLD"), html.index("PLUMB-URGENT"))
        html = self._get(f"{base}&sortby=date").text
        self.assertLess(html.index("PLUMB-URGENT"), html.index("PLUMB-OLD"))

    def test_message_detail(self):
        reason = self.env["permanence.call.reason"].create(
            {
                "client_id": self.client.id,
                "name": "PLUMB-REASON",
                "question_ids": [(0, 0, {"name": "PLUMB-QUESTION"})],
            }
        )
        call = self.plumb_calls[0]
        call.reason_id = reason
        call.answer_ids.value_text = "PLUMB-ANSWER"
        self.plumb_msg.write(
            {"call_id": call.id, "urgency": "urgent", "callback_requested": True}
        )
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence/messages/{self.plumb_msg.id}").text
        for text in (
            "PLUMB-MSG",
            "PLUMB-MSG-CALLER",
            "PLUMB-MSG-BODY",
            "+33612345678",
            "Urgent",
            "Callback requested",
            # Script answers: portal users have no right on the answers
            # themselves, the page shows them once the message is checked.
            "PLUMB-QUESTION",
            "PLUMB-ANSWER",
        ):
            self.assertIn(text, html)
        self.assertIn(
            f'action="/my/permanence/messages/{self.plumb_msg.id}/acknowledge"', html
        )
        self.assertIn("PLUMB-REASON", self._get("/my/permanence/calls").text)

    def test_message_detail_foreign_redirects(self):
        self._login(self.plumber_user)
        for message in (
            self.law_msg,
            self.foreign_msg,
            self.doctor_msg,
            self.plumb_draft,
        ):
            self._assert_redirect_my(self._get(f"/my/permanence/messages/{message.id}"))
        self._assert_redirect_my(self._get("/my/permanence/messages/999999999"))
        # An access token of another record is no key either
        self._assert_redirect_my(
            self._get(f"/my/permanence/messages/{self.law_msg.id}?access_token=x")
        )

    def test_acknowledge(self):
        self._login(self.plumber_user)
        url = f"/my/permanence/messages/{self.plumb_msg.id}/acknowledge"
        response = self._post(url)
        self.assertTrue(response.is_redirect)
        self.assertIn("acknowledged=1", response.headers["Location"])
        self.assertEqual(self.plumb_msg.state, "acknowledged")
        self.assertEqual(self.plumb_msg.acknowledged_by, self.boss.name)
        first_date = self.plumb_msg.date_acknowledged
        self.assertTrue(first_date)
        html = self._get(response.headers["Location"]).text
        self.assertIn("o_permanence_ack_done", html)
        self.assertNotIn("o_permanence_acknowledge", html.replace("ack_done", ""))
        # Idempotent
        self._post(url)
        self.assertEqual(self.plumb_msg.state, "acknowledged")
        self.assertEqual(self.plumb_msg.date_acknowledged, first_date)

    def test_acknowledge_needs_post_and_csrf(self):
        self._login(self.plumber_user)
        url = f"/my/permanence/messages/{self.plumb_msg.id}/acknowledge"
        with mute_logger("odoo.http"):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 405)
            response = self._post(url, csrf_token="forged")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.plumb_msg.state, "sent")

    def test_acknowledge_foreign_changes_nothing(self):
        self._login(self.plumber_user)
        for message in (self.law_msg, self.foreign_msg, self.doctor_msg):
            self._assert_redirect_my(
                self._post(f"/my/permanence/messages/{message.id}/acknowledge")
            )
            self.assertEqual(message.state, "sent")
        # The id of another message in the form body changes nothing either
        self._post(
            f"/my/permanence/messages/{self.plumb_msg.id}/acknowledge",
            message_id=str(self.law_msg.id),
        )
        self.assertEqual(self.law_msg.state, "sent")
        self.assertEqual(self.plumb_msg.state, "acknowledged")

    # Confidential (medical) accounts -------------------------------------------

    def test_confidential_recipient_only(self):
        self._login(self.doctor_user)
        html = self._get(f"/my/permanence/messages?client_id={self.medical.id}").text
        self.assertIn("MED-DOCTOR-MSG", html)
        self.assertNotIn("MED-COLLEAGUE-MSG", html)
        self.assertIn(
            "MED-DOCTOR-MSG",
            self._get(f"/my/permanence/messages/{self.doctor_msg.id}").text,
        )
        self._assert_redirect_my(
            self._get(f"/my/permanence/messages/{self.colleague_msg.id}")
        )
        self._assert_redirect_my(
            self._post(f"/my/permanence/messages/{self.colleague_msg.id}/acknowledge")
        )
        self.assertEqual(self.colleague_msg.state, "sent")
        html = self._get("/my/permanence/calls").text
        self.assertIn("MED-DOCTOR-CALLER", html)
        self.assertNotIn("MED-COLLEAGUE-CALLER", html)
        self.assertEqual(self._rpc_ids("permanence.message"), set(self.doctor_msg.ids))
        self.assertEqual(
            self._rpc_ids("permanence.call"), set(self.doctor_msg.call_id.ids)
        )

    def test_confidential_not_recipient_sees_no_caller(self):
        self._login(self.secretary_user)
        html = self._get("/my/permanence/messages").text
        self.assertIn("o_permanence_no_message", html)
        self.assertNotIn("MED-DOCTOR-MSG", html)
        self.assertNotIn("MED-DOCTOR-CALLER", self._get("/my/permanence/calls").text)
        # The statistics are the account's figures (counts, no caller)
        stats = self._get("/my/permanence/statistics").text
        answered = (
            self.env["permanence.call"]
            .sudo()
            ._permanence_figures([("client_id", "=", self.medical.id)])[()]["answered"]
        )
        self.assertTrue(answered)
        self.assertRegex(stats, rf'o_permanence_stat_total">\s*{answered}\s*<')
        self.assertNotIn("MED-DOCTOR-CALLER", stats)
        self.assertNotIn("MED-COLLEAGUE-CALLER", stats)
        self._assert_redirect_my(
            self._get(f"/my/permanence/messages/{self.doctor_msg.id}")
        )
        self.assertEqual(self._rpc_ids("permanence.message"), set())
        self.assertEqual(self._rpc_ids("permanence.call"), set())
        # The practice's own instructions remain readable
        self.assertIn("MED-INSTRUCTIONS", self._get("/my/permanence/instructions").text)

    # Calls --------------------------------------------------------------------

    def test_calls_list_and_pager(self):
        self._login(self.plumber_user)
        base = f"/my/permanence/calls?client_id={self.client.id}"
        html = self._get(base).text
        self.assertEqual(html.count("o_permanence_call_row"), 20)
        self.assertIn("PLUMB-CALLER", html)
        self.assertIn("1:30", html)
        self.assertNotIn("LAW-CALLER", html)
        self.assertNotIn("FOREIGN-CALLER", html)
        html = self._get("/my/permanence/calls/page/2").text
        self.assertEqual(html.count("o_permanence_call_row"), 3)
        self.assertIn("PLUMB-OLD-CALLER", html)
        html = self._get(f"{base}&period=month").text
        self.assertNotIn("PLUMB-OLD-CALLER", html)

    # Instructions, FAQ, change requests -------------------------------------------

    def test_instructions_only_own(self):
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence/instructions?client_id={self.client.id}").text
        self.assertIn("PLUMB-INSTRUCTIONS", html)
        self.assertIn("PLUMB-FAQ-Q", html)
        self.assertNotIn("LAW-INSTRUCTIONS", html)
        self.assertNotIn("LAW-FAQ", html)
        self._login(self.lawyer_user)
        html = self._get("/my/permanence/instructions").text
        self.assertIn("LAW-INSTRUCTIONS", html)
        self.assertNotIn("PLUMB-INSTRUCTIONS", html)

    def test_change_request_applied_by_supervisor(self):
        self.client.user_id = self.supervisor
        self._login(self.plumber_user)
        response = self._post(
            "/my/permanence/instructions/propose",
            client_id=str(self.client.id),
            kind="instructions",
            proposed_text="Call me on my mobile for leaks.\nNever on Sunday.",
        )
        self.assertIn("sent=1", response.headers["Location"])
        self.assertIn(
            "o_permanence_change_sent", self._get(response.headers["Location"]).text
        )
        change = self.env["permanence.change.request"].search(
            [("client_id", "=", self.client.id)]
        )
        self.assertEqual(len(change), 1)
        self.assertEqual(change.state, "new")
        self.assertEqual(change.partner_id, self.boss)
        self.assertEqual(change.activity_ids.user_id, self.supervisor)
        self.assertIn(
            "o_permanence_pending_change",
            self._get("/my/permanence/instructions").text,
        )

        change.with_user(self.supervisor).action_apply()
        self.assertEqual(change.state, "applied")
        self.assertEqual(change.supervisor_id, self.supervisor)
        self.assertIn("Never on Sunday", self.client.instructions)
        self.assertFalse(change.activity_ids)
        notified = change.message_ids.filtered(lambda m: self.boss in m.partner_ids)
        self.assertTrue(notified)
        self.assertIn("Never on Sunday", self._get("/my/permanence/instructions").text)

    def test_change_request_faq(self):
        faq = self.client.faq_ids
        self._login(self.plumber_user)
        self._post(
            "/my/permanence/instructions/propose",
            client_id=str(self.client.id),
            kind="faq",
            faq_id=str(faq.id),
            proposed_text="PLUMB-FAQ-NEW-ANSWER",
        )
        self._post(
            "/my/permanence/instructions/propose",
            client_id=str(self.client.id),
            kind="faq",
            question="Do you work on Sundays?",
            proposed_text="Only for emergencies.",
        )
        changes = self.env["permanence.change.request"].search(
            [("client_id", "=", self.client.id)], order="id"
        )
        self.assertEqual(changes.mapped("faq_id"), faq)
        changes.with_user(self.supervisor).action_apply()
        self.assertEqual(faq.answer, "PLUMB-FAQ-NEW-ANSWER")
        self.assertEqual(len(self.client.faq_ids), 2)
        self.assertIn("Only for emergencies.", self.client.faq_ids.mapped("answer"))
        with self.assertRaises(AccessError):
            changes.with_user(self.operator).action_refuse()

    def test_change_request_foreign_ids_refused(self):
        Change = self.env["permanence.change.request"]
        self._login(self.plumber_user)
        # Another client's account
        self._assert_redirect_my(
            self._post(
                "/my/permanence/instructions/propose",
                client_id=str(self.law.id),
                proposed_text="Hijack",
            )
        )
        # Another client's FAQ entry
        self._assert_redirect_my(
            self._post(
                "/my/permanence/instructions/propose",
                client_id=str(self.client.id),
                kind="faq",
                faq_id=str(self.law.faq_ids.id),
                proposed_text="Hijack",
            )
        )
        self.assertFalse(Change.search([("proposed_text", "=", "Hijack")]))
        # Through JSON-RPC: no request for another account, no state forced
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._rpc(
                "permanence.change.request",
                "create",
                {"client_id": self.law.id, "proposed_text": "Hijack"},
            )
        change_id = self._rpc(
            "permanence.change.request",
            "create",
            {
                "client_id": self.client.id,
                "proposed_text": "Forced",
                "state": "applied",
                "supervisor_id": self.supervisor.id,
            },
        )
        change = Change.browse(change_id)
        self.assertEqual(change.state, "new")
        self.assertFalse(change.supervisor_id)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._rpc("permanence.change.request", "action_apply", [change_id])
        self.assertEqual(change.state, "new")
        self.assertNotIn("Forced", self.client.instructions)

    def test_change_request_rules_internal(self):
        Change = self.env["permanence.change.request"]
        own = Change.create({"client_id": self.client.id, "proposed_text": "Plain"})
        medical = Change.create({"client_id": self.medical.id, "proposed_text": "Med"})
        foreign = Change.with_company(self.other_company).create(
            {"client_id": self.foreign.id, "proposed_text": "Other company"}
        )
        expected = {
            self.operator: {own.id},
            self.allowed_operator: {own.id, medical.id},
            self.supervisor: {own.id, medical.id},
            self.other_operator: {foreign.id},
            self.plumber_user: {own.id},
            self.doctor_user: {medical.id},
            self.lawyer_user: set(),
        }
        for user, ids in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(
                    set(Change.with_user(user).search([]).ids)
                    & {
                        own.id,
                        medical.id,
                        foreign.id,
                    },
                    ids,
                )
                self._login(user)
                self.assertEqual(
                    self._rpc_ids("permanence.change.request")
                    & {own.id, medical.id, foreign.id},
                    ids,
                )

    # Statistics ------------------------------------------------------------------

    def test_statistics(self):
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence/statistics?client_id={self.client.id}").text
        bars = [int(count) for count in re.findall(r'data-count="(\d+)"', html)]
        self.assertEqual(len(bars), 12)
        # The 22 recent calls are within the 12 weeks, the old one is not;
        # the law firm's calls are never counted.
        self.assertEqual(sum(bars), 22)
        self.assertRegex(html, r'o_permanence_stat_total">\s*22\s*<')
        self.assertRegex(html, r'o_permanence_stat_average">\s*1:30\s*<')
        # 17 of 22 calls in contract hours
        self.assertRegex(html, r"o_permanence_stat_coverage\">\s*77 %")
        self.assertIn("<svg", html)

    # JSON-RPC -------------------------------------------------------------------

    def test_rpc_only_own_records(self):
        self._login(self.plumber_user)
        own = {
            "permanence.client": set((self.client | self.plumber_on_call).ids),
            "permanence.message": {self.plumb_msg.id, self.on_call_msg.id},
            "permanence.call": set((self.plumb_calls | self.old_plumb_call).ids),
            "permanence.faq": set(self.client.faq_ids.ids),
            "permanence.interlocutor": set(self.boss_interlocutor.ids),
            "permanence.change.request": set(),
        }
        for model in PORTAL_MODELS:
            with self.subTest(model=model):
                self.assertEqual(self._rpc_ids(model), own[model])
        for model in ("permanence.call.reason", "permanence.call.answer"):
            with self.subTest(model=model):
                self.assertIsNone(self._rpc_ids(model))
        # Reading another client's records by id fails
        for record in (self.law_msg, self.law, self.law_call, self.foreign_msg):
            with self.subTest(record=record):
                with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                    self._rpc(record._name, "read", record.ids, ["display_name"])
        # And portal users write nothing
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._rpc(
                "permanence.message", "write", self.plumb_msg.ids, {"state": "done"}
            )
        self.assertEqual(self.plumb_msg.state, "sent")


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase):
    """A client acknowledges a message in the portal, in a real browser."""

    def test_portal_tour(self):
        partner = self.env["res.partner"].create(
            {"name": "Plomberie TOUR", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Jean Tour", "parent_id": partner.id, "email": "jt@example.com"}
        )
        client = self.env["permanence.client"].create(
            {
                "name": "Plomberie TOUR",
                "code": "PTOUR",
                "partner_id": partner.id,
                "state": "active",
                "interlocutor_ids": [(0, 0, {"partner_id": contact.id})],
            }
        )
        user = new_test_user(
            self.env,
            "pt_portal_tour",
            groups=PORTAL,
            partner_id=contact.id,
            name=contact.name,
            email=contact.email,
        )
        message = self.env["permanence.message"].create(
            {
                "client_id": client.id,
                "subject": "Fuite d'eau TOUR",
                "caller_name": "Jeanne Tour",
                "caller_phone": "+33612345678",
                "recipient_ids": [(6, 0, client.interlocutor_ids.ids)],
                "state": "sent",
            }
        )
        self.start_tour(
            "/my/permanence", "permanence_portal_messages", login=user.login
        )
        self.assertEqual(message.state, "acknowledged")
        self.assertEqual(message.acknowledged_by, "Jean Tour")
        self.assertTrue(message.date_acknowledged)
