# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

OPERATOR = "permanence_telephonique.group_permanence_operator"
SUPERVISOR = "permanence_telephonique.group_permanence_supervisor"
CONSOLE = "permanence_telephonique.action_permanence_call_console"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._permanence_set_console_home(
            [not vals.get("action_id") for vals in vals_list]
        )
        return users

    def _permanence_set_console_home(self, without_home):
        """Operators (not supervisors) created without a home action land on
        the console after logging in, not on Discuss."""
        operator = self.env.ref(OPERATOR, raise_if_not_found=False)
        console = self.env.ref(CONSOLE, raise_if_not_found=False)
        if not operator or not console:
            return
        supervisor = self.env.ref(SUPERVISOR)
        operators = self.browse(
            [
                user.id
                for user, free in zip(self, without_home, strict=True)
                if free
                and operator in user.groups_id
                and supervisor not in user.groups_id
            ]
        )
        if operators:
            operators.sudo().action_id = console.id
