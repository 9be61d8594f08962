from odoo import _, api, fields, models
from odoo.tools import email_normalize

STEP_CHANNELS = [
    ("call", "Phone call"),
    ("sms", "SMS"),
    ("email", "Email"),
]
STEP_TARGETS = [
    ("oncall", "On-call person"),
    ("backup", "Next on the rota (backup)"),
    ("interlocutor", "A given interlocutor"),
]


class PermanenceEmergencyStep(models.Model):
    _name = "permanence.emergency.step"
    _inherit = ["permanence.client.owned"]
    _description = "Emergency escalation step"
    _order = "protocol_id, sequence, id"

    protocol_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.emergency.protocol",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(
        related="protocol_id.client_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="protocol_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    channel = fields.Selection(selection=STEP_CHANNELS, default="call", required=True)
    target = fields.Selection(
        selection=STEP_TARGETS, string="Whom", default="oncall", required=True
    )
    interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        ondelete="restrict",
        domain="[('client_id', '=', client_id)]",
    )
    wait_minutes = fields.Integer(
        string="Wait (min)",
        default=5,
        required=True,
        help="How long to wait for an answer before the next step.",
    )
    note = fields.Char(
        string="Operator note", help="e.g. Leave a voicemail, insist twice."
    )

    _sql_constraints = [
        (
            "wait_positive",
            "CHECK(wait_minutes >= 0)",
            "The wait before the next step cannot be negative.",
        ),
    ]

    @api.depends("sequence", "channel", "target", "interlocutor_id", "wait_minutes")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        targets = dict(self._fields["target"]._description_selection(self.env))
        for step in self:
            whom = (
                step.interlocutor_id.name
                if step.target == "interlocutor"
                else targets.get(step.target, "")
            )
            step.display_name = _(
                "%(channel)s — %(whom)s (%(wait)s min)",
                channel=channels.get(step.channel, ""),
                whom=whom or "?",
                wait=step.wait_minutes,
            )

    def _person(self, when=None, oncall=None):
        """The interlocutor this step reaches at ``when`` (naive UTC); empty
        when nobody is on call. ``oncall``: who the first on-call step of the
        emergency reached, so that "backup" means the one after them."""
        self.ensure_one()
        if self.target == "interlocutor":
            return self.interlocutor_id
        rota = self.protocol_id.rota_id
        if not rota:
            return self.env["permanence.interlocutor"]
        current = rota._oncall_at(when)
        if self.target == "oncall":
            return current
        return rota._backup_of(oncall or current)

    @api.model
    def _destination(self, channel, interlocutor):
        """Where ``channel`` reaches ``interlocutor``: a number or an email."""
        partner = interlocutor.partner_id
        if channel == "call":
            return interlocutor._transfer_target() or False
        if channel == "sms":
            return partner.mobile_e164 or partner.phone_e164 or False
        return email_normalize(partner.email or "") or False

    def _config_error(self):
        """Why this step cannot be carried out, or None."""
        self.ensure_one()
        if self.target == "interlocutor" and not self.interlocutor_id:
            return _("a step has no interlocutor to reach.")
        if self.target == "interlocutor" and not self._destination(
            self.channel, self.interlocutor_id
        ):
            return _(
                "%(name)s cannot be reached by %(channel)s (no number or email).",
                name=self.interlocutor_id.name,
                channel=dict(self._fields["channel"]._description_selection(self.env))[
                    self.channel
                ],
            )
        if self.target in ("oncall", "backup") and self.channel != "call":
            rota = self.protocol_id.rota_id
            people = rota.member_ids.interlocutor_id | rota.override_ids.interlocutor_id
            for person in people:
                if not self._destination(self.channel, person):
                    return _(
                        "%(name)s, on the rota, cannot be reached by %(channel)s.",
                        name=person.name,
                        channel=dict(
                            self._fields["channel"]._description_selection(self.env)
                        )[self.channel],
                    )
        return None
