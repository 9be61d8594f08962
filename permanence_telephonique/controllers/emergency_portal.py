"""Client portal: the client's emergencies and their timeline.

Lists are read as the portal user, so the record rules of
``security/permanence_emergency_rules.xml`` decide what they see; a record
asked for by id goes through ``_document_check_access`` and is only read
with ``sudo()`` after that check. Anything foreign redirects to /my.
"""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools.access import valid_id

ITEMS_PER_PAGE = 20


class PermanenceEmergencyPortal(CustomerPortal):
    @http.route(
        ["/my/permanence/emergencies", "/my/permanence/emergencies/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_emergencies(self, page=1, **kw):
        emergency_model = request.env["permanence.emergency"]
        if not emergency_model.has_access("read"):
            return request.redirect("/my")
        total = emergency_model.search_count([])
        pager = portal_pager(
            url="/my/permanence/emergencies",
            total=total,
            page=page,
            step=ITEMS_PER_PAGE,
        )
        emergencies = emergency_model.search(
            [], limit=ITEMS_PER_PAGE, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="permanence_emergencies",
            pager=pager,
            # read as the user above; sudo only to show the related names
            emergencies=emergencies.sudo(),
        )
        return request.render(
            "permanence_telephonique.portal_permanence_emergencies", values
        )

    @http.route(
        "/my/permanence/emergencies/<int:emergency_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_emergency(self, emergency_id, **kw):
        if not valid_id(emergency_id):
            return request.redirect("/my")
        try:
            emergency_sudo = self._document_check_access(
                "permanence.emergency", emergency_id
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(page_name="permanence_emergency", emergency=emergency_sudo)
        return request.render(
            "permanence_telephonique.portal_permanence_emergency", values
        )
