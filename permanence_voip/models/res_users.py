from odoo import fields, models

from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights

PRESENCES = [
    ("available", "Available"),
    ("busy", "On a call"),
    ("pause", "On a break"),
]


class ResUsers(models.Model):
    _inherit = "res.users"
    # None of the fields our addons add to users is for portal users (see
    # permanence_telephonique's base._setup_complete).
    _permanence_portal_fields = ()

    permanence_extension = fields.Char(
        string="PBX extension",
        index="btree_not_null",
        copy=False,
        help="The operator's extension on the telephony platform: the PBX "
        "names the operator who answered by it (or by the login).",
    )
    permanence_presence = fields.Selection(
        selection=PRESENCES,
        string="Answering presence",
        default="available",
        help="Only available operators get incoming calls on their screen.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "permanence_extension",
            "permanence_presence",
        ]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["permanence_presence"]

    def _permanence_set_presence(self, presence):
        self.ensure_one()
        if self != self.env.user:
            self.check_access("write")
        self.sudo().permanence_presence = presence
        return True

    def action_permanence_available(self):
        check_rights(self.env.user, "read", OPERATOR)
        return self._permanence_set_presence("available")

    def action_permanence_busy(self):
        check_rights(self.env.user, "read", OPERATOR)
        return self._permanence_set_presence("busy")

    def action_permanence_pause(self):
        check_rights(self.env.user, "read", OPERATOR)
        return self._permanence_set_presence("pause")
