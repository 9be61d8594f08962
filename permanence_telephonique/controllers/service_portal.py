# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client portal: the client switches the answering service on or off for a
period (lunch break, leave, unplanned absence).

The page reads as the portal user, so the record rules decide which account
and periods the client sees; a period is created as the user (the model
checks what the contract allows) and cancelled with ``sudo()`` only after
it was found as the user. Anything foreign redirects to /my. Times are typed
and shown in the client account's time zone.
"""

from datetime import datetime, time, timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ..tools import service_period
from ..tools.access import valid_id
from .portal import PermanencePortal

URL = "/my/permanence/service"
PAST_SHOWN = 5
DEFAULT_FROM = time(12, 0)
DEFAULT_TO = time(14, 0)


class PermanenceServicePortal(PermanencePortal):
    def _service_values(self, client, clients, form=None, error=None, **values):
        Period = request.env["permanence.service.period"]
        now = fields.Datetime.now()
        base = [("client_id", "=", client.id)]
        planned = Period.search(
            base + [("state", "=", "confirmed"), ("date_to", ">", now)],
            order="date_from asc, id asc",
        )
        past = Period.search(
            base + ["|", ("state", "=", "cancelled"), ("date_to", "<=", now)],
            order="date_from desc, id desc",
            limit=PAST_SHOWN,
        )
        tomorrow = service_period.to_local(now, client.tz).date() + timedelta(days=1)
        defaults = {
            "mode": service_period.ON,
            "reason": "lunch",
            "date_from": tomorrow.isoformat(),
            "time_from": DEFAULT_FROM.strftime("%H:%M"),
            "date_to": tomorrow.isoformat(),
            "time_to": DEFAULT_TO.strftime("%H:%M"),
            "note": "",
        }
        defaults.update(form or {})
        selections = {
            name: Period._fields[name]._description_selection(request.env)
            for name in ("mode", "reason")
        }
        return self._permanence_values(
            client,
            clients,
            "permanence_service",
            default_url=URL,
            # Read as the user above; sudo only to show them (the client's
            # time zone, the labels).
            planned_periods=planned.sudo(),
            past_periods=past.sudo(),
            service_form=defaults,
            service_modes=selections["mode"],
            service_reasons=selections["reason"],
            service_error=error,
            **values,
        )

    @http.route(URL, type="http", auth="user", website=True, readonly=True)
    def portal_permanence_service(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        values = self._service_values(
            client,
            clients,
            service_sent=kw.get("sent") == "1",
            service_cancelled=kw.get("cancelled") == "1",
        )
        return request.render(
            "permanence_telephonique.portal_permanence_service", values
        )

    @staticmethod
    def _parse_local(day, hour, tz):
        """Naive UTC of a date (YYYY-MM-DD) and time (HH:MM) typed in the
        client's time zone, or None when they are no date or time."""
        try:
            local = datetime.combine(
                fields.Date.to_date(day),
                datetime.strptime((hour or "").strip(), "%H:%M").time(),
            )
        except (TypeError, ValueError):
            return None
        return service_period.to_utc(local, tz)

    @http.route(f"{URL}/add", type="http", auth="user", methods=["POST"], website=True)
    def portal_permanence_service_add(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client or not client_id:
            return request.redirect("/my")
        form = {
            key: (kw.get(key) or "").strip()
            for key in (
                "mode",
                "reason",
                "date_from",
                "time_from",
                "date_to",
                "time_to",
                "note",
            )
        }
        Period = request.env["permanence.service.period"]
        error = None
        start = self._parse_local(form["date_from"], form["time_from"], client.tz)
        end = self._parse_local(form["date_to"], form["time_to"], client.tz)
        modes = dict(Period._fields["mode"].selection)
        reasons = dict(Period._fields["reason"].selection)
        if not start or not end:
            error = request.env._("Please give the start and the end of the period.")
        elif end <= start:
            error = request.env._("The period must end after it starts.")
        elif form["mode"] not in modes or form["reason"] not in reasons:
            error = request.env._("Please choose the service and the reason.")
        if not error:
            try:
                with request.env.cr.savepoint():
                    Period.create(
                        {
                            "client_id": client.id,
                            "mode": form["mode"],
                            "reason": form["reason"],
                            "date_from": start,
                            "date_to": end,
                            "note": form["note"][:200] or False,
                        }
                    )
            except AccessError:
                return request.redirect("/my")
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        if error:
            values = self._service_values(client, clients, form=form, error=error)
            return request.render(
                "permanence_telephonique.portal_permanence_service", values
            )
        return request.redirect(f"{URL}?client_id={client.id}&sent=1")

    @http.route(
        f"{URL}/<int:period_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_permanence_service_cancel(self, period_id, **kw):
        if not valid_id(period_id):
            return request.redirect("/my")
        Period = request.env["permanence.service.period"]
        if not Period.has_access("read"):
            return request.redirect("/my")
        # Found as the user: another client's period is not found.
        period = Period.search([("id", "=", period_id)])
        if not period:
            return request.redirect("/my")
        client, clients = self._permanence_client(period.client_id.id)
        if not client:
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                period.sudo()._cancel()
        except UserError as exc:
            values = self._service_values(client, clients, error=exc.args[0])
            return request.render(
                "permanence_telephonique.portal_permanence_service", values
            )
        return request.redirect(f"{URL}?client_id={client.id}&cancelled=1")
