from odoo import api, fields, models
from odoo.tools import SQL

ACCESS_KINDS = [
    ("open", "Opened"),
    ("list", "Listed"),
    ("export", "Exported"),
    ("recording", "Recording"),
]


class PermanenceAccessLog(models.Model):
    """Who read which call sheet, message or recording of a confidential
    client, and when. Written by the read itself (in SQL, cheap), readable
    by managers only, purged with the client's policy."""

    _name = "permanence.access.log"
    _inherit = ["permanence.client.owned"]
    _description = "Access to confidential data"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Datetime(required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True
    )
    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, readonly=True
    )
    kind = fields.Selection(selection=ACCESS_KINDS, required=True, readonly=True)

    @api.model
    def _log(self, records, kind):
        """Log that the current user read ``records`` (of confidential
        clients only). One INSERT for all of them; in a read-only request it
        goes through its own short transaction, so that reading still works
        and the trace is kept."""
        if self.env.su or not records:
            return
        rows = records.sudo()._permanence_access_rows()
        if not rows:
            return
        query = SQL(
            "INSERT INTO permanence_access_log "
            "(date, user_id, client_id, company_id, res_model, res_id, kind) "
            "SELECT now() at time zone 'UTC', %s, r.client_id, r.company_id, %s, "
            "r.res_id, %s FROM unnest(%s::int[], %s::int[], %s::int[]) "
            "AS r(res_id, client_id, company_id)",
            self.env.uid,
            records._name,
            kind,
            [row[0] for row in rows],
            [row[1] for row in rows],
            [row[2] for row in rows],
        )
        if self.env.cr.readonly:
            with self.env.registry.cursor() as cr:
                cr.execute(query)
        else:
            self.env.cr.execute(query)
