from odoo import api, fields, models

from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights

# An operator's state on the floor. Only available operators get incoming
# calls on their screen; wrap-up is the time from the hang-up to the call
# sheet being closed.
PRESENCES = [
    ("available", "Available"),
    ("busy", "On a call"),
    ("wrapup", "Wrap-up"),
    ("pause", "On a break"),
    ("offline", "Offline"),
]
PAUSE_REASONS = [
    ("break", "Break"),
    ("lunch", "Lunch"),
    ("training", "Training"),
    ("meeting", "Meeting"),
    ("admin", "Back-office work"),
    ("other", "Other"),
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
    permanence_presence_since = fields.Datetime(
        string="In this state since",
        readonly=True,
        copy=False,
    )
    permanence_pause_reason = fields.Selection(
        selection=PAUSE_REASONS,
        string="Break reason",
        copy=False,
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "permanence_extension",
            "permanence_presence",
            "permanence_presence_since",
            "permanence_pause_reason",
        ]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + [
            "permanence_presence",
            "permanence_pause_reason",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            vals.setdefault("permanence_presence_since", now)
        return super().create(vals_list)

    def write(self, vals):
        if "permanence_presence" in vals:
            # Time in state starts again only when the state changes.
            changing = self.filtered(
                lambda u: u.permanence_presence != vals["permanence_presence"]
            )
            if vals["permanence_presence"] != "pause":
                vals = dict(vals, permanence_pause_reason=False)
            if changing and changing != self:
                res = super(ResUsers, self - changing).write(vals)
                return res and changing.write(vals)
            if changing:
                vals = dict(vals, permanence_presence_since=fields.Datetime.now())
        res = super().write(vals)
        if "permanence_presence_since" in vals or vals.get("permanence_pause_reason"):
            # On the supervisors' boards
            self.env["permanence.wallboard"]._wallboard_push_operators(self)
        return res

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
