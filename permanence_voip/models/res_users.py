import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights

_logger = logging.getLogger(__name__)

# An operator with no open screen (no bus connection: Odoo's presence says
# offline) for this long, available or on a break, has left the floor.
OFFLINE_AFTER_MINUTES = 10

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
        ]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["permanence_presence"]

    def init(self):
        res = super().init()
        # Users who existed before this addon: their time in state starts
        # now, not never (the wallboard shows how long).
        self.env.cr.execute(
            "UPDATE res_users SET permanence_presence_since = "
            "now() AT TIME ZONE 'UTC' WHERE permanence_presence_since IS NULL"
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            vals.setdefault("permanence_presence_since", now)
        users = super().create(vals_list)
        self.env["permanence.presence.log"]._record(
            users.filtered(lambda u: u._permanence_is_operator())
        )
        return users

    def _permanence_is_operator(self):
        self.ensure_one()
        return not self.share and self._has_group(OPERATOR)

    def write(self, vals):
        if not {"permanence_presence", "permanence_pause_reason"} & set(vals):
            return super().write(vals)
        self._permanence_lock_presence()
        before = {
            user.id: (user.permanence_presence, user.permanence_pause_reason)
            for user in self.sudo()
        }
        res = self._permanence_write_presence(vals)
        changed = self.sudo().filtered(
            lambda u: (
                before[u.id] != (u.permanence_presence, u.permanence_pause_reason)
                and u._permanence_is_operator()
            )
        )
        self.env["permanence.presence.log"]._record(changed)
        for user in changed:
            # The operator's own screens (the status control) follow.
            user._bus_send(
                "permanence_voip/presence",
                {
                    "operator": True,
                    "presence": user.permanence_presence,
                    "reason": user.permanence_pause_reason or False,
                    "seconds": 0,
                },
            )
        if changed:
            # On the supervisors' boards
            self.env["permanence.wallboard"]._wallboard_push_operators(changed)
        return res

    def _permanence_lock_presence(self):
        """One change of an operator's state at a time: the PBX events of two
        calls of one operator (an answer, another call's hang-up) may arrive
        together, and each closes the open row of the presence log. The
        rows are locked until the commit, then read again (a webhook
        transaction reads committed data: it sees the other's change)."""
        if not self.ids:
            return
        self.env.cr.execute(
            "SELECT id FROM res_users WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(
            [
                "permanence_presence",
                "permanence_pause_reason",
                "permanence_presence_since",
            ]
        )

    def _permanence_write_presence(self, vals):
        changing = self.browse()
        if "permanence_presence" in vals:
            # Time in state starts again only when the state (or the break
            # reason) changes, as the presence log does.
            changing = self.filtered(
                lambda u: (
                    u.permanence_presence != vals["permanence_presence"]
                    or (
                        "permanence_pause_reason" in vals
                        and u.permanence_pause_reason
                        != (vals["permanence_pause_reason"] or False)
                    )
                )
            )
        res = super().write(vals)
        if changing:
            # Not fields users write themselves: set by the system.
            system = {"permanence_presence_since": fields.Datetime.now()}
            if vals["permanence_presence"] != "pause":
                system["permanence_pause_reason"] = False
            super(ResUsers, changing.sudo()).write(system)
        return res

    def _permanence_set_presence(self, presence, reason=False):
        self.ensure_one()
        if self != self.env.user:
            self.check_access("write")
        vals = {"permanence_presence": presence}
        if presence == "pause":
            vals["permanence_pause_reason"] = reason or "break"
        self.sudo().write(vals)
        return True

    def _update_last_login(self):
        """An operator who logs in is available (unless already on the
        floor: a second screen does not end a break)."""
        res = super()._update_last_login()
        user = self.env.user
        if (
            user._permanence_is_operator()
            and user.sudo().permanence_presence == "offline"
        ):
            user.sudo().permanence_presence = "available"
        return res

    def _permanence_logout(self):
        """The operator left the floor: offline."""
        for user in self.sudo():
            if user._permanence_is_operator():
                user.permanence_presence = "offline"

    @api.model
    def _cron_permanence_offline(self):
        """Operators who closed every screen without logging out (no bus
        connection for a while) are offline. Not on a call or in wrap-up:
        the PBX and the call sheet end those."""
        limit = fields.Datetime.now() - timedelta(minutes=OFFLINE_AFTER_MINUTES)
        users = self.sudo().search(
            [
                ("share", "=", False),
                ("groups_id", "in", self.env.ref(OPERATOR).ids),
                ("permanence_presence", "in", ("available", "pause")),
                ("permanence_presence_since", "<", limit),
            ]
        )
        batch = self.env["permanence.batch"]
        for user in users.filtered(lambda u: u.im_status == "offline"):
            with batch._row("_permanence_offline_set_aside", user):
                user.permanence_presence = "offline"
        return True

    def _permanence_offline_set_aside(self, error):
        _logger.warning("presence of user %s not set offline: %s", self.id, error)

    @api.model
    def permanence_presence_status(self):
        """What the status control shows: the current user's state, since
        when (seconds ago, by the server's clock) and the break reason,
        with the labels of the states and reasons."""
        user = self.env.user
        check_rights(user, "read")
        if not user._permanence_is_operator():
            return {"operator": False}
        user = user.sudo()
        since = user.permanence_presence_since
        return {
            "operator": True,
            "presence": user.permanence_presence,
            "reason": user.permanence_pause_reason or False,
            "seconds": int((fields.Datetime.now() - since).total_seconds())
            if since
            else 0,
            "presences": self._fields["permanence_presence"]._description_selection(
                self.env
            ),
            "reasons": self._fields["permanence_pause_reason"]._description_selection(
                self.env
            ),
        }

    def action_permanence_available(self):
        check_rights(self.env.user, "read", OPERATOR)
        return self._permanence_set_presence("available")

    def action_permanence_busy(self):
        check_rights(self.env.user, "read", OPERATOR)
        return self._permanence_set_presence("busy")

    def action_permanence_pause(self, reason=False):
        check_rights(self.env.user, "read", OPERATOR)
        if reason and reason not in dict(PAUSE_REASONS):
            raise UserError(_("Unknown break reason: %s", reason))
        return self._permanence_set_presence("pause", reason)
