"""Client portal ("espace client") of the answering service.

Every page reads as the portal user, so the record rules of
``security/permanence_portal_rules.xml`` decide what the client sees; a
record asked for by id goes through ``_document_check_access`` and is only
used with ``sudo()`` after that check. Anything foreign redirects to /my.
"""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import pytz

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools import format_date, html2plaintext
from odoo.tools.misc import formatLang, get_lang

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import periods as period_tools
from ..tools.access import as_id, valid_id

ITEMS_PER_PAGE = 20
CLIENT_CHOICES_LIMIT = 100
STAT_WEEKS = 12
# Bar chart geometry (SVG user units)
CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_TOP = 20
CHART_BOTTOM = 40
URGENT_LEVELS = ("urgent", "critical")
# The CSV export of the calls holds at most this many (the newest).
CALLS_EXPORT_LIMIT = 10000
SEARCH_MAX_LENGTH = 100
DATE_INPUT_MAX_LENGTH = 20
# Hours of the day always shown in the chart by hour (local time)
DAY_HOURS = (8, 19)
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
            wanted = as_id(client_id)
            if not wanted:
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
        if period not in (period_tools.WEEK, period_tools.MONTH):
            return None
        tz_name = client.tz or "UTC"
        today = datetime.now(pytz.timezone(tz_name)).date()
        week_start = int(get_lang(request.env).week_start) - 1
        first, last = period_tools.bounds(period, today, week_start)
        return period_tools.utc_range(first, last, tz_name)[0]

    @staticmethod
    def _permanence_client_record(model_name, client, value):
        """The record of ``model_name`` belonging to ``client`` whose id the
        request value ``value`` names, searched as the user; empty when
        there is none (a forged, foreign or malformed id)."""
        records = request.env[model_name]
        wanted = as_id(value)
        if not wanted:
            return records
        return records.search([("id", "=", wanted), ("client_id", "=", client.id)])

    def _permanence_periods(self):
        return {
            "all": {"label": _("All time")},
            "month": {"label": _("This month")},
            "week": {"label": _("This week")},
        }

    def _permanence_call_periods(self, with_all=True):
        """Periods of the calls and statistics pages."""
        result = {"all": {"label": _("All time")}} if with_all else {}
        result.update(
            {
                period_tools.WEEK: {"label": _("This week")},
                period_tools.MONTH: {"label": _("This month")},
                period_tools.LAST_MONTH: {"label": _("Last month")},
                period_tools.LAST_3_MONTHS: {"label": _("Last 3 months")},
                period_tools.CUSTOM: {"label": _("Custom dates")},
            }
        )
        return result

    def _permanence_period_errors(self):
        return {
            "missing": _("Choose both the first and the last day of the period."),
            "invalid": _(
                "This is not a valid date: pick it in the calendar or write it "
                "as 2026-01-31."
            ),
            "order": _("The first day of the period comes after its last day."),
            "too_long": _(
                "A period spans at most %(days)s days.", days=period_tools.MAX_DAYS
            ),
        }

    def _permanence_period(
        self, client, period, date_from=None, date_to=None, default="all"
    ):
        """The period a calls or statistics page shows, in the client's time
        zone: a dict with ``period``, its ``label``, local ``first`` and
        ``last`` days, naive UTC ``start`` and ``end`` (None for all time),
        the dates to show in the form, and ``error``: the message shown when
        the custom dates could not be used (the default period is shown
        instead)."""
        choices = self._permanence_call_periods(with_all=default == "all")
        period = period if period in choices else default
        raw_from = (date_from or "")[:DATE_INPUT_MAX_LENGTH]
        raw_to = (date_to or "")[:DATE_INPUT_MAX_LENGTH]
        tz_name = client.tz or "UTC"
        today = datetime.now(pytz.timezone(tz_name)).date()
        week_start = int(get_lang(request.env).week_start) - 1
        error = None
        try:
            first, last = (
                period_tools.bounds(period, today, week_start, raw_from, raw_to)
                if period != "all"
                else (None, None)
            )
        except period_tools.PeriodError as exc:
            error = self._permanence_period_errors()[exc.code]
            period = default
            first, last = (
                period_tools.bounds(period, today, week_start)
                if period != "all"
                else (None, None)
            )
        start = end = None
        if first:
            start, end = period_tools.utc_range(first, last, tz_name)
        if period == period_tools.CUSTOM:
            raw_from, raw_to = first.isoformat(), last.isoformat()
        return {
            "period": period,
            "periods": choices,
            "label": choices[period]["label"],
            "first": first,
            "last": last,
            "first_label": format_date(request.env, first) if first else "",
            "last_label": format_date(request.env, last) if last else "",
            "start": start,
            "end": end,
            "date_from": raw_from,
            "date_to": raw_to,
            "error": error,
        }

    @staticmethod
    def _permanence_period_domain(chosen):
        if not chosen["start"]:
            return []
        return [
            ("date_start", ">=", chosen["start"]),
            ("date_start", "<", chosen["end"]),
        ]

    @staticmethod
    def _permanence_period_query(chosen, client, search=None):
        """The query string of the period (and search) of a page."""
        query = {"client_id": client.id, "period": chosen["period"]}
        if chosen["period"] == period_tools.CUSTOM:
            query.update(date_from=chosen["date_from"], date_to=chosen["date_to"])
        if search:
            query["search"] = search
        return urlencode(query)

    # Home -----------------------------------------------------------------

    @http.route("/my/permanence", type="http", auth="user", website=True, readonly=True)
    def portal_permanence_home(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        message_model = request.env["permanence.message"]
        month_start = self._permanence_period_start("month", client)
        values = self._permanence_values(
            client,
            clients,
            "permanence_home",
            unack_count=message_model.search_count(
                [("client_id", "=", client.id), ("state", "=", "sent")]
            ),
            message_count=message_model.search_count([("client_id", "=", client.id)]),
            # Answered calls only: the service figures' definition
            month_call_count=self._permanence_figure_calls(client)._permanence_figures(
                [("client_id", "=", client.id), ("date_start", ">=", month_start)]
            )[()]["answered"],
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

    @staticmethod
    def _permanence_call_search_domain(client, search):
        """Calls whose caller number (any format: the phone mixin's search
        normalises it), caller name or company, or reason matches
        ``search``. The reasons, which portal users have no access right on,
        are looked up with sudo among the (checked) client's own only."""
        if not search:
            return []
        reasons = (
            request.env["permanence.call.reason"]
            .sudo()
            .with_context(active_test=False)
            .search([("client_id", "=", client.id), ("name", "ilike", search)])
        )
        return [
            "|",
            "|",
            "|",
            ("caller_number", "ilike", search),
            ("caller_name", "ilike", search),
            ("caller_company", "ilike", search),
            ("reason_id", "in", reasons.ids),
        ]

    def _permanence_calls_filter(self, client, period, date_from, date_to, search):
        """The chosen period, the cleaned search and the domain of the calls
        page and of its CSV export."""
        chosen = self._permanence_period(client, period, date_from, date_to)
        search = (search or "").strip()[:SEARCH_MAX_LENGTH]
        domain = (
            [("client_id", "=", client.id)]
            + self._permanence_period_domain(chosen)
            + self._permanence_call_search_domain(client, search)
        )
        return chosen, search, domain

    @http.route(
        ["/my/permanence/calls", "/my/permanence/calls/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_calls(
        self,
        page=1,
        client_id=None,
        sortby=None,
        period=None,
        date_from=None,
        date_to=None,
        search=None,
        **kw,
    ):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        sortings = self._call_sortings()
        sortby = sortby if sortby in sortings else "date"
        chosen, search, domain = self._permanence_calls_filter(
            client, period, date_from, date_to, search
        )
        call_model = request.env["permanence.call"]
        url = "/my/permanence/calls"
        url_args = {"sortby": sortby, "period": chosen["period"], "search": search}
        if chosen["period"] == period_tools.CUSTOM:
            url_args.update(date_from=chosen["date_from"], date_to=chosen["date_to"])
        total = call_model.search_count(domain)
        pager = portal_pager(
            url=url,
            url_args=url_args,
            total=total,
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
            call_total=total,
            pager=pager,
            default_url=url,
            searchbar_sortings=sortings,
            sortby=sortby,
            periods=chosen["periods"],
            period=chosen["period"],
            chosen_period=chosen,
            search=search,
            export_url="/my/permanence/calls/export.csv?"
            + self._permanence_period_query(chosen, client, search),
            export_limit=CALLS_EXPORT_LIMIT,
        )
        return request.render("permanence_telephonique.portal_permanence_calls", values)

    def _permanence_calls_csv(self, client, calls):
        """CSV text of ``calls`` (read as the user) of ``client``. Like the
        billed calls' file, a confidential client's file names no caller."""
        call_model = request.env["permanence.call"]
        directions = dict(
            call_model._fields["direction"]._description_selection(request.env)
        )
        outcomes = dict(
            call_model._fields["outcome"]._description_selection(request.env)
        )
        confidential = client.sudo().confidential
        tz = pytz.timezone(client.tz or "UTC")
        rows = []
        # Read as the user above; sudo for the reasons and the number shown
        for call in calls.sudo():
            if confidential:
                caller = number = ""
            else:
                caller = call.caller_name or ""
                if call.caller_company:
                    caller = f"{caller} ({call.caller_company})".strip()
                number = (
                    _("Withheld number")
                    if call.caller_withheld
                    else call.caller_number_display or ""
                )
            rows.append(
                [
                    pytz.utc.localize(call.date_start)
                    .astimezone(tz)
                    .strftime("%Y-%m-%d %H:%M:%S"),
                    directions.get(call.direction, call.direction),
                    caller,
                    number,
                    call.reason_id.name or "",
                    outcomes.get(call.outcome, call.outcome or ""),
                    call.talk_duration or 0,
                ]
            )
        header = [
            _("Date"),
            _("Direction"),
            _("Caller"),
            _("Number"),
            _("Reason"),
            _("Outcome"),
            _("Talk time (s)"),
        ]
        return period_tools.csv_text(header, rows)

    @http.route(
        "/my/permanence/calls/export.csv",
        type="http",
        auth="user",
    )
    def portal_permanence_calls_export(
        self,
        client_id=None,
        period=None,
        date_from=None,
        date_to=None,
        search=None,
        **kw,
    ):
        """The calls of the list's filters as CSV, the newest
        ``CALLS_EXPORT_LIMIT`` at most."""
        client, __ = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        chosen, search, domain = self._permanence_calls_filter(
            client, period, date_from, date_to, search
        )
        if chosen["error"]:
            # The list says what is wrong with the dates
            query = {"client_id": client.id, "period": period or ""}
            query.update(date_from=date_from or "", date_to=date_to or "")
            return request.redirect("/my/permanence/calls?" + urlencode(query))
        calls = request.env["permanence.call"].search(
            domain, order="date_start desc, id desc", limit=CALLS_EXPORT_LIMIT
        )
        # A confidential client's calls: the export is logged as any other
        request.env["permanence.access.log"]._log(calls, "export")
        content = self._permanence_calls_csv(client, calls)
        filename = f"{client.code or client.id}-calls-{fields.Date.today()}.csv"
        return request.make_response(
            content.encode("utf-8-sig"),
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

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
            faq = self._permanence_client_record("permanence.faq", client, faq_id)
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
            interlocutor = self._permanence_client_record(
                "permanence.interlocutor", client, kw.get("interlocutor_id")
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

    @staticmethod
    def _permanence_figure_calls(client):
        """The calls model the client's figures are counted on: every call of
        the account the user was checked for. The users of a confidential
        account list only the calls behind the messages they received, but
        their figures (counts and durations, no caller) are the account's,
        the same as in the monthly report. Aggregates only: never read
        records through it."""
        client.check_access("read")
        return request.env["permanence.call"].sudo().with_context(tz=client.tz)

    def _permanence_statistics(self, client):
        """Calls per week over the last weeks, average talk time and share of
        calls in contract hours, aggregated in the database."""
        call_model = self._permanence_figure_calls(client)
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
        [(average_talk,)] = call_model._read_group(
            domain + [("talk_duration", ">", 0)], [], ["talk_duration:avg"]
        )
        # The headline counts answered calls only (service figures' SQL)
        answered = call_model._permanence_figures(domain)[()]["answered"]
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

    def _permanence_figure_labels(self, figures):
        """The figures as a person reads them: rates in %, ASA in seconds,
        "—" where there is nothing to measure."""

        def number(value, digits=1):
            if value is None:
                return "—"
            return formatLang(request.env, value, digits=digits)

        return {
            "answer_rate": number(figures["answer_rate"]),
            "service_level": number(figures["service_level"]),
            "abandon_rate": number(figures["abandon_rate"]),
            "asa": number(figures["asa"], digits=0),
        }

    def _permanence_period_statistics(self, client, chosen):
        """Service figures of the client's calls in the chosen period, by
        reason and by hour of the day (client's time zone): all from the
        service figures' SQL, record rules of the user applied."""
        call_model = self._permanence_figure_calls(client)
        domain = [("client_id", "=", client.id)] + self._permanence_period_domain(
            chosen
        )
        figures = call_model._permanence_figures(domain)[()]

        by_reason = call_model._permanence_figures(domain, ["reason_id"])
        # Reasons: portal users have no access right on them; these are the
        # ids of the (checked) client's calls, read with sudo for the names.
        names = {
            reason.id: reason.name
            for reason in request.env["permanence.call.reason"]
            .sudo()
            .browse([key[0].id for key in by_reason if key[0]])
        }
        reasons = []
        for (reason,), values in by_reason.items():
            if not values["offered"]:
                continue
            reasons.append(
                {
                    "id": reason.id,
                    "name": names[reason.id] if reason else _("No reason given"),
                    "offered": values["offered"],
                    "answered": values["answered"],
                    "abandoned": values["abandoned"],
                }
            )
        reasons.sort(key=lambda row: (not row["id"], -row["offered"], row["name"]))
        top_reason = max([row["offered"] for row in reasons] + [1])
        for row in reasons:
            row["share"] = round(100.0 * row["offered"] / top_reason, 1)

        by_hour = {
            hour: values
            for (hour,), values in call_model._permanence_figures(
                domain, ["date_start:hour_number"]
            ).items()
            if hour is not None
        }
        busy = [hour for hour, values in by_hour.items() if values["offered"]]
        first_hour = min(busy + [DAY_HOURS[0]])
        last_hour = max(busy + [DAY_HOURS[1]])
        hours = list(range(first_hour, last_hour + 1))
        top = max([by_hour[hour]["offered"] for hour in busy] + [1])
        plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
        slot = CHART_WIDTH / len(hours)
        hour_bars = []
        for index, hour in enumerate(hours):
            values = by_hour.get(hour) or {"offered": 0, "answered": 0, "abandoned": 0}
            height = round(plot_height * values["offered"] / top, 1)
            answered_height = round(plot_height * values["answered"] / top, 1)
            hour_bars.append(
                {
                    "hour": hour,
                    "label": f"{hour:02d}h",
                    "offered": values["offered"],
                    "answered": values["answered"],
                    "abandoned": values["abandoned"],
                    "x": round(index * slot + slot * 0.15, 1),
                    "width": round(slot * 0.7, 1),
                    "y": round(CHART_TOP + plot_height - height, 1),
                    "height": height,
                    "answered_y": round(CHART_TOP + plot_height - answered_height, 1),
                    "answered_height": answered_height,
                    "center": round(index * slot + slot / 2, 1),
                }
            )
        return {
            "figures": figures,
            "labels": self._permanence_figure_labels(figures),
            "target": client.sudo().service_target,
            "reasons": reasons,
            "hour_bars": hour_bars,
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "chart_base": CHART_HEIGHT - CHART_BOTTOM,
        }

    @http.route(
        "/my/permanence/statistics",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_statistics(
        self, client_id=None, period=None, date_from=None, date_to=None, **kw
    ):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        chosen = self._permanence_period(
            client, period, date_from, date_to, default=period_tools.MONTH
        )
        values = self._permanence_values(
            client,
            clients,
            "permanence_statistics",
            stats=self._permanence_statistics(client),
            period_stats=self._permanence_period_statistics(client, chosen),
            chosen_period=chosen,
            periods=chosen["periods"],
            period=chosen["period"],
            calls_url="/my/permanence/calls?"
            + self._permanence_period_query(chosen, client),
            now=fields.Datetime.now(),
        )
        return request.render(
            "permanence_telephonique.portal_permanence_statistics", values
        )
