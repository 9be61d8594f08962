from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import availability

KINDS = [
    ("meeting", "In a meeting"),
    ("leave", "On leave"),
    ("absent", "Absent"),
    ("other", "Other"),
]
# A change of these is noted in the client's chatter.
TRACKED = {
    "kind",
    "date_from",
    "date_to",
    "replacement_id",
    "interlocutor_id",
    "active",
}
SOURCES = [
    ("portal", "Client portal"),
    ("link", "Signed link"),
    ("staff", "Answering service"),
]


class PermanenceInterlocutorStatus(models.Model):
    """A time-limited status of an interlocutor ("in a meeting until 15:00",
    "on leave next week"), set by the interlocutor or the client themselves.

    It always has an end: it expires by itself, nothing has to run for it.
    While it lasts, calls are not transferred to the interlocutor, and the
    messages and emergencies go to the replacement, if any."""

    _name = "permanence.interlocutor.status"
    _inherit = ["permanence.client.owned"]
    _description = "Interlocutor status"
    _order = "date_from desc, id desc"
    _permanence_portal_fields = (
        "interlocutor_id",
        "client_id",
        "kind",
        "date_from",
        "date_to",
        "note",
        "replacement_id",
        "source",
        "active",
        "label",
        "is_current",
    )

    interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(
        related="interlocutor_id.client_id",
        store=True,
        index=True,
        precompute=True,
    )
    company_id = fields.Many2one(
        related="interlocutor_id.company_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(selection=KINDS, required=True, default="meeting")
    date_from = fields.Datetime(
        string="From", required=True, default=fields.Datetime.now
    )
    date_to = fields.Datetime(
        string="Until", required=True, help="The status ends by itself then."
    )
    note = fields.Char()
    replacement_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        string="Emergencies to",
        ondelete="set null",
        domain="[('client_id', '=', client_id), ('id', '!=', interlocutor_id)]",
        help="Who takes the messages and the emergencies meanwhile.",
    )
    source = fields.Selection(
        selection=SOURCES, required=True, default="staff", readonly=True
    )
    set_by = fields.Char(readonly=True, help="Who set the status.")
    active = fields.Boolean(default=True)
    label = fields.Char(compute="_compute_label", string="Status")
    is_current = fields.Boolean(compute="_compute_is_current", string="Current")

    _sql_constraints = [
        (
            "dates_order",
            "CHECK (date_to > date_from)",
            "A status must end after it starts.",
        ),
    ]

    @api.depends_context("lang")
    @api.depends("kind", "date_from", "date_to", "replacement_id.name", "client_id.tz")
    def _compute_label(self):
        now = fields.Datetime.now()
        for status in self:
            if not (status.date_from and status.date_to):
                status.label = False
                continue
            status.label = availability.label(
                self.env,
                status.kind,
                status.date_from,
                status.date_to,
                now,
                status.client_id.tz,
                replacement=status.replacement_id.name,
            )

    @api.depends("date_from", "date_to", "active")
    def _compute_is_current(self):
        now = fields.Datetime.now()
        for status in self:
            status.is_current = status._current_at(now)

    def _current_at(self, when):
        self.ensure_one()
        return bool(
            self.active
            and self.date_from
            and self.date_to
            and self.date_from <= when < self.date_to
        )

    @api.constrains("interlocutor_id", "replacement_id")
    def _check_replacement(self):
        for status in self:
            if status.replacement_id == status.interlocutor_id:
                raise ValidationError(
                    _("An interlocutor cannot be their own replacement.")
                )

    # Chatter -------------------------------------------------------------

    def _post_change(self, body_text):
        """Note the change in the client's chatter, where the account
        manager follows the account."""
        for status in self:
            client = status.client_id.sudo()
            client.message_post(
                body=Markup("<p>%s</p>") % body_text,
                subtype_xmlid="mail.mt_note",
                author_id=(
                    status.interlocutor_id.partner_id.id
                    if status.source in ("portal", "link")
                    and self.env.user._is_public()
                    else None
                ),
            )

    def _chatter_env(self):
        """The language of the chatter: the account manager's, else the
        client's."""
        client = self.client_id.sudo()
        lang = client.user_id.lang or client.lang or self.env.lang
        return self.with_context(lang=lang).env

    @api.model_create_multi
    def create(self, vals_list):
        statuses = super().create(vals_list)
        for status in statuses:
            env = status._chatter_env()
            status._post_change(
                env._(
                    "%(name)s: %(status)s (set by %(who)s, %(channel)s).",
                    name=status.interlocutor_id.name,
                    status=status.with_env(env).label,
                    who=status.set_by or status.create_uid.name,
                    channel=dict(status._fields["source"]._description_selection(env))[
                        status.source
                    ],
                )
            )
        return statuses

    def write(self, vals):
        result = super().write(vals)
        if TRACKED.intersection(vals) and not self.env.context.get(
            "permanence_status_quiet"
        ):
            for status in self:
                env = status._chatter_env()
                status._post_change(
                    env._(
                        "%(name)s: status changed to “%(status)s” by %(who)s.",
                        name=status.interlocutor_id.name,
                        status=status.with_env(env).label,
                        who=self.env.user.name,
                    )
                )
        return result

    def _end(self, who=None):
        """End the statuses now: a current one stops, a coming one is
        withdrawn."""
        now = fields.Datetime.now()
        for status in self:
            env = status._chatter_env()
            text = env._(
                "%(name)s: status “%(status)s” ended early by %(who)s.",
                name=status.interlocutor_id.name,
                status=status.with_env(env).label,
                who=who or self.env.user.name,
            )
            quiet = status.with_context(permanence_status_quiet=True)
            if status.date_from < now:
                quiet.write({"date_to": max(now, status.date_from)})
            else:
                quiet.write({"active": False})
            status._post_change(text)
        return True
