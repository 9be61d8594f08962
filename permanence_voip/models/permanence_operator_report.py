from odoo import fields, models, tools
from odoo.tools import SQL

# Figures of a group that are ratios of two sums: a pivot or a grouped
# list aggregates them as the ratio of the group's sums, never as a sum or
# an average of the daily ratios.
RATIOS = {
    "calls_per_hour": ("calls_handled", "hours_logged"),
    "talk_avg": ("talk_total", "calls_handled"),
    "wrapup_avg": ("wrapup_total", "wrapup_count"),
}


class PermanenceOperatorReport(models.Model):
    """Per operator and day (in the operator's time zone): the time logged
    in (from the presence log, every state but offline), the calls handled
    and what they took. Operators read their own rows, supervisors those of
    their companies."""

    _name = "permanence.operator.report"
    _description = "Operator figures per day"
    _auto = False
    _order = "date desc, user_id"
    _rec_name = "user_id"

    date = fields.Date(string="Day", readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Operator", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    hours_logged = fields.Float(
        string="Hours logged in",
        readonly=True,
        digits=(16, 2),
        help="Time in any state but offline.",
    )
    calls_handled = fields.Integer(
        readonly=True, help="Calls the operator answered (inbound or outbound)."
    )
    calls_per_hour = fields.Float(
        string="Calls per hour logged in", readonly=True, digits=(16, 2)
    )
    talk_total = fields.Integer(string="Talk time (s)", readonly=True)
    talk_avg = fields.Float(
        string="Average talk time (s)", readonly=True, digits=(16, 0)
    )
    wrapup_total = fields.Integer(string="Wrap-up time (s)", readonly=True)
    wrapup_count = fields.Integer(
        string="Calls wrapped up",
        readonly=True,
        help="Calls hung up by the PBX whose sheet was then closed.",
    )
    wrapup_avg = fields.Float(
        string="Average wrap-up time (s)", readonly=True, digits=(16, 0)
    )
    messages = fields.Integer(string="Messages taken", readonly=True)
    transfers = fields.Integer(readonly=True)

    def _query(self):
        return SQL(
            """
            WITH tz AS (
                SELECT u.id AS user_id,
                       COALESCE(NULLIF(p.tz, ''), 'UTC') AS tz
                  FROM res_users u
                  JOIN res_partner p ON p.id = u.partner_id
                 WHERE NOT u.share
            ), spans AS (
                SELECT log.user_id, log.company_id,
                       log.date_from AT TIME ZONE 'UTC' AT TIME ZONE tz.tz
                           AS local_from,
                       COALESCE(log.date_to, NOW() AT TIME ZONE 'UTC')
                           AT TIME ZONE 'UTC' AT TIME ZONE tz.tz AS local_to
                  FROM permanence_presence_log log
                  JOIN tz ON tz.user_id = log.user_id
                 WHERE log.state != 'offline'
            ), presence AS (
                SELECT s.user_id, s.company_id, day::date AS date,
                       SUM(EXTRACT(EPOCH FROM
                           LEAST(s.local_to, day + INTERVAL '1 day')
                           - GREATEST(s.local_from, day))) / 3600.0
                           AS hours_logged
                  FROM spans s
                  CROSS JOIN LATERAL generate_series(
                      date_trunc('day', s.local_from), s.local_to,
                      INTERVAL '1 day') AS day
                 WHERE s.local_to > day
                 GROUP BY 1, 2, 3
            ), calls AS (
                SELECT c.user_id, c.company_id,
                       (c.date_start AT TIME ZONE 'UTC' AT TIME ZONE tz.tz)::date
                           AS date,
                       COUNT(*) AS calls_handled,
                       SUM(COALESCE(c.talk_duration, 0)) AS talk_total,
                       COUNT(*) FILTER (WHERE c.date_hangup IS NOT NULL
                           AND c.date_closed IS NOT NULL) AS wrapup_count,
                       COALESCE(SUM(c.wrapup_duration) FILTER (
                           WHERE c.date_hangup IS NOT NULL
                           AND c.date_closed IS NOT NULL), 0) AS wrapup_total,
                       COUNT(*) FILTER (WHERE c.outcome = 'transferred')
                           AS transfers
                  FROM permanence_call c
                  JOIN tz ON tz.user_id = c.user_id
                 WHERE c.date_answer IS NOT NULL
                 GROUP BY 1, 2, 3
            ), messages AS (
                SELECT m.user_id, m.company_id,
                       (m.create_date AT TIME ZONE 'UTC' AT TIME ZONE tz.tz)::date
                           AS date,
                       COUNT(*) AS messages
                  FROM permanence_message m
                  JOIN tz ON tz.user_id = m.user_id
                 GROUP BY 1, 2, 3
            ), keys AS (
                SELECT user_id, company_id, date FROM presence
                UNION SELECT user_id, company_id, date FROM calls
                UNION SELECT user_id, company_id, date FROM messages
            )
            SELECT ROW_NUMBER() OVER (ORDER BY k.date, k.user_id, k.company_id)
                       AS id,
                   k.user_id, k.company_id, k.date,
                   COALESCE(p.hours_logged, 0) AS hours_logged,
                   COALESCE(c.calls_handled, 0) AS calls_handled,
                   COALESCE(c.calls_handled, 0)
                       / NULLIF(p.hours_logged, 0) AS calls_per_hour,
                   COALESCE(c.talk_total, 0) AS talk_total,
                   c.talk_total::float / NULLIF(c.calls_handled, 0) AS talk_avg,
                   COALESCE(c.wrapup_total, 0) AS wrapup_total,
                   COALESCE(c.wrapup_count, 0) AS wrapup_count,
                   c.wrapup_total::float / NULLIF(c.wrapup_count, 0)
                       AS wrapup_avg,
                   COALESCE(m.messages, 0) AS messages,
                   COALESCE(c.transfers, 0) AS transfers
              FROM keys k
              LEFT JOIN presence p USING (user_id, company_id, date)
              LEFT JOIN calls c USING (user_id, company_id, date)
              LEFT JOIN messages m USING (user_id, company_id, date)
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        """Ratios aggregate as the ratio of the group's sums."""
        fname = aggregate_spec.split(":")[0]
        if fname in RATIOS:
            numerator, denominator = RATIOS[fname]
            return SQL(
                "SUM(%s)::float / NULLIF(SUM(%s), 0)",
                SQL.identifier(self._table, numerator),
                SQL.identifier(self._table, denominator),
            )
        return super()._read_group_select(aggregate_spec, query)
