# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date, format_time, formatLang

from ..tools import service_period
from ..tools.access import SUPERVISOR, check_rights

MODES = [
    (service_period.ON, "Service on (take my calls)"),
    (service_period.OFF, "Service off (I answer myself)"),
]
REASONS = [
    ("lunch", "Lunch break"),
    ("leave", "Leave"),
    ("unplanned", "Unplanned absence"),
    ("other", "Other"),
]
SOURCES = [("portal", "Client portal"), ("staff", "Answering service")]
STATES = [("confirmed", "Planned"), ("cancelled", "Cancelled")]
STATUSES = [
    ("upcoming", "Upcoming"),
    ("current", "In progress"),
    ("past", "Over"),
    ("cancelled", "Cancelled"),
]
# What a client may set when asking for a period from the portal (or through
# JSON-RPC with the portal's create right): the rest is the service's.
CLIENT_FIELDS = ("client_id", "mode", "reason", "date_from", "date_to", "note")
# A period asked for from the portal may start this long ago (the time to
# fill in the form).
PAST_TOLERANCE = timedelta(minutes=10)


class PermanenceServicePeriod(models.Model):
    _name = "permanence.service.period"
    _description = "Service switched on or off by the client for a period"
    _inherit = ["permanence.client.owned"]
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "client_id",
        "mode",
        "reason",
        "date_from",
        "date_to",
        "note",
        "source",
        "state",
        "status",
        "duration_hours",
        "create_date",
    )
    _order = "date_from desc, id desc"
    _check_company_auto = True

    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    mode = fields.Selection(
        selection=MODES,
        string="Service",
        required=True,
        default=service_period.ON,
        help="On: the answering service takes the calls during the period, even "
        "outside the contract hours. Off: it does not (the client answers).",
    )
    reason = fields.Selection(selection=REASONS, required=True, default="lunch")
    date_from = fields.Datetime(string="From", required=True, index=True)
    date_to = fields.Datetime(
        string="To",
        required=True,
        index=True,
        help="The period ends by itself at this moment.",
    )
    note = fields.Char()
    source = fields.Selection(
        selection=SOURCES,
        required=True,
        default="staff",
        readonly=True,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Requested by",
        default=lambda self: self.env.user.partner_id,
        ondelete="set null",
        readonly=True,
    )
    state = fields.Selection(
        selection=STATES, default="confirmed", required=True, readonly=True
    )
    status = fields.Selection(selection=STATUSES, compute="_compute_status")
    duration_hours = fields.Float(
        string="Hours", compute="_compute_duration_hours", store=True, digits=(16, 2)
    )
    period_local = fields.Char(
        string="Period (client's time)",
        compute="_compute_period_local",
        help="The period in the client's time zone.",
    )

    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_to > date_from)",
            "A period must end after it starts.",
        ),
    ]

    # Computations -----------------------------------------------------------

    @api.depends("date_from", "date_to")
    def _compute_duration_hours(self):
        for period in self:
            if period.date_from and period.date_to:
                period.duration_hours = (
                    period.date_to - period.date_from
                ).total_seconds() / 3600.0
            else:
                period.duration_hours = 0.0

    @api.depends("state", "date_from", "date_to")
    def _compute_status(self):
        now = fields.Datetime.now()
        for period in self:
            if period.state == "cancelled":
                period.status = "cancelled"
            elif period.date_to and period.date_to <= now:
                period.status = "past"
            elif period.date_from and period.date_from <= now:
                period.status = "current"
            else:
                period.status = "upcoming"

    @api.depends("date_from", "date_to", "client_id.tz")
    @api.depends_context("lang")
    def _compute_period_local(self):
        for period in self:
            period.period_local = period._describe_dates() if period.date_to else False

    @api.depends("client_id", "mode", "reason", "date_from")
    def _compute_display_name(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for period in self:
            period.display_name = "%s — %s" % (
                reasons.get(period.reason, ""),
                period._describe_dates() if period.date_from else "",
            )

    def _describe_dates(self):
        """``from → to`` in the client's time zone and the reader's language."""
        self.ensure_one()
        tz = self.client_id.tz or "UTC"

        def moment(value, with_day):
            hour = format_time(self.env, value, tz=tz, time_format="short")
            if not with_day:
                return hour
            day = format_date(self.env, service_period.to_local(value, tz).date())
            return f"{day} {hour}"

        if not self.date_to:
            return moment(self.date_from, True)
        same_day = (
            service_period.to_local(self.date_from, tz).date()
            == service_period.to_local(self.date_to, tz).date()
        )
        return (
            f"{moment(self.date_from, True)} → "
            f"{moment(self.date_to, not same_day)} ({tz})"
        )

    # Checks -----------------------------------------------------------------

    @api.constrains("client_id", "date_from", "date_to", "state")
    def _check_no_overlap(self):
        for period in self.filtered(lambda p: p.state == "confirmed"):
            clash = self.sudo().search_count(
                [
                    ("id", "!=", period.id),
                    ("client_id", "=", period.client_id.id),
                    ("state", "=", "confirmed"),
                    ("date_from", "<", period.date_to),
                    ("date_to", ">", period.date_from),
                ],
                limit=1,
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "This period overlaps another period of the account: "
                        "cancel or change that one first."
                    )
                )

    def _check_contract(self):
        """What the client's contract allows, for periods asked for from the
        portal: self-service at all, the notice, and the monthly allowance of
        extra covered hours (the hours of the "on" periods, counted by month
        of the client's time zone)."""
        env = self.env
        now = fields.Datetime.now()
        subscriptions = env["permanence.subscription"].sudo()
        current = subscriptions._current_for_clients(self.client_id)
        for period in self:
            plan = current.get(period.client_id.id, subscriptions).plan_id
            if not plan.self_service_allowed:
                raise UserError(
                    env._(
                        "Your contract does not let you switch the service on or "
                        "off yourself: please contact your account manager."
                    )
                )
            if period.date_from < now - PAST_TOLERANCE:
                raise UserError(env._("A period cannot start in the past."))
            notice = plan.self_service_notice_hours
            if (
                notice
                and period.reason != "unplanned"
                and period.date_from < now + timedelta(hours=notice)
            ):
                raise UserError(
                    env._(
                        "Your contract asks for %(hours)s hours of notice: this "
                        "period starts too soon. For an unplanned absence, "
                        "choose that reason.",
                        hours=notice,
                    )
                )
            allowance = plan.self_service_max_hours
            if period.mode != service_period.ON or not allowance:
                continue
            period._check_allowance(allowance)

    def _check_allowance(self, allowance):
        self.ensure_one()
        tz = self.client_id.tz or "UTC"
        wanted = service_period.hours_by_month(self.date_from, self.date_to, tz)
        window_start = service_period.to_utc(
            fields.Datetime.to_datetime(min(wanted)), tz
        )
        window_end = service_period.to_utc(
            fields.Datetime.to_datetime(service_period.next_month(max(wanted))), tz
        )
        others = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("client_id", "=", self.client_id.id),
                ("state", "=", "confirmed"),
                ("mode", "=", service_period.ON),
                ("date_to", ">", window_start),
                ("date_from", "<", window_end),
            ]
        )
        used = {}
        for other in others:
            for month, hours in service_period.hours_by_month(
                other.date_from, other.date_to, tz
            ).items():
                used[month] = used.get(month, 0.0) + hours
        for month, hours in sorted(wanted.items()):
            total = used.get(month, 0.0) + hours
            if total <= allowance + 1e-6:
                continue
            allowed_text = formatLang(
                self.env, allowance, digits=0 if allowance == int(allowance) else 1
            )
            total_text = formatLang(self.env, total, digits=1)
            used_text = formatLang(self.env, used.get(month, 0.0), digits=1)
            month_text = format_date(self.env, month, date_format="MMMM y")
            raise UserError(
                self.env._(
                    "Your contract includes %(allowed)s extra covered hours a "
                    "month; with this period, %(month)s would reach %(total)s "
                    "hours (%(used)s already planned).",
                    allowed=allowed_text,
                    month=month_text,
                    total=total_text,
                    used=used_text,
                )
            )

    # CRUD -------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        from_portal = not self.env.su and not self.env.user._is_internal()
        if from_portal:
            vals_list = [
                dict(
                    {key: vals[key] for key in CLIENT_FIELDS if key in vals},
                    source="portal",
                )
                for vals in vals_list
            ]
        periods = super().create(vals_list)
        portal_periods = periods.filtered(lambda p: p.source == "portal")
        if portal_periods:
            portal_periods._serialize_per_client()
            portal_periods._check_contract()
        periods._post_on_client("created")
        return periods

    def _serialize_per_client(self):
        """Two requests of one client at once are checked against the monthly
        allowance one after the other: each touches its client's row, so the
        second waits for the first; if the first commits, the second fails
        with PostgreSQL's serialization error (Odoo's transactions are
        REPEATABLE READ: it could not see the first period) and Odoo retries
        it, then it sees the first period."""
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_client SET write_date = write_date WHERE id IN %s",
                tuple(sorted(set(self.client_id.ids))),
            )
        )

    def write(self, vals):
        result = super().write(vals)
        if {"mode", "reason", "date_from", "date_to", "note"} & set(vals):
            self._post_on_client("changed")
        return result

    # Actions ----------------------------------------------------------------

    def action_cancel(self):
        """Staff: cancel upcoming periods, end the current ones now."""
        check_rights(self, "write", SUPERVISOR)
        self._cancel()
        return True

    def _cancel(self):
        """Cancel the upcoming periods and end the current ones now (called
        by ``action_cancel`` and by the portal after its own check)."""
        now = fields.Datetime.now()
        for period in self:
            if period.status in ("past", "cancelled"):
                raise UserError(self.env._("This period is over or cancelled already."))
        upcoming = self.filtered(lambda p: p.status == "upcoming")
        current = self - upcoming
        if upcoming:
            super(PermanenceServicePeriod, upcoming).write({"state": "cancelled"})
            upcoming._post_on_client("cancelled")
        if current:
            super(PermanenceServicePeriod, current).write({"date_to": now})
            current._post_on_client("ended")
        return True

    # Chatter ----------------------------------------------------------------

    def _post_on_client(self, event):
        """A note in the client account's chatter, addressed to its account
        manager, in the manager's language, the times in the client's."""
        for period in self:
            client = period.client_id.sudo()
            manager = client.user_id
            env = period.with_context(
                lang=manager.lang or client.lang or self.env.lang
            ).env
            period = period.with_env(env)
            modes = dict(period._fields["mode"]._description_selection(env))
            reasons = dict(period._fields["reason"]._description_selection(env))
            titles = {
                "created": env._("Service period planned"),
                "changed": env._("Service period changed"),
                "cancelled": env._("Service period cancelled"),
                "ended": env._("Service period ended early"),
            }
            who = self.env.user.partner_id.name
            origin = (
                env._("from the client portal by %s", who)
                if not self.env.user._is_internal()
                else env._("by %s", who)
            )
            body = Markup(
                "<p><strong>%s</strong> (%s)</p><ul><li>%s</li><li>%s</li>"
                "<li>%s</li>%s</ul>"
            ) % (
                titles[event],
                origin,
                modes.get(period.mode),
                reasons.get(period.reason),
                period.sudo()._describe_dates(),
                Markup("<li>%s</li>") % period.note if period.note else "",
            )
            client.with_env(env(su=True)).message_post(
                body=body,
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
                partner_ids=manager.partner_id.ids,
            )
