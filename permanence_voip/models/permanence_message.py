from odoo import _, api, models
from odoo.exceptions import UserError

from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights

# Messages the wallboard lists until somebody acknowledges them.
WALLBOARD_URGENCIES = ("urgent", "critical")


class PermanenceMessage(models.Model):
    _inherit = "permanence.message"

    def _wallboard_push(self):
        urgent = self.filtered(lambda m: m.urgency in WALLBOARD_URGENCIES)
        if urgent:
            self.env["permanence.wallboard"]._wallboard_push_part(
                urgent.company_id, "messages"
            )

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        messages.filtered(lambda m: m.state == "sent")._wallboard_push()
        return messages

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals or "urgency" in vals:
            # Sent, acknowledged, done: on or off the boards
            self._wallboard_push()
        return res

    def action_voip_call_back(self):
        """Dial the caller from the operator's phone through the PBX."""
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        number = self.call_id.caller_number or self.env[
            "permanence.client.number"
        ]._normalize_any(self.caller_phone)
        if not number:
            raise UserError(_("This message has no number to call back."))
        pbx = self.call_id.sudo().pbx_id or self.env[
            "permanence.voip.pbx"
        ]._for_company(self.company_id)
        pbx._dial(number, self.env.user)
        self.message_post(body=_("Called back %s.", number))
        return True
