import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import availability
from .test_portal import PortalFixtures

URL = "/my/permanence/availability"


@tagged("post_install", "-at_install")
class TestAvailabilityPortal(HttpCase, PortalFixtures):
    """The plumber's portal user sets and ends statuses of the plumber's
    interlocutors; the law firm's user cannot touch them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.tz = "Europe/Paris"
        tech = cls.env["res.partner"].create(
            {"name": "Théo Technicien", "parent_id": cls.plumber_partner.id}
        )
        cls.tech = cls.env["permanence.interlocutor"].create(
            {"client_id": cls.client.id, "partner_id": tech.id}
        )
        cls.law_user = cls.lawyer_user
        cls.lawyer_interlocutor = cls.law.interlocutor_ids
        cls.Status = cls.env["permanence.interlocutor.status"]

    def _post(self, url, **data):
        data.setdefault("csrf_token", http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def _local(self, hours):
        now = fields.Datetime.now() + timedelta(hours=hours)
        return availability.to_local(now, "Europe/Paris").strftime("%Y-%m-%dT%H:%M")

    def _set(self, **data):
        values = {
            "client_id": self.client.id,
            "interlocutor_id": self.boss_interlocutor.id,
            "kind": "meeting",
            "date_from": self._local(0),
            "date_to": self._local(2),
            "note": "Chantier",
            "replacement_id": self.tech.id,
        }
        values.update(data)
        return self._post(f"{URL}/set", **values)

    def _statuses(self):
        return self.Status.with_context(active_test=False).search(
            [("client_id", "in", (self.client | self.law).ids)]
        )

    def test_page_lists_own_interlocutors_and_their_status(self):
        self.Status.create(
            {
                "interlocutor_id": self.tech.id,
                "date_from": fields.Datetime.now() - timedelta(hours=1),
                "date_to": fields.Datetime.now() + timedelta(hours=1),
                "kind": "leave",
            }
        )
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        page = self.url_open(f"{URL}?client_id={self.client.id}").text
        self.assertIn("Marc Plombier", page)
        self.assertIn("Théo Technicien", page)
        self.assertIn("On leave until", page)
        self.assertNotIn(self.lawyer.name, page)
        # The overview links to it.
        self.assertIn(URL, self.url_open("/my/permanence").text)

    def test_set_then_end_a_status(self):
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        response = self._set()
        self.assertTrue(response.is_redirect)
        self.assertIn("done=set", response.headers["Location"])
        status = self._statuses()
        self.assertEqual(len(status), 1)
        self.assertEqual(status.interlocutor_id, self.boss_interlocutor)
        self.assertEqual(status.replacement_id, self.tech)
        self.assertEqual(status.source, "portal")
        self.assertEqual(status.set_by, "Marc Plombier")
        self.assertAlmostEqual(
            status.date_to,
            fields.Datetime.now() + timedelta(hours=2),
            delta=timedelta(minutes=2),
        )
        self.assertTrue(self.boss_interlocutor.is_absent)
        page = self.url_open(f"{URL}?client_id={self.client.id}").text
        self.assertIn("emergencies to Théo Technicien", page)
        response = self._post(f"{URL}/{status.id}/end")
        self.assertIn("done=end", response.headers["Location"])
        self.boss_interlocutor.invalidate_recordset()
        self.assertFalse(self.boss_interlocutor.is_absent)

    def test_leave_in_whole_days(self):
        """ "On leave from 12/08 to 19/08": whole days in the client's time
        zone, whatever hours were typed."""
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        response = self._set(
            kind="leave",
            date_from="2030-08-12T09:30",
            date_to="2030-08-19T10:00",
            whole_days="1",
        )
        self.assertIn("done=set", response.headers["Location"])
        status = self._statuses()
        # Paris is UTC+2 in August
        self.assertEqual(status.date_from, datetime(2030, 8, 11, 22, 0))
        self.assertEqual(status.date_to, datetime(2030, 8, 19, 22, 0))
        self.assertIn("19/08", status.with_context(lang="fr_FR").label)
        self.assertNotIn("20/08", status.with_context(lang="fr_FR").label)

    def test_bad_dates_change_nothing(self):
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        for data in (
            {"date_to": self._local(-1)},
            {"date_to": "tomorrow"},
            {"kind": "holiday"},
        ):
            with self.subTest(data=data):
                response = self._set(**data)
                self.assertIn("error=", response.headers["Location"])
        self.assertFalse(self._statuses())

    def test_other_client_cannot_see_or_touch(self):
        status = self.Status.create(
            {
                "interlocutor_id": self.boss_interlocutor.id,
                "date_from": fields.Datetime.now(),
                "date_to": fields.Datetime.now() + timedelta(hours=1),
            }
        )
        end = status.date_to
        self.authenticate(self.law_user.login, self.law_user.login)
        # The page of the other client: their own account instead, never the
        # plumber's people.
        page = self.url_open(f"{URL}?client_id={self.client.id}").text
        self.assertNotIn("Marc Plombier", page)
        # Their own interlocutor with the plumber's as replacement, the
        # plumber's interlocutor, the plumber's account: refused.
        for data in (
            {
                "client_id": self.law.id,
                "interlocutor_id": self.lawyer_interlocutor.id,
                "replacement_id": self.tech.id,
            },
            {"client_id": self.law.id},
            {"interlocutor_id": self.lawyer_interlocutor.id, "replacement_id": ""},
        ):
            with self.subTest(data=data):
                response = self._set(**data)
                self.assertTrue(response.is_redirect)
                self.assertRegex(response.headers["Location"], r"/my$")
        response = self._post(f"{URL}/{status.id}/end")
        self.assertRegex(response.headers["Location"], r"/my$")
        self.assertEqual(self._statuses(), status)
        self.assertEqual(status.date_to, end)
        self.assertTrue(status.active)

    def test_changes_need_post_and_csrf(self):
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        with mute_logger("odoo.http"):
            response = self._set(csrf_token="forged")
        self.assertEqual(response.status_code, 400)
        response = self.url_open(
            f"{URL}/set?client_id={self.client.id}"
            f"&interlocutor_id={self.boss_interlocutor.id}",
            allow_redirects=False,
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(self._statuses())

    def test_anonymous_goes_to_login(self):
        response = self.url_open(URL, allow_redirects=False)
        self.assertTrue(response.is_redirect)
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestAvailabilityLinkHttp(HttpCase, PortalFixtures):
    """The signed one-click link, without login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.client.tz = "Europe/Paris"
        cls.boss.lang = "fr_FR"
        cls.Status = cls.env["permanence.interlocutor.status"]

    def _link(self, token):
        return f"/permanence/availability/{token}"

    def _open(self, url):
        """GET the page as a browser does; keeps the form's CSRF token."""
        response = self.url_open(url)
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def _post(self, url, **data):
        data.setdefault("csrf_token", self.csrf)
        return self.url_open(url, data=data, allow_redirects=False)

    def _statuses(self):
        return self.Status.with_context(active_test=False).search(
            [("interlocutor_id", "=", self.boss_interlocutor.id)]
        )

    def test_get_shows_and_changes_nothing(self):
        token = self.boss_interlocutor._availability_token()
        response = self._open(self._link(token))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Marc Plombier", response.text)
        # In the recipient's language (Odoo's own words of the page).
        self.assertIn("Se rendre au contenu", response.text)
        self.assertIn('value="meeting_1h"', response.text)
        self.assertFalse(self._statuses())

    def test_one_click_meeting_then_available(self):
        token = self.boss_interlocutor._availability_token()
        self._open(self._link(token))
        response = self._post(self._link(token), choice="meeting_2h")
        self.assertEqual(response.status_code, 200)
        status = self._statuses()
        self.assertEqual(status.kind, "meeting")
        self.assertEqual(status.source, "link")
        self.assertAlmostEqual(
            status.date_to,
            fields.Datetime.now() + timedelta(hours=2),
            delta=timedelta(minutes=2),
        )
        self.assertTrue(self.boss_interlocutor.is_absent)
        # French time format in the page (15:00, not 3:00 PM)
        self.assertNotIn(" PM", response.text)
        response = self._post(self._link(token), choice="available")
        self.assertEqual(response.status_code, 200)
        self.boss_interlocutor.invalidate_recordset()
        self.assertFalse(self.boss_interlocutor.is_absent)
        self.assertEqual(len(self._statuses()), 1)

    def test_absent_today_ends_at_midnight_in_paris(self):
        token = self.boss_interlocutor._availability_token()
        # 10:00 UTC on the day clocks go forward: midnight is 22:00 UTC.
        with freeze_time("2026-03-29 10:00:00"):
            self._open(self._link(token))
            self._post(self._link(token), choice="absent_today")
        status = self._statuses()
        self.assertEqual(status.kind, "absent")
        self.assertEqual(str(status.date_to), "2026-03-29 22:00:00")

    def test_forged_expired_and_unknown_choice(self):
        token = self.boss_interlocutor._availability_token()
        forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        expired = self.boss_interlocutor._availability_token(days=-1)
        for bad in (forged, expired, "abc", "A" * 600):
            with self.subTest(token=bad[:20]):
                response = self.url_open(self._link(bad))
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("Marc Plombier", response.text)
                self._open(self._link(token))
                response = self._post(self._link(bad), choice="meeting_1h")
                self.assertEqual(response.status_code, 403)
        self._open(self._link(token))
        response = self._post(self._link(token), choice="drop_table")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self._statuses())

    def test_post_without_csrf_changes_nothing(self):
        token = self.boss_interlocutor._availability_token()
        with mute_logger("odoo.http"):
            response = self.url_open(
                self._link(token), data={"choice": "meeting_1h"}, allow_redirects=False
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._statuses())
