from odoo import fields, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20


class PermanenceAgendaPortal(CustomerPortal):
    def _appointment_domain(self):
        # Record rules restrict the portal user to the appointments of their
        # own company's client accounts; this only keeps the upcoming ones.
        return [
            ("agenda_id", "!=", False),
            ("booking_state", "=", "booked"),
            ("stop", ">=", fields.Datetime.now()),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "permanence_appointment_count" in counters:
            events = request.env["calendar.event"]
            values["permanence_appointment_count"] = (
                events.search_count(self._appointment_domain())
                if events.has_access("read")
                else 0
            )
        return values

    @http.route(
        ["/my/permanence/appointments", "/my/permanence/appointments/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_permanence_appointments(self, page=1, **kw):
        events = request.env["calendar.event"]
        domain = self._appointment_domain()
        count = events.search_count(domain)
        pager = portal_pager(
            url="/my/permanence/appointments",
            total=count,
            page=page,
            step=PAGE_SIZE,
        )
        # Searched as the portal user: record rules decide what is listed;
        # sudo only afterwards, to read the agenda's name on those records.
        appointments = events.search(
            domain, order="start", limit=PAGE_SIZE, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "appointments": appointments.sudo(),
                "page_name": "permanence_appointments",
                "pager": pager,
                "default_url": "/my/permanence/appointments",
                "format_local": request.env["calendar.event"]._format_local,
            }
        )
        return request.render("permanence_agenda.portal_my_appointments", values)
