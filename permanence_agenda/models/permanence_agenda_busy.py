from odoo import fields, models


class PermanenceAgendaBusy(models.Model):
    _name = "permanence.agenda.busy"
    _inherit = ["permanence.client.owned"]
    _description = "Busy time imported into a shared agenda"
    _order = "start"

    agenda_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.agenda",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(related="agenda_id.client_id", store=True, index=True)
    company_id = fields.Many2one(related="agenda_id.company_id", store=True, index=True)
    name = fields.Char(string="Summary")
    start = fields.Datetime(required=True, index=True)
    stop = fields.Datetime(string="End", required=True)

    _sql_constraints = [
        (
            "dates_check",
            "CHECK (stop >= start)",
            "A busy time cannot end before it starts.",
        ),
    ]
