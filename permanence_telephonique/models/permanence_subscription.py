# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import psycopg2
import pytz
from psycopg2 import errorcodes

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date, sql

from ..tools import billing

_logger = logging.getLogger(__name__)

# Client states after which nothing more is billed past the subscription's end.
STOPPED_STATES = ("suspended", "closed")
NO_OVERLAP = "permanence_subscription_no_overlap"
OVERLAP_FIELDS = {"client_id", "date_start", "date_end", "active"}


class PermanenceSubscription(models.Model):
    _name = "permanence.subscription"
    _description = "Client subscription to a billing plan"
    _inherit = ["mail.thread", "permanence.client.owned"]
    _order = "client_id, date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["client_id", "plan_id"]

    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
    )
    # The client's company; before the client is chosen, the user's, so that
    # a new subscription offers the plans it may use.
    company_id = fields.Many2one(
        comodel_name="res.company",
        compute="_compute_company_id",
        store=True,
        index=True,
        precompute=True,
    )
    plan_id = fields.Many2one(
        comodel_name="permanence.plan",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")
    unit = fields.Selection(related="plan_id.unit")
    option_ids = fields.Many2many(
        comodel_name="permanence.plan.option",
        relation="permanence_subscription_option_rel",
        column1="subscription_id",
        column2="option_id",
        string="Options",
        domain="[('plan_id', '=', plan_id)]",
        help="Options of the plan this client takes, billed every month.",
    )
    date_start = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(
        tracking=True,
        help="Last day billed. Changing plan: end this subscription the day "
        "before the new one starts; both are pro-rated.",
    )
    billing_day = fields.Integer(
        default=1,
        required=True,
        help="Day of the month the billing period starts (31: last day).",
    )
    invoice_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Invoice address",
        compute="_compute_invoice_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        ondelete="restrict",
        help="Invoices go to this address; it must belong to the client's "
        "company for its portal users to see them.",
    )
    active = fields.Boolean(default=True)
    # Alerts: the period and the last threshold notified in it.
    alert_period_start = fields.Date(copy=False, readonly=True)
    alert_level = fields.Integer(copy=False, readonly=True)
    # Usage of the current period (computed in the database).
    usage_period_start = fields.Date(string="Period start", compute="_compute_usage")
    usage_period_end = fields.Date(string="Period end", compute="_compute_usage")
    usage_units = fields.Float(string="Used", compute="_compute_usage", digits=(16, 2))
    usage_included = fields.Float(
        string="Included", compute="_compute_usage", digits=(16, 2)
    )
    usage_overage = fields.Float(
        string="Overage", compute="_compute_usage", digits=(16, 2)
    )
    usage_percent = fields.Float(string="Used (%)", compute="_compute_usage")

    _sql_constraints = [
        (
            "billing_day_range",
            "CHECK(billing_day BETWEEN 1 AND 31)",
            "The billing day must be between 1 and 31.",
        ),
        (
            "dates_order",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "A subscription cannot end before it starts.",
        ),
    ]

    @api.depends("client_id.company_id")
    def _compute_company_id(self):
        for subscription in self:
            subscription.company_id = (
                subscription.client_id.company_id
                or subscription.company_id
                or self.env.company
            )

    def init(self):
        """A client has one plan at a time, whoever writes: a PostgreSQL
        exclusion constraint over the dates (like the agenda's bookings), so
        that two saves at the same moment cannot both pass the Python
        check."""
        super().init()
        cr = self.env.cr
        if sql.constraint_definition(cr, self._table, NO_OVERLAP):
            return
        client_key = SQL("client_id WITH =")
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        except psycopg2.Error:
            # Without btree_gist (not allowed to create it), compare the
            # client as a one-value range, which gist supports natively.
            _logger.info("btree_gist unavailable, client compared as a range")
            client_key = SQL("int4range(client_id, client_id, '[]') WITH &&")
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        """ALTER TABLE %s ADD CONSTRAINT %s EXCLUDE USING gist (
                               %s, daterange(date_start, date_end, '[]') WITH &&
                           ) WHERE (active)""",
                        SQL.identifier(self._table),
                        SQL.identifier(NO_OVERLAP),
                        client_key,
                    )
                )
        except psycopg2.IntegrityError:
            _logger.warning(
                "Overlapping subscriptions exist: end them, then update the "
                "module to add the constraint %s.",
                NO_OVERLAP,
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_overlap_before([(self.browse(), vals) for vals in vals_list])
        with self._overlap_guard():
            return super().create(vals_list)

    def write(self, vals):
        if OVERLAP_FIELDS & set(vals):
            self._check_overlap_before([(sub, vals) for sub in self])
        with self._overlap_guard():
            return super().write(vals)

    @api.model
    def _check_overlap_before(self, changes):
        """The overlap check of ``_check_no_overlap``, before the database
        is written (which would refuse it, but with an error in the log):
        ``changes`` are ``(subscription or empty, values)`` pairs."""
        wanted = []
        today = fields.Date.context_today(self)
        for subscription, vals in changes:
            if not vals.get("active", subscription.active if subscription else True):
                continue
            client_id = vals.get("client_id", subscription.client_id.id)
            start = fields.Date.to_date(
                vals.get("date_start", subscription.date_start or today)
            )
            end = fields.Date.to_date(vals.get("date_end", subscription.date_end))
            if client_id and start:
                wanted.append((subscription.id, client_id, start, end))
        if not wanted:
            return
        others = self.search(
            [
                ("client_id", "in", [client_id for __, client_id, *__ in wanted]),
                ("id", "not in", [sub_id for sub_id, *__ in wanted if sub_id]),
            ]
        )
        others_by_client = others.grouped("client_id")
        wanted_by_client = {}
        for __, client_id, start, end in wanted:
            wanted_by_client.setdefault(client_id, []).append((start, end))
        for client_id, ranges in wanted_by_client.items():
            client = self.env["permanence.client"].browse(client_id)
            for other in others_by_client.get(client, []):
                for start, end in ranges:
                    if _dates_overlap(start, end, other.date_start, other.date_end):
                        raise ValidationError(other._overlap_message())
            for index, (start, end) in enumerate(ranges):
                for other_start, other_end in ranges[index + 1 :]:
                    if _dates_overlap(start, end, other_start, other_end):
                        raise ValidationError(
                            _(
                                "Two of these subscriptions overlap: a client "
                                "has one plan at a time."
                            )
                        )

    @api.model
    @contextmanager
    def _overlap_guard(self):
        """Turn the database's refusal of overlapping subscriptions (another
        transaction saved one for the same client at the same moment) into
        the same clear error as the Python check."""
        try:
            with self.env.cr.savepoint():
                yield
        except psycopg2.Error as exc:
            if (
                exc.pgcode != errorcodes.EXCLUSION_VIOLATION
                or exc.diag.constraint_name != NO_OVERLAP
            ):
                raise
            raise ValidationError(
                _(
                    "This client already has a subscription for these dates "
                    "(saved by someone else a moment ago): a client has one "
                    "plan at a time. Reload the page, then end the other "
                    "subscription the day before this one starts."
                )
            ) from None

    @api.depends("client_id.partner_id")
    def _compute_invoice_partner_id(self):
        for subscription in self:
            partner = subscription.client_id.partner_id
            subscription.invoice_partner_id = (
                partner and partner.address_get(["invoice"])["invoice"]
            )

    @api.depends("client_id", "plan_id")
    def _compute_display_name(self):
        for subscription in self:
            subscription.display_name = (
                f"{subscription.client_id.display_name} - "
                f"{subscription.plan_id.display_name}"
            )

    @api.constrains("client_id", "date_start", "date_end", "active")
    def _check_no_overlap(self):
        """A client has one plan at a time (changing plan = ending one
        subscription and starting another)."""
        subscriptions = self.filtered("active")
        if not subscriptions:
            return
        others = (
            self.search(
                [
                    ("client_id", "in", subscriptions.client_id.ids),
                    ("id", "not in", subscriptions.ids),
                ]
            )
            | subscriptions
        )
        by_client = others.grouped("client_id")
        for subscription in subscriptions:
            for other in by_client[subscription.client_id] - subscription:
                if subscription._overlaps(other.date_start, other.date_end):
                    raise ValidationError(other._overlap_message())

    def _overlap_message(self):
        """Why a subscription overlapping this one is refused."""
        self.ensure_one()
        return _(
            "The client %(client)s already has the plan "
            "%(plan)s from %(start)s: end it the day before "
            "the new subscription starts.",
            client=self.client_id.display_name,
            plan=self.plan_id.display_name,
            start=self.date_start,
        )

    def _overlaps(self, date_start, date_end):
        self.ensure_one()
        return self.date_start <= (date_end or self.date_start.max) and (
            date_start <= (self.date_end or date_start.max)
        )

    # Periods and usage -----------------------------------------------------

    def _window(self, period_start, period_end):
        """The part of ``[period_start, period_end]`` this subscription
        covers, as ``(days, naive UTC start, naive UTC end exclusive)`` in
        the client's time zone; days is 0 when it does not overlap."""
        self.ensure_one()
        days = billing.overlap_days(
            period_start, period_end, self.date_start, self.date_end
        )
        if not days:
            return 0, None, None
        first = max(period_start, self.date_start)
        last = min(period_end, self.date_end) if self.date_end else period_end
        tz = pytz.timezone(self.client_id.tz or "UTC")

        def to_utc(day):
            return (
                tz.localize(datetime.combine(day, time.min))
                .astimezone(pytz.utc)
                .replace(tzinfo=None)
            )

        return days, to_utc(first), to_utc(last + timedelta(days=1))

    def _included_units(self, days, period_days):
        """Units included for ``days`` of a ``period_days`` period: pro-rated
        like the fee, whole calls for a per-call plan."""
        self.ensure_one()
        plan = self.plan_id
        if plan.billing_mode != "package":
            return 0.0
        return billing.included_units(plan.included_units, days, period_days, plan.unit)

    def _usage_windows(self, period_start, period_end):
        """One window per subscription overlapping the period."""
        windows = []
        for subscription in self:
            days, date_from, date_to = subscription._window(period_start, period_end)
            if days:
                windows.append(
                    {
                        "subscription": subscription,
                        "days": days,
                        "date_from": date_from,
                        "date_to": date_to,
                    }
                )
        return windows

    def _window_values_sql(self, windows):
        """The windows as a SQL derived table, one row per window with the
        plan's billing parameters."""
        rows = []
        for index, window in enumerate(windows):
            plan = window["subscription"].plan_id
            rows.append(
                SQL(
                    "(%s, %s, %s::timestamp, %s::timestamp, %s::varchar[], "
                    "%s, %s, %s, %s)",
                    index,
                    window["subscription"].client_id.id,
                    window["date_from"],
                    window["date_to"],
                    plan._counted_outcome_list(),
                    plan.free_under_seconds or 0,
                    plan.wrap_up_seconds or 0,
                    billing.rounding_increment(plan.rounding),
                    plan.unit == billing.UNIT_MINUTES,
                )
            )
        return SQL(
            "(SELECT * FROM (VALUES %s) AS v(key, client_id, date_from, date_to, "
            "outcomes, free_under, wrap_up, increment, per_minute))",
            SQL(", ").join(rows),
        )

    @api.model
    def _units_sql(self, call_alias="permanence_call", window_alias="w"):
        """Units of one call, the SQL twin of ``tools.billing.call_units``:
        rounding applies per call, before the aggregation."""
        talk = SQL("COALESCE(%s, 0)", SQL.identifier(call_alias, "talk_duration"))
        window = SQL.identifier(window_alias)
        return SQL(
            "CASE WHEN %(w)s.per_minute THEN CEIL((%(talk)s + %(w)s.wrap_up)"
            "::numeric / %(w)s.increment) * %(w)s.increment / 60.0 ELSE 1 END",
            w=window,
            talk=talk,
        )

    def _billed_calls_query(self, windows):
        """The billed calls of the windows: done, of a counted outcome, not
        free. A Query built by the ORM (``_search``), joined with the
        windows; the caller adds the SELECT."""
        call_model = self.env["permanence.call"].sudo()
        call_model.flush_model(
            [
                "client_id",
                "date_start",
                "outcome",
                "talk_duration",
                "state",
                "name",
                "caller_number",
            ]
        )
        query = call_model._search([("state", "=", "done")])
        query.add_join(
            "JOIN",
            "w",
            self._window_values_sql(windows),
            SQL(
                "permanence_call.client_id = w.client_id "
                "AND permanence_call.date_start >= w.date_from "
                "AND permanence_call.date_start < w.date_to "
                "AND permanence_call.outcome = ANY(w.outcomes) "
                "AND COALESCE(permanence_call.talk_duration, 0) >= w.free_under"
            ),
        )
        return query

    def _usage(self, period_start, period_end):
        """Usage of each subscription in the period, aggregated in the
        database: ``{subscription id: {calls, units, included, overage,
        percent, days, period_days, date_from, date_to}}``."""
        period_days = (period_end - period_start).days + 1
        windows = self._usage_windows(period_start, period_end)
        result = {}
        if not windows:
            return result
        query = self._billed_calls_query(windows)
        query.groupby = SQL("w.key")
        rows = dict(
            (key, (count, units))
            for key, count, units in self.env.execute_query(
                query.select(
                    SQL("w.key"), SQL("COUNT(*)"), SQL("SUM(%s)", self._units_sql())
                )
            )
        )
        for index, window in enumerate(windows):
            subscription = window["subscription"]
            count, units = rows.get(index, (0, 0))
            units = round(float(units or 0), 2)
            included = subscription._included_units(window["days"], period_days)
            if subscription.plan_id.billing_mode == "per_use":
                overage = units
            else:
                overage = round(billing.overage(units, included), 2)
            result[subscription.id] = {
                "calls": count,
                "units": units,
                "included": included,
                "overage": overage,
                "percent": billing.usage_percent(units, included),
                "days": window["days"],
                "period_days": period_days,
                "date_from": window["date_from"],
                "date_to": window["date_to"],
            }
        return result

    def _billed_calls(self, windows):
        """Every billed call of the windows, per window index: the detail
        attached to the invoice."""
        query = self._billed_calls_query(windows)
        query.order = SQL("w.key, permanence_call.date_start, permanence_call.id")
        rows = self.env.execute_query(
            query.select(
                SQL("w.key"),
                SQL("permanence_call.name"),
                SQL("permanence_call.date_start"),
                SQL("permanence_call.caller_number"),
                SQL("permanence_call.outcome"),
                SQL("COALESCE(permanence_call.talk_duration, 0)"),
                self._units_sql(),
            )
        )
        by_window = {}
        for key, *values in rows:
            by_window.setdefault(key, []).append(values)
        return by_window

    def _current_period(self, today=None):
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        return billing.period_of(today, self.billing_day)

    def _current_usage(self, today=None):
        """Usage in each subscription's current period."""
        result = {}
        by_period = {}
        for subscription in self:
            by_period.setdefault(subscription._current_period(today), self.browse())
            by_period[subscription._current_period(today)] |= subscription
        for (start, end), subscriptions in by_period.items():
            for sub_id, usage in subscriptions._usage(start, end).items():
                result[sub_id] = dict(usage, period_start=start, period_end=end)
        return result

    def _compute_usage(self):
        usage = self._current_usage()
        for subscription in self:
            values = usage.get(subscription.id, {})
            subscription.usage_period_start = values.get("period_start")
            subscription.usage_period_end = values.get("period_end")
            subscription.usage_units = values.get("units", 0.0)
            subscription.usage_included = values.get("included", 0.0)
            subscription.usage_overage = values.get("overage", 0.0)
            subscription.usage_percent = values.get("percent", 0.0)

    @api.model
    def _current_for_clients(self, clients, today=None):
        """The subscription running today for each client."""
        today = today or fields.Date.context_today(self)
        subscriptions = self.search(
            [
                ("client_id", "in", clients.ids),
                ("date_start", "<=", today),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", today),
            ]
        )
        return {sub.client_id.id: sub for sub in subscriptions}

    @api.model
    def _client_usage(self, clients):
        """``{client id: (summary, percent)}`` for the client form and the
        operator console."""
        current = self._current_for_clients(clients)
        subscriptions = self.browse([sub.id for sub in current.values()])
        usage = subscriptions._current_usage()
        unit_labels = dict(
            self.env["permanence.plan"]._fields["unit"]._description_selection(self.env)
        )
        result = {}
        for client_id, subscription in current.items():
            values = usage.get(subscription.id)
            if not values:
                continue
            unit = unit_labels[subscription.plan_id.unit].lower()
            if values["included"]:
                summary = _(
                    "%(used)s / %(included)s %(unit)s used this period "
                    "(%(percent)s %%)",
                    used=_format_units(values["units"]),
                    included=_format_units(values["included"]),
                    unit=unit,
                    percent=round(values["percent"]),
                )
            else:
                summary = _(
                    "%(used)s %(unit)s this period (billed per use)",
                    used=_format_units(values["units"]),
                    unit=unit,
                )
            result[client_id] = (summary, values["percent"])
        return result

    # Alerts ----------------------------------------------------------------

    @api.model
    def _cron_usage_alerts(self):
        """Tell the account manager (activity) and the client (email) when
        the current period reaches 80 % and 100 % of the package, once per
        threshold and period."""
        today = fields.Date.context_today(self)
        subscriptions = self.search(
            [
                ("plan_id.billing_mode", "=", "package"),
                ("plan_id.included_units", ">", 0),
                ("date_start", "<=", today),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", today),
                ("client_id.state", "not in", STOPPED_STATES),
            ]
        )
        usage = subscriptions._current_usage(today)
        template = self.env.ref(
            "permanence_telephonique.mail_template_permanence_usage_alert"
        )
        alerted = self.browse()
        batch = self.env["permanence.batch"]
        for subscription in subscriptions:
            values = usage.get(subscription.id)
            if not values:
                continue
            level = (
                subscription.alert_level
                if subscription.alert_period_start == values["period_start"]
                else 0
            )
            threshold = billing.reached_threshold(values["percent"], level)
            if not threshold:
                continue
            with batch._row("_usage_alert_set_aside", subscription) as row:
                subscription.write(
                    {
                        "alert_period_start": values["period_start"],
                        "alert_level": threshold,
                    }
                )
                subscription._notify_usage(threshold, values, template)
            if not row.error:
                alerted |= subscription
        _logger.info("usage alerts sent for %s subscriptions", len(alerted))
        return alerted

    def _usage_alert_set_aside(self, error):
        """The usage alert of these subscriptions failed (called apart from
        the batch): noted on the subscription; the next run tries again."""
        for subscription in self:
            subscription.message_post(
                body=subscription.env._("The usage alert could not be sent: %s", error)
            )

    def _notify_usage(self, threshold, values, template):
        self.ensure_one()
        client = self.client_id
        summary = _(
            "%(client)s has used %(percent)s %% of its package (%(used)s of "
            "%(included)s) for the period from %(start)s to %(end)s.",
            client=client.display_name,
            percent=threshold,
            used=_format_units(values["units"]),
            included=_format_units(values["included"]),
            start=values["period_start"],
            end=values["period_end"],
        )
        if client.user_id:
            client.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Package %s %% used", threshold),
                note=summary,
                user_id=client.user_id.id,
            )
        lang = client.lang or self.env.lang
        template.with_context(
            permanence_usage_threshold=threshold,
            permanence_usage_used=_format_units(values["units"]),
            permanence_usage_included=_format_units(values["included"]),
            permanence_usage_start=format_date(
                self.env, values["period_start"], lang_code=lang
            ),
            permanence_usage_end=format_date(
                self.env, values["period_end"], lang_code=lang
            ),
        ).send_mail(self.id)

    # Client lifecycle ------------------------------------------------------

    @api.model
    def _on_client_stopped(self, clients, date_end=None):
        """A suspended or closed account is billed up to that day only: end
        its running subscriptions."""
        date_end = date_end or fields.Date.context_today(self)
        running = self.search(
            [
                ("client_id", "in", clients.ids),
                "|",
                ("date_end", "=", False),
                ("date_end", ">", date_end),
            ]
        )
        started = running.filtered(lambda sub: sub.date_start <= date_end)
        started.write({"date_end": date_end})
        # Not started yet: nothing to bill at all.
        (running - started).write({"active": False})
        return started


def _dates_overlap(start, end, other_start, other_end):
    """Whether two date ranges overlap (an end None: open-ended)."""
    return start <= (other_end or date.max) and other_start <= (end or date.max)


def _format_units(value):
    return f"{value:g}" if value == int(value) else f"{value:.2f}"
