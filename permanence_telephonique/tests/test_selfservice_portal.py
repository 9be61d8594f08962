from datetime import datetime, timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .test_portal import PortalFixtures

PARIS = "Europe/Paris"
SERVICE = "/my/permanence/service"
PROPOSE = "/my/permanence/instructions/propose"


class SelfServiceHttpCase(HttpCase, PortalFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supervisor.lang = "en_US"
        for user in (cls.plumber_user, cls.lawyer_user):
            user.lang = "en_US"
        cls.client.write({"tz": PARIS, "user_id": cls.supervisor.id})
        cls.plan = cls.env["permanence.plan"].create(
            {
                "name": "Plan self-service",
                "self_service_allowed": True,
                "self_service_max_hours": 4,
            }
        )
        for client in (cls.client, cls.law):
            cls.env["permanence.subscription"].create(
                {
                    "client_id": client.id,
                    "plan_id": cls.plan.id,
                    "date_start": fields.Date.today() - timedelta(days=30),
                }
            )
        cls.Period = cls.env["permanence.service.period"]
        start = fields.Datetime.now() + timedelta(days=3)
        cls.law_period = cls.Period.create(
            {
                "client_id": cls.law.id,
                "mode": "off",
                "reason": "leave",
                "date_from": start,
                "date_to": start + timedelta(hours=5),
                "note": "LAW-PERIOD",
            }
        )

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post(self, url, **data):
        data.setdefault("csrf_token", http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def _assert_redirect_my(self, response):
        self.assertTrue(response.is_redirect, response.url)
        self.assertRegex(response.headers["Location"], r"/my$")


@tagged("post_install", "-at_install")
class TestServicePortal(SelfServiceHttpCase):
    def _form(self, day, start="12:00", end="14:00", **values):
        return dict(
            {
                "client_id": str(self.client.id),
                "mode": "on",
                "reason": "lunch",
                "date_from": day,
                "time_from": start,
                "date_to": day,
                "time_to": end,
            },
            **values,
        )

    def _plumber_periods(self):
        return self.Period.search([("client_id", "=", self.client.id)])

    def test_page_lists_own_periods_and_home_links_to_it(self):
        self._login(self.plumber_user)
        self.assertIn(
            "o_permanence_service_card",
            self.url_open(f"/my/permanence?client_id={self.client.id}").text,
        )
        response = self.url_open(f"{SERVICE}?client_id={self.client.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_permanence_service_form", response.text)
        self.assertIn("o_permanence_service_none", response.text)
        self.assertNotIn("LAW-PERIOD", response.text)
        # Another client's account: back to /my
        response = self.url_open(
            f"{SERVICE}?client_id={self.law.id}", allow_redirects=False
        )
        self._assert_redirect_my(response)
        self._login(self.lawyer_user)
        self.assertIn("LAW-PERIOD", self.url_open(SERVICE).text)

    def test_add_in_the_client_time_zone_across_daylight_saving(self):
        self._login(self.plumber_user)
        # Sunday 28 March 2027: clocks go forward in Paris that night
        response = self._post(f"{SERVICE}/add", **self._form("2027-03-28"))
        self.assertTrue(response.is_redirect, response.text[:300])
        self.assertIn("sent=1", response.headers["Location"])
        period = self._plumber_periods()
        self.assertEqual(len(period), 1)
        self.assertEqual(period.date_from, datetime(2027, 3, 28, 10, 0))
        self.assertEqual(period.date_to, datetime(2027, 3, 28, 12, 0))
        self.assertEqual(period.source, "portal")
        self.assertEqual(period.partner_id, self.boss)
        self.assertIn("Service period planned", self.client.message_ids[0].body)
        html = self.url_open(response.headers["Location"]).text
        self.assertIn("o_permanence_service_sent", html)
        self.assertIn("12:00 PM → 2:00 PM", html)
        # The overview shows the next period
        html = self.url_open("/my/permanence").text
        self.assertRegex(
            html, r"o_permanence_service_next[\s\S]*Upcoming[\s\S]*Lunch break"
        )
        # Sunday 31 October 2027: clocks go back
        self._post(f"{SERVICE}/add", **self._form("2027-10-31", "09:00", "10:00"))
        period = self._plumber_periods() - period
        self.assertEqual(period.date_from, datetime(2027, 10, 31, 8, 0))

    def test_contract_limit_refused_with_its_message(self):
        self._login(self.plumber_user)
        day = (fields.Date.today() + timedelta(days=5)).isoformat()
        response = self._post(
            f"{SERVICE}/add", **self._form(day, "08:00", "13:00", reason="leave")
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_permanence_service_error", response.text)
        self.assertIn("includes 4 extra covered hours a month", response.text)
        # The form keeps what was typed
        self.assertIn('value="08:00"', response.text)
        self.assertFalse(self._plumber_periods())
        # Not in the contract at all
        self.plan.self_service_allowed = False
        response = self._post(f"{SERVICE}/add", **self._form(day))
        self.assertIn("does not let you switch the service", response.text)
        self.assertFalse(self._plumber_periods())
        # Nonsense dates or choices
        self.plan.self_service_allowed = True
        for form in (
            self._form("not-a-date"),
            self._form(day, "14:00", "12:00"),
            self._form(day, mode="always"),
        ):
            response = self._post(f"{SERVICE}/add", **form)
            self.assertEqual(response.status_code, 200)
            self.assertIn("o_permanence_service_error", response.text)
        self.assertFalse(self._plumber_periods())

    def test_isolation_and_csrf(self):
        self._login(self.plumber_user)
        day = (fields.Date.today() + timedelta(days=5)).isoformat()
        # Another client's account
        self._assert_redirect_my(
            self._post(f"{SERVICE}/add", **self._form(day, client_id=str(self.law.id)))
        )
        self._assert_redirect_my(
            self._post(f"{SERVICE}/add", **self._form(day, client_id="99999999999"))
        )
        # Without the CSRF token
        with mute_logger("odoo.http"):
            response = self._post(f"{SERVICE}/add", csrf_token="", **self._form(day))
        self.assertFalse(response.is_redirect)
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(self._plumber_periods())
        self.assertEqual(self.Period.search_count([("client_id", "=", self.law.id)]), 1)
        # Cancelling another client's period, a forged id, a GET
        for url in (
            f"{SERVICE}/{self.law_period.id}/cancel",
            f"{SERVICE}/999999999/cancel",
        ):
            self._assert_redirect_my(self._post(url))
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"{SERVICE}/{self.law_period.id}/cancel", allow_redirects=False
            )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(response.is_redirect)
        self.assertEqual(self.law_period.state, "confirmed")
        # GET pages change nothing
        count = self.Period.search_count([])
        messages = self.env["mail.message"].search_count([])
        self.url_open(SERVICE)
        self.url_open(f"{SERVICE}?client_id={self.client.id}&sent=1")
        self.assertEqual(self.Period.search_count([]), count)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    def test_cancel_upcoming(self):
        self._login(self.plumber_user)
        day = (fields.Date.today() + timedelta(days=5)).isoformat()
        self._post(f"{SERVICE}/add", **self._form(day))
        period = self._plumber_periods()
        html = self.url_open(SERVICE).text
        self.assertIn(f'action="{SERVICE}/{period.id}/cancel"', html)
        response = self._post(f"{SERVICE}/{period.id}/cancel")
        self.assertIn("cancelled=1", response.headers["Location"])
        self.assertEqual(period.state, "cancelled")
        self.assertIn("Service period cancelled", self.client.message_ids[0].body)
        # Twice: refused with a message, nothing changes
        response = self._post(f"{SERVICE}/{period.id}/cancel")
        self.assertEqual(response.status_code, 200)
        self.assertIn("over or cancelled", response.text)


@tagged("post_install", "-at_install")
class TestInterlocutorChange(SelfServiceHttpCase):
    """A client proposes a new interlocutor, a change or a removal; a
    supervisor applies or refuses it, the difference shown."""

    def _changes(self):
        return self.env["permanence.change.request"].search(
            [("client_id", "=", self.client.id), ("kind", "=", "interlocutor")]
        )

    def _propose(self, action, **values):
        return self._post(
            PROPOSE,
            client_id=str(self.client.id),
            kind="interlocutor",
            interlocutor_action=action,
            **values,
        )

    def test_instructions_page_lists_own_interlocutors(self):
        self._login(self.plumber_user)
        html = self.url_open(f"/my/permanence/instructions?client_id={self.client.id}")
        self.assertIn("o_permanence_interlocutors", html.text)
        self.assertIn("Marc Plombier", html.text)
        self.assertIn(f'data-interlocutor-id="{self.boss_interlocutor.id}"', html.text)
        self.assertNotIn("Alice Test", html.text)

    def test_change_applied_with_the_difference(self):
        self._login(self.plumber_user)
        response = self._propose(
            "update",
            interlocutor_id=str(self.boss_interlocutor.id),
            name="Marc Plombier",
            role="Gérant et technicien",
            phone="",
            mobile="06 01 02 03 04",
            email="marc@plomberie.example.com",
            receives_messages="1",
            transfer_allowed="1",
            transfer_number="06 99 88 77 66",
        )
        self.assertIn("sent=1", response.headers["Location"])
        change = self._changes()
        pending = self.url_open("/my/permanence/instructions").text
        self.assertRegex(
            pending,
            r"o_permanence_pending_change[^<]*>[\s\S]*Change of an interlocutor"
            r"\s*</span>\s*—\s*Marc Plombier",
        )
        self.assertEqual(change.interlocutor_id, self.boss_interlocutor)
        self.assertEqual(change.partner_id, self.boss)
        diff = change.with_user(self.supervisor).with_context(lang="en_US")
        html = str(diff.interlocutor_diff)
        self.assertIn("<del>Gérant</del>", html)
        self.assertIn("<ins>Gérant et technicien</ins>", html)
        self.assertIn("<ins>06 99 88 77 66</ins>", html)
        # Unchanged values are shown, not marked
        self.assertEqual(html.count("o_permanence_diff_changed"), 2)
        change.with_user(self.supervisor).action_apply()
        self.assertEqual(change.state, "applied")
        self.assertEqual(self.boss_interlocutor.role, "Gérant et technicien")
        self.assertEqual(self.boss_interlocutor.transfer_number, "+33699887766")
        self.assertEqual(self.boss.email, "marc@plomberie.example.com")

    def test_new_interlocutor_applied(self):
        self._login(self.plumber_user)
        self._propose(
            "create",
            name="Julie Nouvelle",
            role="Secrétaire",
            email="julie@plomberie.example.com",
            mobile="06 11 22 33 44",
            receives_messages="1",
        )
        change = self._changes()
        html = str(change.with_context(lang="en_US").interlocutor_diff)
        self.assertIn("<ins>Julie Nouvelle</ins>", html)
        change.with_user(self.supervisor).action_apply()
        new = self.client.interlocutor_ids - self.boss_interlocutor
        self.assertEqual(new.name, "Julie Nouvelle")
        self.assertEqual(new.role, "Secrétaire")
        self.assertTrue(new.receives_messages)
        self.assertFalse(new.transfer_allowed)
        self.assertEqual(new.partner_id.parent_id, self.plumber_partner)
        self.assertEqual(change.interlocutor_id, new)

    def test_removal_applied_and_refusal_keeps_everything(self):
        self._login(self.plumber_user)
        self._propose("archive", interlocutor_id=str(self.boss_interlocutor.id))
        self._propose(
            "update",
            interlocutor_id=str(self.boss_interlocutor.id),
            name="Renamed",
        )
        removal, rename = self._changes().sorted("id")
        removal_diff = removal.with_context(lang="en_US").interlocutor_diff
        self.assertIn("(removed)", str(removal_diff))
        rename.refuse_reason = "Not now"
        rename.with_user(self.supervisor).action_refuse()
        self.assertEqual(rename.state, "refused")
        self.assertEqual(self.boss.name, "Marc Plombier")
        self.assertTrue(self.boss_interlocutor.active)
        removal.with_user(self.supervisor).action_apply()
        self.assertFalse(self.boss_interlocutor.active)
        with self.assertRaises(AccessError):
            self._changes().with_user(self.operator).action_apply()

    def test_another_clients_interlocutor_refused(self):
        law_interlocutor = self.law.interlocutor_ids
        self._login(self.plumber_user)
        for values in (
            {"interlocutor_id": str(law_interlocutor.id), "name": "Hijack"},
            {"interlocutor_id": "99999999999", "name": "Hijack"},
            {"interlocutor_id": "abc", "name": "Hijack"},
            {"name": "Hijack"},
        ):
            self._assert_redirect_my(self._propose("update", **values))
        self._assert_redirect_my(
            self._propose("archive", interlocutor_id=str(law_interlocutor.id))
        )
        self._assert_redirect_my(self._propose("explode", name="Hijack"))
        # For another client's account
        self._assert_redirect_my(
            self._post(
                PROPOSE,
                client_id=str(self.law.id),
                kind="interlocutor",
                interlocutor_action="create",
                name="Hijack",
            )
        )
        # A new interlocutor without a name
        response = self._propose("create", name=" ")
        self.assertIn("error=interlocutor", response.headers["Location"])
        self.assertFalse(
            self.env["permanence.change.request"].search(
                [("client_id", "in", (self.client | self.law).ids)]
            )
        )
        # Through JSON-RPC: another client's interlocutor is refused
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {
                    "model": "permanence.change.request",
                    "method": "create",
                    "args": [
                        {
                            "client_id": self.client.id,
                            "kind": "interlocutor",
                            "interlocutor_action": "archive",
                            "interlocutor_id": law_interlocutor.id,
                        }
                    ],
                    "kwargs": {},
                },
            )
        self.assertTrue(law_interlocutor.active)

    def test_model_checks(self):
        Change = self.env["permanence.change.request"]
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Change.create({"client_id": self.client.id, "kind": "interlocutor"})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Change.create(
                {
                    "client_id": self.client.id,
                    "kind": "interlocutor",
                    "interlocutor_action": "update",
                    "proposed_name": "No one",
                }
            )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Change.create({"client_id": self.client.id, "kind": "instructions"})
        applied = Change.create(
            {
                "client_id": self.client.id,
                "kind": "interlocutor",
                "interlocutor_action": "archive",
                "interlocutor_id": self.boss_interlocutor.id,
            }
        )
        applied.action_apply()
        with self.assertRaises(UserError):
            applied.action_apply()
