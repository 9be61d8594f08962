from odoo import models

from ..tools import vcard


class PermanenceInterlocutor(models.Model):
    _inherit = "permanence.interlocutor"

    def _vcard(self):
        """The interlocutors as vCard text."""
        return vcard.build_vcard(
            {
                "name": interlocutor.name,
                "organization": interlocutor.client_id.partner_id.name,
                "role": interlocutor.role,
                "email": interlocutor.email,
                "phone": interlocutor.phone,
                "mobile": interlocutor.mobile,
                "note": interlocutor.availability_note,
            }
            for interlocutor in self
        )

    def action_download_vcard(self):
        ids = ",".join(str(i) for i in self.ids)
        return {
            "type": "ir.actions.act_url",
            "url": f"/permanence/interlocutors/vcard?ids={ids}",
            "target": "download",
        }
