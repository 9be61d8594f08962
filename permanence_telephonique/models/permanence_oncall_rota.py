from datetime import timedelta, timezone

from odoo import _, api, fields, models
from odoo.tools import format_datetime

from ..tools import oncall

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]
# How far ahead a rota must have somebody on call to be valid.
CHECK_HORIZON_DAYS = 28


def _utc(naive):
    """A naive UTC datetime (as the ORM stores them) made aware."""
    return naive.replace(tzinfo=timezone.utc)


def _naive(aware):
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


class PermanenceOncallRota(models.Model):
    _name = "permanence.oncall.rota"
    _inherit = ["permanence.client.owned"]
    _description = "On-call rota"
    _order = "client_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    tz = fields.Selection(related="client_id.tz", string="Time zone")
    anchor_date = fields.Date(
        string="First hand-over",
        required=True,
        default=fields.Date.context_today,
        help="The first member is on call from the first hand-over on or after "
        "this date; the others follow in order.",
    )
    handover_weekday = fields.Selection(
        selection=WEEKDAYS, string="Hand-over day", default="0", required=True
    )
    handover_hour = fields.Float(
        string="Hand-over time",
        default=8.0,
        help="Local time of the hand-over, in the client's time zone.",
    )
    rotation_weeks = fields.Integer(string="Weeks per turn", default=1, required=True)
    member_ids = fields.One2many(
        comodel_name="permanence.oncall.member",
        inverse_name="rota_id",
        string="Members",
    )
    override_ids = fields.One2many(
        comodel_name="permanence.oncall.override",
        inverse_name="rota_id",
        string="Replacements and absences",
    )
    current_interlocutor_id = fields.Many2one(
        comodel_name="permanence.interlocutor",
        string="On call now",
        compute="_compute_oncall_now",
    )
    current_number = fields.Char(
        string="Number to reach", compute="_compute_oncall_now"
    )
    current_number_display = fields.Char(
        string="Number to reach (as read)", compute="_compute_oncall_now"
    )
    next_handover = fields.Datetime(
        string="Next hand-over", compute="_compute_oncall_now"
    )
    next_interlocutor_id = fields.Many2one(
        comodel_name="permanence.interlocutor",
        string="Next on call",
        compute="_compute_oncall_now",
    )
    config_errors = fields.Text(
        string="Configuration errors", compute="_compute_config_errors"
    )

    _sql_constraints = [
        (
            "rotation_weeks_positive",
            "CHECK(rotation_weeks > 0)",
            "A turn lasts at least one week.",
        ),
        (
            "handover_hour_range",
            "CHECK(handover_hour >= 0 AND handover_hour < 24)",
            "The hand-over time must be between 00:00 and 23:59.",
        ),
    ]

    # Evaluation ------------------------------------------------------------

    def _rota_data(self):
        """The rota as plain values for ``tools.oncall`` (members and
        overrides by interlocutor id)."""
        self.ensure_one()
        overrides = self.override_ids.sorted(lambda o: (o.date_from, o.id))
        return oncall.Rota(
            tz=self.client_id.tz or "UTC",
            anchor=self.anchor_date,
            handover_weekday=int(self.handover_weekday),
            handover_time=oncall.float_to_time(self.handover_hour),
            period_days=7 * max(self.rotation_weeks, 1),
            members=tuple(m.interlocutor_id.id for m in self.member_ids.sorted()),
            overrides=tuple(
                oncall.Override(
                    _utc(o.date_from), _utc(o.date_to), o.interlocutor_id.id
                )
                for o in overrides
                if o.kind == "replacement"
            ),
            absences=tuple(
                oncall.Absence(o.interlocutor_id.id, _utc(o.date_from), _utc(o.date_to))
                for o in overrides
                if o.kind == "absence"
            ),
        )

    def _oncall_at(self, when=None):
        """The interlocutor on call at ``when`` (naive UTC, default now) on
        this rota; empty in a gap."""
        self.ensure_one()
        when = when or fields.Datetime.now()
        member_id = oncall.oncall_at(self._rota_data(), _utc(when))
        return self.env["permanence.interlocutor"].browse(member_id or [])

    def _backup_of(self, interlocutor):
        """The member after ``interlocutor`` in the rotation order."""
        self.ensure_one()
        data = self._rota_data()
        member_id = oncall.member_after(data.members, interlocutor.id)
        return self.env["permanence.interlocutor"].browse(member_id or [])

    @api.depends_context("uid")
    @api.depends(
        "anchor_date",
        "handover_weekday",
        "handover_hour",
        "rotation_weeks",
        "client_id.tz",
        "member_ids.interlocutor_id",
        "member_ids.sequence",
        "override_ids.date_from",
        "override_ids.date_to",
        "override_ids.kind",
        "override_ids.interlocutor_id",
    )
    def _compute_oncall_now(self):
        now = _utc(fields.Datetime.now())
        interlocutor_model = self.env["permanence.interlocutor"]
        for rota in self:
            if not rota.anchor_date or not rota.client_id:
                rota.current_interlocutor_id = False
                rota.current_number = False
                rota.current_number_display = False
                rota.next_handover = False
                rota.next_interlocutor_id = False
                continue
            data = rota._rota_data()
            current = interlocutor_model.browse(oncall.oncall_at(data, now) or [])
            rota.current_interlocutor_id = current
            rota.current_number = current._transfer_target() if current else False
            rota.current_number_display = self.env[
                "permanence.phone.mixin"
            ]._phone_display(rota.current_number)
            upcoming = oncall.next_handover(data, now)
            rota.next_handover = upcoming and _naive(upcoming[0])
            rota.next_interlocutor_id = interlocutor_model.browse(
                (upcoming and upcoming[1]) or []
            )

    @api.depends(
        "member_ids.interlocutor_id",
        "override_ids.date_from",
        "override_ids.date_to",
        "anchor_date",
        "handover_weekday",
        "handover_hour",
    )
    def _compute_config_errors(self):
        for rota in self:
            rota.config_errors = "\n".join(rota._emergency_config_errors()) or False

    # Configuration checks --------------------------------------------------

    def _format_local(self, when):
        """``when`` (aware) in the client's time zone, for messages."""
        self.ensure_one()
        return format_datetime(
            self.env, _naive(when), tz=self.client_id.tz or "UTC", dt_format="short"
        )

    def _emergency_config_errors(self):
        """What keeps these rotas from being relied on, one line each: no
        member, a member nobody can call, somebody missing in the next weeks."""
        errors = []
        now = _utc(fields.Datetime.now())
        for rota in self.filtered("active"):
            prefix = _(
                "%(client)s, on-call rota “%(rota)s”:",
                client=rota.client_id.display_name,
                rota=rota.name,
            )
            if not rota.member_ids:
                errors.append(_("%s it has no member.", prefix))
                continue
            for interlocutor in (
                rota.member_ids.interlocutor_id | rota.override_ids.interlocutor_id
            ):
                if not interlocutor._transfer_target():
                    errors.append(
                        _(
                            "%(prefix)s %(name)s has no number to be reached at.",
                            prefix=prefix,
                            name=interlocutor.name,
                        )
                    )
            horizon = timedelta(
                days=max(CHECK_HORIZON_DAYS, 7 * rota.rotation_weeks * 2)
            )
            holes = oncall.gaps(rota._rota_data(), now, now + horizon)
            if holes:
                start, end = holes[0]
                errors.append(
                    _(
                        "%(prefix)s nobody is on call from %(start)s to %(end)s "
                        "(%(count)s gap(s) in the next %(days)s days).",
                        prefix=prefix,
                        start=rota._format_local(start),
                        end=rota._format_local(end),
                        count=len(holes),
                        days=horizon.days,
                    )
                )
        return errors
