# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

from ..tools import billing

_logger = logging.getLogger(__name__)

# Client states after which nothing more is billed past the subscription's end.
STOPPED_STATES = ("suspended", "closed")


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
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
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
                    raise ValidationError(
                        _(
                            "The client %(client)s already has the plan "
                            "%(plan)s from %(start)s: end it the day before "
                            "the new subscription starts.",
                            client=subscription.client_id.display_name,
                            plan=other.plan_id.display_name,
                            start=other.date_start,
                        )
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
        included = billing.prorate(plan.included_units, days, period_days)
        return (
            round(included) if plan.unit == billing.UNIT_CALLS else round(included, 2)
        )

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
            subscription.write(
                {
                    "alert_period_start": values["period_start"],
                    "alert_level": threshold,
                }
            )
            subscription._notify_usage(threshold, values, template)
            alerted |= subscription
        _logger.info("usage alerts sent for %s subscriptions", len(alerted))
        return alerted

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


def _format_units(value):
    return f"{value:g}" if value == int(value) else f"{value:.2f}"
