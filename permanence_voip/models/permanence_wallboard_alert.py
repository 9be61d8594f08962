# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .permanence_wallboard import (
    LIVE_HOURS,
    SERVICE_LEVEL_FLOOR,
    SERVICE_LEVEL_MINUTES,
)

_logger = logging.getLogger(__name__)

ALERT_KINDS = [
    ("wait", "Wait over the target"),
    ("service_level", "Service level under 80 %"),
    ("emergency", "Emergency step overdue"),
]


class PermanenceWallboardAlert(models.Model):
    """One occurrence of a wallboard threshold crossed: what the
    supervisors were notified of, once. ``key`` names the occurrence (a
    ringing call, a client's service level, an emergency's step); while the
    alert is open (no ``date_end``) the same key cannot be notified again:
    a unique index in the database, so two runs at once cannot both notify.
    The alert closes when the threshold is no longer crossed."""

    _name = "permanence.wallboard.alert"
    _description = "Wallboard alert"
    _inherit = ["permanence.client.owned"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True)
    key = fields.Char(required=True, index=True)
    kind = fields.Selection(selection=ALERT_KINDS, required=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, ondelete="cascade", index=True
    )
    client_id = fields.Many2one(
        comodel_name="permanence.client", ondelete="cascade", index=True
    )
    date_start = fields.Datetime(
        string="Notified on", required=True, default=fields.Datetime.now
    )
    date_end = fields.Datetime(string="Over on")

    def init(self):
        res = super().init()
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS permanence_wallboard_alert_open_key "
            "ON permanence_wallboard_alert (key) WHERE date_end IS NULL"
        )
        return res

    # Checking the thresholds ---------------------------------------------

    @api.model
    def _cron_check_thresholds(self):
        """Every minute: the waits over their client's target, the service
        levels of the last 30 minutes under 80 %, the emergency steps
        overdue. Each new occurrence is notified once; the alerts whose
        threshold is no longer crossed close. Returns the new alerts."""
        now = fields.Datetime.now()
        crossed = self._thresholds_crossed(now)
        batch = self.env["permanence.batch"]
        created = self.browse()
        for company, key, kind, client, name in crossed:
            with batch._row(self._check_set_aside, company):
                created |= self._notify_once(company, key, kind, client, name)
        still = {key for _company, key, *_rest in crossed}
        over = self.search([("date_end", "=", False), ("key", "not in", list(still))])
        if over:
            over.write({"date_end": now})
        return created

    @api.model
    def _check_set_aside(self, rows, error):
        _logger.warning("wallboard alert of %s not notified: %s", rows, error)

    @api.model
    def _thresholds_crossed(self, now):
        """(company, key, kind, client, text) of each threshold crossed now,
        in a few queries over all companies."""
        Call = self.env["permanence.call"].sudo()
        crossed = []
        # Waits over the client's target: calls still ringing
        ringing = Call.search(
            [
                ("state", "=", "ringing"),
                ("direction", "=", "inbound"),
                ("date_start", ">=", now - timedelta(hours=LIVE_HOURS)),
            ]
        )
        for call in ringing:
            target = call.client_id.service_target or 20
            waited = (now - call.date_start).total_seconds()
            if waited > target:
                client = call.client_id
                crossed.append(
                    (
                        call.company_id,
                        f"wait:{call.id}",
                        "wait",
                        client,
                        self._env(call.company_id)._(
                            "A caller of %(client)s has waited more than %(target)s s.",
                            client=client.name or "?",
                            target=target,
                        ),
                    )
                )
        # Service level of the last minutes, per client (SQL over stored
        # columns: flushed first)
        Call.flush_model()
        since = now - timedelta(minutes=SERVICE_LEVEL_MINUTES)
        recent = Call._read_group(
            [("date_start", ">=", since), ("client_id", "!=", False)],
            ["client_id"],
            ["__figure_service_level"],
        )
        for client, level in recent:
            if level is not None and float(level) < SERVICE_LEVEL_FLOOR:
                crossed.append(
                    (
                        client.company_id,
                        f"service_level:{client.id}",
                        "service_level",
                        client,
                        self._env(client.company_id)._(
                            "Service level of %(client)s over the last 30 minutes: "
                            "%(level)s %%.",
                            client=client.name,
                            level=round(float(level)),
                        ),
                    )
                )
        # Emergency steps overdue
        overdue = (
            self.env["permanence.emergency"]
            .sudo()
            .search(
                [
                    ("state", "=", "running"),
                    ("due_at", "!=", False),
                    ("due_at", "<", now),
                ]
            )
        )
        for emergency in overdue:
            crossed.append(
                (
                    emergency.company_id,
                    f"emergency:{emergency.id}:{emergency.step_index}",
                    "emergency",
                    emergency.client_id,
                    self._env(emergency.company_id)._(
                        "Emergency %(name)s (%(client)s): step %(step)s overdue.",
                        name=emergency.name,
                        client=emergency.client_id.name,
                        step=emergency.step_index + 1,
                    ),
                )
            )
        return crossed

    @api.model
    def _env(self, company):
        """The environment in the company's language: the alerts' text."""
        return self.with_context(lang=company.partner_id.lang or self.env.lang).env

    @api.model
    def _notify_once(self, company, key, kind, client, name):
        """Record the occurrence ``key`` and notify the supervisors, unless
        it is already open: ``INSERT ... ON CONFLICT DO NOTHING`` on the
        unique index of the open keys (a concurrent run waits for the first
        one's commit, then inserts nothing)."""
        company = company or self.env.company  # a client shared by companies
        self.env.cr.execute(
            SQL(
                "INSERT INTO permanence_wallboard_alert "
                "(name, key, kind, company_id, client_id, date_start, "
                " create_uid, create_date, write_uid, write_date) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (key) WHERE date_end IS NULL DO NOTHING RETURNING id",
                name,
                key,
                kind,
                company.id,
                client.id or None,
                fields.Datetime.now(),
                self.env.uid,
                fields.Datetime.now(),
                self.env.uid,
                fields.Datetime.now(),
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return self.browse()
        alert = self.browse(row[0])
        self.env["permanence.wallboard"]._wallboard_push_alert(alert)
        _logger.info("wallboard alert %s notified: %s", key, name)
        return alert
