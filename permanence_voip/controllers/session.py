from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.session import Session


def _read_write(*_args):
    """The logout route is read-only in Odoo; ours writes the operator's
    state (a callable keeps Odoo from warning about the change)."""
    return False


class PermanenceSession(Session):
    """An operator who logs out leaves the floor: offline."""

    @http.route(readonly=_read_write)
    def logout(self, redirect="/odoo"):
        uid = request.session.uid
        if uid and request.db:
            request.env["res.users"].sudo().browse(uid).exists()._permanence_logout()
        return super().logout(redirect=redirect)
