from odoo import models
from odoo.exceptions import AccessError

from ..tools.access import thread_models


class MailMessage(models.Model):
    """The chatter of a client account's record stays on that record: a
    copy or a move onto another record would show it to whoever sees the
    other record."""

    _inherit = "mail.message"

    def _permanence_check_stays(self, targets=()):
        if self.env.su:
            return
        guarded = thread_models(self.env)
        if any(model in guarded for model in self.mapped("model")) or any(
            model in guarded for model in targets
        ):
            raise AccessError(
                self.env._(
                    "Messages of the answering service's records cannot be "
                    "copied or moved to another record."
                )
            )

    def copy(self, default=None):
        self._permanence_check_stays()
        return super().copy(default=default)

    def write(self, vals):
        if "model" in vals or "res_id" in vals:
            self._permanence_check_stays([vals.get("model")])
        return super().write(vals)
