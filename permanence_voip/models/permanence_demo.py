import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import shifts

_logger = logging.getLogger(__name__)


class PermanenceDemo(models.AbstractModel):
    _inherit = "permanence.demo"

    @api.model
    def _generate_presence_history(self, days=35):
        """The demo operators' presence log over the demo period, and the
        hang-up and close times of their demo calls, so that the operator
        report has figures to show after a fresh install."""
        operator = self.env.ref("permanence_telephonique.group_permanence_operator")
        supervisor = self.env.ref("permanence_telephonique.group_permanence_supervisor")
        users = operator.users - supervisor.users
        today = fields.Date.context_today(self)
        Log = self.env["permanence.presence.log"].sudo()
        values = []
        for user in users:
            rows = shifts.history(user.ids, today, user.tz or "Europe/Paris", days)
            values += [dict(row, company_id=user.company_id.id) for row in rows]
        # The rows already there (states changed while installing) stay
        # after the history: the history ends at the start of today.
        logs = Log.create(values)
        # Demo calls end when the caller hangs up; the operator closes the
        # sheet a little later (a wrap-up of 20 s to 2 min).
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_call SET date_hangup = date_end, "
                "date_closed = date_end + (20 + mod(id, 100)) * INTERVAL '1 second', "
                "wrapup_duration = 20 + mod(id, 100) "
                "WHERE user_id = ANY(%s) AND date_answer IS NOT NULL "
                "AND date_end IS NOT NULL AND date_hangup IS NULL "
                "AND state = 'done'",
                users.ids,
            )
        )
        self.env["permanence.call"].invalidate_model(
            ["date_hangup", "date_closed", "wrapup_duration"]
        )
        _logger.info("demo: %s presence rows over %s days", len(logs), days)
        return logs
