from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

PORTAL = "base.group_portal"


@tagged("post_install", "-at_install")
class TestPortalLanguage(HttpCase):
    """A client who logs in reads the portal in their own language, whatever
    language the login page was shown in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.french = new_test_user(cls.env, "pt_portal_fr", groups=PORTAL, lang="fr_FR")

    def _log_in(self, login, password):
        self.authenticate(None, None)  # an anonymous session, as a browser has
        self.url_open("/web/login")  # sets frontend_lang to the default language
        return self.url_open(
            "/web/login",
            data={
                "login": login,
                "password": password,
                "redirect": "/my",
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )

    def test_portal_speaks_the_language_of_who_logged_in(self):
        response = self._log_in("pt_portal_fr", "pt_portal_fr")
        self.assertTrue(response.is_redirect, response.text[:200])
        self.assertEqual(response.cookies.get("frontend_lang"), "fr_FR")
        # The browser goes on with that cookie: the portal is in French.
        self.authenticate("pt_portal_fr", "pt_portal_fr")
        self.opener.cookies.set("frontend_lang", response.cookies["frontend_lang"])
        page = self.url_open("/my")
        self.assertEqual(page.status_code, 200)
        self.assertIn('"lang": "fr_FR"', page.text)  # the page's language

    def test_wrong_password_changes_no_language(self):
        response = self._log_in("pt_portal_fr", "wrong password")
        self.assertNotEqual(response.cookies.get("frontend_lang"), "fr_FR")
