# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# What moves an emergency on the wallboard: opened, escalated to the next
# step, reached, closed.
WALLBOARD_FIELDS = {"state", "due_at", "step_index"}


class PermanenceEmergency(models.Model):
    _inherit = "permanence.emergency"

    @api.model_create_multi
    def create(self, vals_list):
        emergencies = super().create(vals_list)
        self.env["permanence.wallboard"]._wallboard_push_part(
            emergencies.company_id, "emergencies"
        )
        return emergencies

    def write(self, vals):
        res = super().write(vals)
        if WALLBOARD_FIELDS & set(vals):
            self.env["permanence.wallboard"]._wallboard_push_part(
                self.company_id, "emergencies"
            )
        return res
