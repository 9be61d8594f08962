from odoo import api, models
from odoo.osv import expression

from ..tools.access import hidden_thread_check, visible_thread_domain


class MailFollowers(models.Model):
    """Who follows a record of a client account is seen by those who see
    the record: Odoo lets every employee read every follower."""

    _inherit = "mail.followers"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not self.env.su:
            domain = expression.AND(
                [domain or [], visible_thread_domain(self.env, "res_model", "res_id")]
            )
        return super()._search(
            domain, offset=offset, limit=limit, order=order, **kwargs
        )

    def _check_access(self, operation):
        return hidden_thread_check(
            self, operation, super()._check_access(operation), "res_model", "res_id"
        )
