from odoo import api, models
from odoo.osv import expression

from ..tools.access import hidden_thread_check, visible_thread_domain

MODEL = "mail_message_id.model"
RES_ID = "mail_message_id.res_id"


class MailNotification(models.Model):
    """Who received a message of a client account's record is seen by those
    who see the record (and by the recipient): Odoo lets every employee read
    every notification."""

    _inherit = "mail.notification"

    def _permanence_domain(self):
        return expression.OR(
            [
                visible_thread_domain(self.env, MODEL, RES_ID),
                [("res_partner_id", "=", self.env.user.partner_id.id)],
            ]
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not self.env.su:
            domain = expression.AND([domain or [], self._permanence_domain()])
        return super()._search(
            domain, offset=offset, limit=limit, order=order, **kwargs
        )

    def _check_access(self, operation):
        return hidden_thread_check(
            self,
            operation,
            super()._check_access(operation),
            MODEL,
            RES_ID,
            extra=[("res_partner_id", "=", self.env.user.partner_id.id)],
        )
