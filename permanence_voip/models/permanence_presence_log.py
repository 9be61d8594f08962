from odoo import api, fields, models

from .res_users import PAUSE_REASONS, PRESENCES


class PermanencePresenceLog(models.Model):
    """One row per state an operator went through: written by res.users
    each time the answering presence (or the break reason) changes; the row
    of the current state has no end yet."""

    _name = "permanence.presence.log"
    _description = "Operator presence log"
    _order = "date_from desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Operator",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        help="The operator's company when the state began.",
    )
    state = fields.Selection(selection=PRESENCES, required=True, readonly=True)
    pause_reason = fields.Selection(
        selection=PAUSE_REASONS, string="Break reason", readonly=True
    )
    date_from = fields.Datetime(string="From", required=True, readonly=True)
    date_to = fields.Datetime(string="To", readonly=True)
    duration = fields.Integer(
        string="Duration (s)",
        compute="_compute_duration",
        store=True,
        help="Time spent in this state; empty while it lasts.",
    )

    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK (date_to IS NULL OR date_to >= date_from)",
            "A presence cannot end before it began.",
        ),
    ]

    def init(self):
        # One open row per operator: its current state.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS permanence_presence_log_open_uniq "
            "ON permanence_presence_log (user_id) WHERE date_to IS NULL"
        )

    @api.depends("date_from", "date_to")
    def _compute_duration(self):
        for log in self:
            log.duration = (
                int((log.date_to - log.date_from).total_seconds())
                if log.date_to and log.date_from
                else 0
            )

    @api.model
    def _record(self, users, when=None):
        """Close the open row of ``users`` and open one for the state they
        are in now (as superuser: the log is written for the operator)."""
        if not users:
            return self.browse()
        when = when or fields.Datetime.now()
        Log = self.sudo()
        current = Log.search([("user_id", "in", users.ids), ("date_to", "=", False)])
        current.write({"date_to": when})
        # Closed in the database before the new rows open (one open row
        # per operator: a unique index).
        current.flush_recordset(["date_to"])
        return Log.create(
            [
                {
                    "user_id": user.id,
                    "company_id": user.company_id.id,
                    "state": user.permanence_presence or "offline",
                    "pause_reason": user.permanence_pause_reason or False,
                    "date_from": when,
                }
                for user in users.sudo()
            ]
        )
