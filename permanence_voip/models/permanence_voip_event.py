from odoo import api, fields, models

EVENT_KINDS = [
    ("ringing", "Ringing"),
    ("answered", "Answered"),
    ("transferred", "Transferred"),
    ("hangup", "Hung up"),
]
RESULTS = [
    ("created", "Call created"),
    ("updated", "Call updated"),
    ("unchanged", "Already known"),
]


class PermanenceVoipEvent(models.Model):
    _name = "permanence.voip.event"
    _description = "Telephony event received"
    _order = "id desc"
    _check_company_auto = True

    pbx_id = fields.Many2one(
        comodel_name="permanence.voip.pbx",
        string="PBX",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="pbx_id.company_id", store=True, index=True, precompute=True
    )
    call_id = fields.Many2one(
        comodel_name="permanence.call",
        index="btree_not_null",
        ondelete="cascade",
    )
    event = fields.Selection(selection=EVENT_KINDS, required=True)
    external_id = fields.Char(string="Telephony id", index=True)
    timestamp = fields.Datetime()
    body = fields.Text(help="The JSON body as received.")
    result = fields.Selection(selection=RESULTS, required=True)

    def init(self):
        # The purge finds the events still holding a body without a scan
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS permanence_voip_event_body_idx "
            "ON permanence_voip_event (create_date, id) WHERE body IS NOT NULL"
        )

    @api.autovacuum
    def _gc_old_events(self):
        """Events are a debugging aid: keep three months."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        self.sudo().search([("create_date", "<", limit)], limit=10000).unlink()
