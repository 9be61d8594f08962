from odoo import _, models
from odoo.exceptions import UserError

from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights


class PermanenceMessage(models.Model):
    _inherit = "permanence.message"

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
