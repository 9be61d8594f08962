# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools import activity
from ..tools.access import SUPERVISOR, check_rights


class PermanenceActivityReportWizard(models.TransientModel):
    """Generate (or regenerate) the monthly activity report of one client
    for a chosen month, from the client form."""

    _name = "permanence.activity.report.wizard"
    _description = "Generate a monthly activity report"
    _inherit = ["permanence.client.owned"]

    client_id = fields.Many2one(
        comodel_name="permanence.client", required=True, ondelete="cascade"
    )
    month = fields.Date(
        required=True,
        default=lambda self: activity.previous_month(fields.Date.context_today(self)),
        help="Any day of the month to report.",
    )

    def action_generate(self):
        """Generate the report of the month (replacing its PDF if it exists)
        and open it."""
        self.ensure_one()
        check_rights(self.client_id, "write", SUPERVISOR)
        month = activity.first_day(self.month)
        if month > fields.Date.context_today(self):
            raise UserError(_("This month has not started yet."))
        report_model = self.env["permanence.activity.report"]
        report, _created = report_model._ensure(self.client_id, month)
        if not report:
            raise UserError(
                _("The report of this month is being generated: try again shortly.")
            )
        report._generate()
        return {
            "type": "ir.actions.act_window",
            "res_model": report._name,
            "res_id": report.id,
            "view_mode": "form",
            "target": "current",
        }
