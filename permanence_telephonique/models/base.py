from odoo import api, models

PERMANENCE_ADDONS = ("permanence_telephonique", "permanence_agenda", "permanence_voip")
ALWAYS_READABLE = ("id", "display_name")


class Base(models.AbstractModel):
    _inherit = "base"

    @api.model
    def _setup_complete(self):
        """Portal users read a model of ours only through the fields it
        names in ``_permanence_portal_fields``: every other field of the
        answering service's addons is given ``groups="base.group_user"``,
        so that a new field is private until it is allowed (the same as
        writing ``groups=`` on each field, without forgetting one)."""
        super()._setup_complete()
        allowed = getattr(self, "_permanence_portal_fields", None)
        if allowed is None:
            return
        cls = self.env.registry[self._name]
        own = cls._original_module in PERMANENCE_ADDONS
        for name, field in cls._fields.items():
            if name in allowed or name in ALWAYS_READABLE or field.groups:
                continue
            if own or field._module in PERMANENCE_ADDONS:
                field.groups = "base.group_user"
