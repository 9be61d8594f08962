from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.web import Home


class PermanenceHome(Home):
    """After logging in, the client portal speaks the user's language.

    Without the website app, portal pages take their language from the
    ``frontend_lang`` cookie first, which the login page set to the
    database's default language: a French client would read the portal in
    English. The cookie follows the user who just logged in."""

    @http.route()
    def web_login(self, redirect=None, **kw):
        response = super().web_login(redirect=redirect, **kw)
        if (
            request.params.get("login_success")
            and request.session.uid
            and hasattr(response, "set_cookie")
        ):
            lang = request.env["res.users"].browse(request.session.uid).sudo().lang
            if lang:
                response.set_cookie("frontend_lang", lang)
        return response
