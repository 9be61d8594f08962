from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from odoo.addons.web.controllers.session import Session


class PermanenceSession(Session):
    """An operator who logs out leaves the floor: offline."""

    @http.route()
    def logout(self, redirect="/odoo"):
        uid = request.session.uid
        if uid and request.db:
            # The route's own cursor is read-only: write in one of ours
            # (committed when the block ends).
            with request.env.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["res.users"].browse(uid).exists()._permanence_logout()
        return super().logout(redirect=redirect)
