"""Self-service availability of a client's interlocutors.

- ``/my/permanence/availability``: the client's portal user sees their
  interlocutors with their current status, sets one (in a meeting until,
  on leave from... to...) and ends one early.
- ``/permanence/availability/<token>``: the signed link sent to an
  interlocutor, without login: one click for "in a meeting for an hour",
  "away today", "available again".

Pages only show (GET); every change is a form posted with its CSRF token.
The portal reads interlocutors and statuses as the portal user (record rules
decide), and writes with ``sudo()`` only after that check.
"""

from datetime import datetime, time, timedelta

from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.http import request

from ..tools import availability
from ..tools.access import valid_id
from .portal import PermanencePortal

AVAILABILITY_URL = "/my/permanence/availability"
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
NOTE_MAX = 200


def _local_input(value):
    """A naive local datetime from an ``<input type="datetime-local">``."""
    try:
        return datetime.strptime((value or "").strip()[:16], LOCAL_FORMAT)
    except ValueError:
        return None


def _kinds(env):
    field = env["permanence.interlocutor.status"]._fields["kind"]
    return field._description_selection(env)


class PermanenceAvailabilityPortal(PermanencePortal):
    # Portal page ------------------------------------------------------------

    def _availability_values(self, client, clients, **values):
        tz = client.tz or "UTC"
        now = fields.Datetime.now()
        interlocutors = request.env["permanence.interlocutor"].search(
            [("client_id", "=", client.id)]
        )
        status_model = request.env["permanence.interlocutor.status"]
        statuses = status_model.search(
            [("client_id", "=", client.id), ("date_to", ">", now)],
            order="date_from, id",
        )
        local_now = availability.to_local(now, tz).replace(tzinfo=None, second=0)
        local_now = local_now.replace(microsecond=0)
        return self._permanence_values(
            client,
            clients,
            "permanence_availability",
            default_url=AVAILABILITY_URL,
            interlocutors=interlocutors,
            statuses=statuses.sudo(),
            current_ids=set(
                statuses.filtered(lambda s: s.date_from <= now).interlocutor_id.ids
            ),
            kinds=_kinds(request.env),
            client_tz=tz,
            default_from=local_now.strftime(LOCAL_FORMAT),
            default_to=(local_now + timedelta(hours=2)).strftime(LOCAL_FORMAT),
            **values,
        )

    @http.route(AVAILABILITY_URL, type="http", auth="user", website=True, readonly=True)
    def portal_permanence_availability(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        values = self._availability_values(
            client,
            clients,
            availability_done=kw.get("done"),
            availability_error=kw.get("error"),
        )
        return request.render(
            "permanence_telephonique.portal_permanence_availability", values
        )

    def _own_interlocutor(self, client, value):
        """An interlocutor of ``client`` the portal user sees, or empty."""
        return self._permanence_client_record("permanence.interlocutor", client, value)

    @http.route(
        f"{AVAILABILITY_URL}/set",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_permanence_availability_set(
        self,
        client_id=None,
        interlocutor_id=None,
        kind="meeting",
        date_from=None,
        date_to=None,
        note=None,
        replacement_id=None,
        whole_days=None,
        **kw,
    ):
        client, __ = self._permanence_client(client_id)
        if not client or not client_id:
            return request.redirect("/my")
        url = f"{AVAILABILITY_URL}?client_id={client.id}"
        interlocutor = self._own_interlocutor(client, interlocutor_id)
        if not interlocutor:
            return request.redirect("/my")
        replacement = request.env["permanence.interlocutor"]
        if replacement_id:
            replacement = self._own_interlocutor(client, replacement_id)
            if not replacement:
                return request.redirect("/my")
        if kind not in dict(_kinds(request.env)):
            return request.redirect(url + "&error=kind")
        tz = client.tz or "UTC"
        start, end = _local_input(date_from), _local_input(date_to)
        if not start or not end:
            return request.redirect(url + "&error=dates")
        if whole_days:
            # Leave: from the first day's midnight to the end of the last
            # day ("on leave from 12/08 to 19/08"), whatever hours were typed.
            start = datetime.combine(start.date(), time.min)
            end = datetime.combine(end.date() + timedelta(days=1), time.min)
        now = fields.Datetime.now()
        start_utc = max(availability.to_utc(start, tz), now)
        end_utc = availability.to_utc(end, tz)
        if end_utc <= start_utc:
            return request.redirect(url + "&error=dates")
        try:
            request.env["permanence.interlocutor.status"].sudo().create(
                {
                    "interlocutor_id": interlocutor.id,
                    "kind": kind,
                    "date_from": start_utc,
                    "date_to": end_utc,
                    "note": (note or "").strip()[:NOTE_MAX] or False,
                    "replacement_id": replacement.id,
                    "source": "portal",
                    "set_by": request.env.user.name,
                }
            )
        except ValidationError:
            return request.redirect(url + "&error=replacement")
        return request.redirect(url + "&done=set")

    @http.route(
        f"{AVAILABILITY_URL}/<int:status_id>/end",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_permanence_availability_end(self, status_id, **kw):
        if not valid_id(status_id):
            return request.redirect("/my")
        status = request.env["permanence.interlocutor.status"].search(
            [("id", "=", status_id)]
        )
        if not status:
            return request.redirect("/my")
        status.sudo()._end(who=request.env.user.name)
        return request.redirect(
            f"{AVAILABILITY_URL}?client_id={status.client_id.id}&done=end"
        )


class PermanenceAvailabilityLink(http.Controller):
    """The signed one-click link of an interlocutor (no login)."""

    CHOICES = availability.QUICK_CHOICES + ("available",)

    def _interlocutor(self, token):
        return request.env["permanence.interlocutor"]._from_availability_token(token)

    def _use_language(self, interlocutor):
        lang = (
            interlocutor.partner_id.lang
            or interlocutor.client_id.lang
            or request.env.context.get("lang")
        )
        if lang:
            request.update_context(lang=lang)

    def _render(self, interlocutor, token, **values):
        interlocutor = interlocutor.with_context(lang=request.env.context.get("lang"))
        now = fields.Datetime.now()
        return request.render(
            "permanence_telephonique.availability_link_page",
            {
                "interlocutor": interlocutor,
                "status": interlocutor._status_at(now).with_env(interlocutor.env),
                "token": token,
                **values,
            },
        )

    def _invalid(self):
        return request.render(
            "permanence_telephonique.availability_link_invalid", status=403
        )

    @http.route(
        "/permanence/availability/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=False,
        sitemap=False,
    )
    def availability_page(self, token, **kw):
        interlocutor = self._interlocutor(token)
        if not interlocutor:
            return self._invalid()
        self._use_language(interlocutor)
        return self._render(interlocutor, token)

    @http.route(
        "/permanence/availability/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        website=False,
        sitemap=False,
    )
    def availability_set(self, token, choice=None, **kw):
        interlocutor = self._interlocutor(token)
        if not interlocutor:
            return self._invalid()
        self._use_language(interlocutor)
        if choice not in self.CHOICES:
            return self._render(interlocutor, token, error=True)
        now = fields.Datetime.now()
        running = interlocutor._status_at(now)
        if running:
            running._end(who=interlocutor.name)
        if choice != "available":
            kind, start, end = availability.quick_window(
                choice, now, interlocutor.client_id.tz
            )
            request.env["permanence.interlocutor.status"].sudo().create(
                {
                    "interlocutor_id": interlocutor.id,
                    "kind": kind,
                    "date_from": start,
                    "date_to": end,
                    "replacement_id": running.replacement_id.id,
                    "source": "link",
                    "set_by": interlocutor.name,
                }
            )
        return self._render(interlocutor, token, done=choice)
