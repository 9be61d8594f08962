"""Client portal ("espace client") of the answering service.

Every page reads as the portal user, so the record rules of
``security/permanence_portal_rules.xml`` decide what the client sees; a
record asked for by id goes through ``_document_check_access`` and is only
used with ``sudo()`` after that check. Anything foreign redirects to /my.
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request
from odoo.tools import format_date, html2plaintext
from odoo.tools.misc import get_lang

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools.access import valid_id

ITEMS_PER_PAGE = 20
CLIENT_CHOICES_LIMIT = 100
STAT_WEEKS = 12
# Bar chart geometry (SVG user units)
CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_TOP = 20
CHART_BOTTOM = 40
URGENT_LEVELS = ("urgent", "critical")
MAX_ID = 2**31  # ids are PostgreSQL integers
PAGE_URLS = {
    "permanence_home": "/my/permanence",
    "permanence_messages": "/my/permanence/messages",
    "permanence_message": "/my/permanence/messages",
    "permanence_calls": "/my/permanence/calls",
    "permanence_instructions": "/my/permanence/instructions",
    "permanence_statistics": "/my/permanence/statistics",
}


class PermanencePortal(CustomerPortal):
    # Portal home ----------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "permanence_client_count" in counters:
            client_model = request.env["permanence.client"]
            values["permanence_client_count"] = (
                client_model.search_count([]) if client_model.has_access("read") else 0
            )
        if "permanence_unack_count" in counters:
            message_model = request.env["permanence.message"]
            values["permanence_unack_count"] = (
                message_model.search_count([("state", "=", "sent")])
                if message_model.has_access("read")
                else 0
            )
        return values

    # Helpers --------------------------------------------------------------

    def _permanence_client(self, client_id=None):
        """The client account shown and the accounts the user may switch to,
        both read as the current user.

        ``client_id`` comes from the request: an id the user may not read
        gives an empty account, which the routes turn into a redirect.
        """
        client_model = request.env["permanence.client"]
        if not client_model.has_access("read"):
            return client_model, client_model
        clients = client_model.search([], limit=CLIENT_CHOICES_LIMIT)
        if client_id:
            try:
                wanted = int(client_id)
            except (TypeError, ValueError):
                wanted = 0
            if not 0 < wanted < MAX_ID:
                return client_model, clients
            client = client_model.search([("id", "=", wanted)])
            if client:
                request.session["permanence_client_id"] = client.id
            return client, clients
        remembered = request.session.get("permanence_client_id")
        client = client_model.browse()
        if remembered:
            client = client_model.search([("id", "=", remembered)])
        return client or clients[:1], clients

    def _permanence_values(self, client, clients, page_name, **values):
        result = self._prepare_portal_layout_values()
        result.update(
            permanence_client=client,
            permanence_clients=clients,
            page_name=page_name,
            # where choosing another client account leads
            default_url=PAGE_URLS.get(page_name, "/my/permanence"),
        )
        result.update(values)
        return result

    @staticmethod
    def _permanence_period_start(period, client):
        """Naive UTC start of this week or month in the client's time zone."""
        if period not in ("week", "month"):
            return None
        tz = pytz.timezone(client.tz or "UTC")
        today = datetime.now(tz).date()
        if period == "week":
            first_week_day = int(get_lang(request.env).week_start) - 1
            start = today - timedelta(days=(today.weekday() - first_week_day) % 7)
        else:
            start = today.replace(day=1)
        return (
            tz.localize(datetime.combine(start, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )

    def _permanence_periods(self):
        return {
            "all": {"label": _("All time")},
            "month": {"label": _("This month")},
            "week": {"label": _("This week")},
        }

    # Home -----------------------------------------------------------------

    @http.route("/my/permanence", type="http", auth="user", website=True, readonly=True)
    def portal_permanence_home(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        message_model = request.env["permanence.message"]
        call_model = request.env["permanence.call"]
        month_start = self._permanence_period_start("month", client)
        values = self._permanence_values(
            client,
            clients,
            "permanence_home",
            unack_count=message_model.search_count(
                [("client_id", "=", client.id), ("state", "=", "sent")]
            ),
            message_count=message_model.search_count([("client_id", "=", client.id)]),
            month_call_count=call_model.search_count(
                [("client_id", "=", client.id), ("date_start", ">=", month_start)]
            ),
            last_messages=message_model.search(
                [("client_id", "=", client.id)], limit=5
            ),
        )
        return request.render("permanence_telephonique.portal_permanence_home", values)

    # Messages -------------------------------------------------------------

    def _message_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "create_date desc, id desc"},
            "date_asc": {"label": _("Oldest"), "order": "create_date asc, id asc"},
            "caller": {"label": _("Caller"), "order": "caller_name, id desc"},
            "subject": {"label": _("Subject"), "order": "subject, id desc"},
            "state": {"label": _("Status"), "order": "state, id desc"},
        }

    def _message_filters(self):
        return {
            "all": {"label": _("All"), "domain": []},
            "unacknowledged": {
                "label": _("To acknowledge"),
                "domain": [("state", "=", "sent")],
            },
            "urgent": {
                "label": _("Urgent"),
                "domain": [("urgency", "in", URGENT_LEVELS)],
            },
            "callback": {
                "label": _("Callback requested"),
                "domain": [("callback_requested", "=", True)],
            },
        }

    def _message_search_inputs(self):
        return {
            "all": {"input": "all", "label": _("Search in subject and caller")},
            "subject": {"input": "subject", "label": _("Search in subject")},
            "caller": {"input": "caller", "label": _("Search in caller")},
        }

    @staticmethod
    def _message_search_domain(search, search_in):
        if not search:
            return []
        caller = [
            "|",
            "|",
            ("caller_name", "ilike", search),
            ("caller_company", "ilike", search),
            ("caller_phone", "ilike", search),
        ]
        subject = [("subject", "ilike", search)]
        if search_in == "subject":
            return subject
        if search_in == "caller":
            return caller
        return ["|"] + subject + caller

    @http.route(
        ["/my/permanence/messages", "/my/permanence/messages/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_messages(
        self,
        page=1,
        client_id=None,
        sortby=None,
        filterby=None,
        period=None,
        search=None,
        search_in="all",
        **kw,
    ):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        sortings = self._message_sortings()
        filters = self._message_filters()
        periods = self._permanence_periods()
        inputs = self._message_search_inputs()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        period = period if period in periods else "all"
        search_in = search_in if search_in in inputs else "all"

        domain = [("client_id", "=", client.id)] + filters[filterby]["domain"]
        start = self._permanence_period_start(period, client)
        if start:
            domain.append(("create_date", ">=", start))
        domain += self._message_search_domain(search, search_in)

        message_model = request.env["permanence.message"]
        url = "/my/permanence/messages"
        pager = portal_pager(
            url=url,
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "period": period,
                "search": search or "",
                "search_in": search_in,
            },
            total=message_model.search_count(domain),
            page=page,
            step=ITEMS_PER_PAGE,
        )
        messages = message_model.search(
            domain,
            order=sortings[sortby]["order"],
            limit=ITEMS_PER_PAGE,
            offset=pager["offset"],
        )
        values = self._permanence_values(
            client,
            clients,
            "permanence_messages",
            messages=messages,
            pager=pager,
            default_url=url,
            searchbar_sortings=sortings,
            sortby=sortby,
            searchbar_filters=filters,
            filterby=filterby,
            searchbar_inputs=inputs,
            search_in=search_in,
            search=search,
            periods=periods,
            period=period,
        )
        return request.render(
            "permanence_telephonique.portal_permanence_messages", values
        )

    @http.route(
        "/my/permanence/messages/<int:message_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_message(self, message_id, **kw):
        if not valid_id(message_id):
            return request.redirect("/my")
        try:
            message_sudo = self._document_check_access("permanence.message", message_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        client = message_sudo.client_id.with_user(request.env.user)
        values = self._permanence_values(
            client,
            self._permanence_client()[1],
            "permanence_message",
            message=message_sudo,
            acknowledged=bool(kw.get("acknowledged")),
        )
        return request.render(
            "permanence_telephonique.portal_permanence_message", values
        )

    @http.route(
        "/my/permanence/messages/<int:message_id>/acknowledge",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_permanence_message_acknowledge(self, message_id, **kw):
        if not valid_id(message_id):
            return request.redirect("/my")
        try:
            message_sudo = self._document_check_access("permanence.message", message_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        message_sudo.action_acknowledge(by=request.env.user.name)
        return request.redirect(
            f"/my/permanence/messages/{message_sudo.id}?acknowledged=1"
        )

    # Calls ----------------------------------------------------------------

    def _call_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "date_start desc, id desc"},
            "date_asc": {"label": _("Oldest"), "order": "date_start asc, id asc"},
            "duration": {
                "label": _("Longest"),
                "order": "talk_duration desc, date_start desc",
            },
        }

    @http.route(
        ["/my/permanence/calls", "/my/permanence/calls/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_calls(
        self, page=1, client_id=None, sortby=None, period=None, **kw
    ):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        sortings = self._call_sortings()
        periods = self._permanence_periods()
        sortby = sortby if sortby in sortings else "date"
        period = period if period in periods else "all"
        domain = [("client_id", "=", client.id)]
        start = self._permanence_period_start(period, client)
        if start:
            domain.append(("date_start", ">=", start))
        call_model = request.env["permanence.call"]
        url = "/my/permanence/calls"
        pager = portal_pager(
            url=url,
            url_args={"sortby": sortby, "period": period},
            total=call_model.search_count(domain),
            page=page,
            step=ITEMS_PER_PAGE,
        )
        calls = call_model.search(
            domain,
            order=sortings[sortby]["order"],
            limit=ITEMS_PER_PAGE,
            offset=pager["offset"],
        )
        values = self._permanence_values(
            client,
            clients,
            "permanence_calls",
            # Read as the user above; sudo only to show the call reasons,
            # which portal users have no access right on.
            calls=calls.sudo(),
            pager=pager,
            default_url=url,
            searchbar_sortings=sortings,
            sortby=sortby,
            periods=periods,
            period=period,
        )
        return request.render("permanence_telephonique.portal_permanence_calls", values)

    # Instructions, FAQ and change requests -----------------------------------

    @http.route(
        "/my/permanence/instructions",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_instructions(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        change_model = request.env["permanence.change.request"]
        values = self._permanence_values(
            client,
            clients,
            "permanence_instructions",
            faqs=request.env["permanence.faq"].search([("client_id", "=", client.id)]),
            # Found as the user; sudo only to show their phones and emails.
            interlocutors=request.env["permanence.interlocutor"]
            .search([("client_id", "=", client.id)])
            .sudo(),
            instructions_text=html2plaintext(client.instructions or ""),
            pending_changes=change_model.search(
                [("client_id", "=", client.id), ("state", "=", "new")]
            )
            if change_model.has_access("read")
            else change_model,
            change_sent=bool(kw.get("sent")),
            change_error=kw.get("error"),
        )
        return request.render(
            "permanence_telephonique.portal_permanence_instructions", values
        )

    @http.route(
        "/my/permanence/instructions/propose",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_permanence_propose_change(
        self,
        client_id=None,
        kind="instructions",
        faq_id=None,
        question=None,
        proposed_text=None,
        **kw,
    ):
        client, __ = self._permanence_client(client_id)
        if not client or not client_id:
            return request.redirect("/my")
        url = f"/my/permanence/instructions?client_id={client.id}"
        if kind == "interlocutor":
            return self._permanence_propose_interlocutor(client, url, kw)
        if not (proposed_text or "").strip():
            return request.redirect(url + "&error=empty")
        vals = {
            "client_id": client.id,
            "kind": "faq" if kind == "faq" else "instructions",
            "proposed_text": proposed_text.strip(),
            "question": (question or "").strip() or False,
        }
        if vals["kind"] == "faq" and faq_id:
            wanted = int(faq_id) if faq_id.isdigit() else 0
            faq = request.env["permanence.faq"]
            if 0 < wanted < MAX_ID:
                faq = faq.search([("id", "=", wanted), ("client_id", "=", client.id)])
            if not faq:
                return request.redirect("/my")
            vals["faq_id"] = faq.id
        try:
            with request.env.cr.savepoint():
                request.env["permanence.change.request"].create(vals)
        except AccessError:
            return request.redirect("/my")
        except ValidationError:
            return request.redirect(url + "&error=question")
        return request.redirect(url + "&sent=1")

    def _permanence_propose_interlocutor(self, client, url, kw):
        """A new interlocutor, a change of one or its removal, proposed for
        ``client``: the interlocutor is looked for as the user among this
        client's, anything else redirects to /my and creates nothing."""
        action = kw.get("interlocutor_action")
        if action not in ("create", "update", "archive"):
            return request.redirect("/my")
        vals = {
            "client_id": client.id,
            "kind": "interlocutor",
            "interlocutor_action": action,
        }
        if action != "create":
            raw = kw.get("interlocutor_id") or ""
            wanted = int(raw) if raw.isdigit() else 0
            interlocutor = request.env["permanence.interlocutor"]
            if 0 < wanted < MAX_ID:
                interlocutor = interlocutor.search(
                    [("id", "=", wanted), ("client_id", "=", client.id)]
                )
            if not interlocutor:
                return request.redirect("/my")
            vals["interlocutor_id"] = interlocutor.id
        if action != "archive":
            for key in ("name", "phone", "mobile", "email", "role", "transfer_number"):
                vals[f"proposed_{key}"] = (kw.get(key) or "").strip()[:200] or False
            for key in ("receives_messages", "transfer_allowed"):
                vals[f"proposed_{key}"] = bool(kw.get(key))
        try:
            with request.env.cr.savepoint():
                request.env["permanence.change.request"].create(vals)
        except AccessError:
            return request.redirect("/my")
        except ValidationError:
            return request.redirect(url + "&error=interlocutor")
        return request.redirect(url + "&sent=1")

    # Statistics -------------------------------------------------------------

    def _permanence_statistics(self, client):
        """Calls per week over the last weeks, average talk time and share of
        calls in contract hours, aggregated in the database."""
        call_model = request.env["permanence.call"].with_context(tz=client.tz)
        tz = pytz.timezone(client.tz or "UTC")
        today = datetime.now(tz).date()
        first_week_day = int(get_lang(request.env).week_start) - 1
        this_week = today - timedelta(days=(today.weekday() - first_week_day) % 7)
        first_week = this_week - timedelta(weeks=STAT_WEEKS - 1)
        start = (
            tz.localize(datetime.combine(first_week, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        domain = [("client_id", "=", client.id), ("date_start", ">=", start)]

        per_week = {
            (week.date() if isinstance(week, datetime) else week): count
            for week, count in call_model._read_group(
                domain, ["date_start:week"], ["__count"]
            )
        }
        [(average_talk, answered)] = call_model._read_group(
            domain + [("talk_duration", ">", 0)], [], ["talk_duration:avg", "__count"]
        )
        coverage = dict(call_model._read_group(domain, ["in_coverage"], ["__count"]))
        total = sum(per_week.values())

        weeks = [first_week + timedelta(weeks=index) for index in range(STAT_WEEKS)]
        counts = [per_week.get(week, 0) for week in weeks]
        top = max(counts + [1])
        plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
        slot = CHART_WIDTH / STAT_WEEKS
        bars = []
        for index, (week, count) in enumerate(zip(weeks, counts, strict=True)):
            height = round(plot_height * count / top, 1)
            bars.append(
                {
                    "week": week,
                    "label": format_date(request.env, week, date_format="dd/MM"),
                    "count": count,
                    "x": round(index * slot + slot * 0.15, 1),
                    "width": round(slot * 0.7, 1),
                    "y": round(CHART_TOP + plot_height - height, 1),
                    "height": height,
                    "center": round(index * slot + slot / 2, 1),
                }
            )
        average_seconds = int(round(average_talk or 0))
        return {
            "bars": bars,
            "bars_recent_first": bars[::-1],
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "chart_base": CHART_HEIGHT - CHART_BOTTOM,
            "chart_top_count": top,
            "total": total,
            "answered": answered,
            "average_talk": "%d:%02d" % divmod(average_seconds, 60),
            "in_coverage_count": coverage.get(True, 0),
            "coverage_share": round(100.0 * coverage.get(True, 0) / total)
            if total
            else 0,
            "first_week": first_week,
        }

    @http.route(
        "/my/permanence/statistics",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_statistics(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        values = self._permanence_values(
            client,
            clients,
            "permanence_statistics",
            stats=self._permanence_statistics(client),
            now=fields.Datetime.now(),
        )
        return request.render(
            "permanence_telephonique.portal_permanence_statistics", values
        )
