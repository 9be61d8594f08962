import json

from odoo import api, fields, models
from odoo.tools import SQL

RUN_STATES = [
    ("running", "Running"),
    ("done", "Done"),
    ("interrupted", "Interrupted"),
    ("failed", "Failed"),
]


class PermanenceRetentionRun(models.Model):
    """One purge of one client's expired data: the register's proof of what
    was purged, when, under which policy."""

    _name = "permanence.retention.run"
    _inherit = ["permanence.client.owned"]
    _description = "Personal data purge"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", index=True, readonly=True, required=True
    )
    date_start = fields.Datetime(
        string="Started", default=fields.Datetime.now, readonly=True, required=True
    )
    date_end = fields.Datetime(string="Finished", readonly=True)
    state = fields.Selection(
        selection=RUN_STATES, default="running", required=True, readonly=True
    )
    policy = fields.Json(
        readonly=True, help="The retention policy applied, in months per kind."
    )
    counts = fields.Json(readonly=True, help="Rows purged or anonymised, per kind.")
    summary = fields.Char(string="Purged", compute="_compute_summary")
    error = fields.Text(readonly=True)

    @api.depends("counts")
    def _compute_summary(self):
        labels = {
            key: label
            for key, __, label in self.env["permanence.retention"]._retention_kinds()
        }
        for run in self:
            counts = run.counts or {}
            run.summary = ", ".join(
                f"{labels.get(key, key)}: {count}"
                for key, count in sorted(counts.items())
                if count
            )

    def _add_counts(self, counts):
        """Add ``counts`` to the run in the database, at once (the purge
        commits after each batch, so that the register is right even if the
        run stops)."""
        if not counts:
            return
        self.flush_recordset(["counts"])
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_retention_run SET counts = ("
                "  SELECT jsonb_object_agg(key, total) FROM ("
                "    SELECT key, SUM(value::bigint) AS total FROM ("
                "      SELECT * FROM jsonb_each_text(COALESCE(counts, '{}'::jsonb))"
                "      UNION ALL SELECT * FROM jsonb_each_text(%s::jsonb)"
                "    ) AS c GROUP BY key"
                "  ) AS t"
                ") WHERE id = %s",
                json.dumps(counts),
                self.id,
            )
        )
        self.invalidate_recordset(["counts"])

    @api.model
    def _totals(self, client):
        """``{kind: rows}`` purged for ``client`` over all its runs."""
        self.flush_model(["counts", "client_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT c.key, SUM(c.value::bigint) FROM permanence_retention_run r, "
                "jsonb_each_text(r.counts) AS c WHERE r.client_id = %s "
                "GROUP BY c.key",
                client.id,
            )
        )
        return {key: int(total) for key, total in rows}

    @api.model
    def _cron_purge(self):
        return self.env["permanence.retention"]._cron_purge()
