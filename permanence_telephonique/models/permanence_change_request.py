from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext, plaintext2html

from ..tools import diff
from ..tools.access import SUPERVISOR, check_rights

KINDS = [
    ("instructions", "Instructions"),
    ("faq", "FAQ entry"),
    ("interlocutor", "Interlocutor"),
]
INTERLOCUTOR_ACTIONS = [
    ("create", "New interlocutor"),
    ("update", "Change of an interlocutor"),
    ("archive", "Removal of an interlocutor"),
]
# Proposed value field -> (where the current value is read: the
# interlocutor or its contact, field name there).
INTERLOCUTOR_VALUES = {
    "proposed_name": ("partner", "name"),
    "proposed_phone": ("partner", "phone"),
    "proposed_mobile": ("partner", "mobile"),
    "proposed_email": ("partner", "email"),
    "proposed_role": ("interlocutor", "role"),
    "proposed_receives_messages": ("interlocutor", "receives_messages"),
    "proposed_transfer_allowed": ("interlocutor", "transfer_allowed"),
    "proposed_transfer_number": ("interlocutor", "transfer_number"),
}
REQUEST_STATES = [
    ("new", "New"),
    ("applied", "Applied"),
    ("refused", "Refused"),
]
# What a client may set when proposing a change from the portal (or through
# JSON-RPC with the portal's create right): the rest is the supervisors'.
CLIENT_FIELDS = (
    "client_id",
    "kind",
    "faq_id",
    "question",
    "proposed_text",
    "interlocutor_id",
    "interlocutor_action",
    *INTERLOCUTOR_VALUES,
)
SUPERVISOR_GROUP = "permanence_telephonique.group_permanence_supervisor"


class PermanenceChangeRequest(models.Model):
    _name = "permanence.change.request"
    _description = "Change of instructions or FAQ proposed by a client"
    # What a client's portal user may read (over JSON-RPC as well): any
    # other field is internal (see base._setup_complete).
    _permanence_portal_fields = (
        "client_id",
        "partner_id",
        "kind",
        "faq_id",
        "question",
        "proposed_text",
        "current_text",
        "state",
        "date_request",
        "date_done",
        "refuse_reason",
        "create_date",
        "interlocutor_id",
        "interlocutor_action",
        *INTERLOCUTOR_VALUES,
    )
    _inherit = ["mail.thread", "mail.activity.mixin", "permanence.client.owned"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Requested by",
        default=lambda self: self.env.user.partner_id,
        ondelete="restrict",
        index=True,
    )
    kind = fields.Selection(
        selection=KINDS, string="Change of", default="instructions", required=True
    )
    faq_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.faq",
        string="FAQ entry",
        ondelete="set null",
        help="The FAQ entry to change; empty to add a new entry.",
    )
    question = fields.Char(
        help="Question of the new FAQ entry, or the new wording of the question.",
    )
    proposed_text = fields.Text(
        string="Proposed text",
        help="The new instructions, or the answer of the FAQ entry.",
    )
    # Interlocutors: a new one, a change of one, or its removal
    interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        ondelete="set null",
        context={"active_test": False},
        help="The interlocutor to change or remove; empty for a new one.",
    )
    interlocutor_action = fields.Selection(
        selection=INTERLOCUTOR_ACTIONS, string="Interlocutor change"
    )
    proposed_name = fields.Char(string="Name")
    proposed_phone = fields.Char(string="Phone")
    proposed_mobile = fields.Char(string="Mobile")
    proposed_email = fields.Char(string="Email")
    proposed_role = fields.Char(string="Role")
    proposed_receives_messages = fields.Boolean(string="Receives messages")
    proposed_transfer_allowed = fields.Boolean(string="Calls may be transferred")
    proposed_transfer_number = fields.Char(string="Transfer number")
    interlocutor_diff = fields.Html(
        string="Differences",
        compute="_compute_interlocutor_diff",
        sanitize=False,
        help="Current and proposed values of the interlocutor, field by field.",
    )
    current_text = fields.Text(
        string="Current text",
        compute="_compute_current_text",
        help="What the proposed text replaces.",
    )
    state = fields.Selection(
        selection=REQUEST_STATES,
        default="new",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_request = fields.Datetime(
        string="Requested on", default=fields.Datetime.now, readonly=True
    )
    supervisor_id = fields.Many2one(
        comodel_name="res.users",
        string="Handled by",
        readonly=True,
        copy=False,
        tracking=True,
    )
    date_done = fields.Datetime(string="Handled on", readonly=True, copy=False)
    refuse_reason = fields.Text(string="Reason of the refusal", copy=False)

    @api.depends("client_id", "kind", "faq_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for change in self:
            change.display_name = _(
                "%(kind)s change for %(client)s",
                kind=kinds.get(change.kind, ""),
                client=change.client_id.name or "",
            )

    @api.depends("kind", "faq_id.answer", "client_id.instructions")
    def _compute_current_text(self):
        for change in self:
            if change.kind == "faq":
                change.current_text = change.faq_id.answer or False
            else:
                change.current_text = (
                    html2plaintext(change.client_id.instructions or "") or False
                )

    @api.constrains("kind", "proposed_text")
    def _check_proposed_text(self):
        for change in self:
            text = (change.proposed_text or "").strip()
            if change.kind != "interlocutor" and not text:
                raise ValidationError(_("Please write the text you propose."))

    @api.constrains(
        "kind", "interlocutor_id", "interlocutor_action", "proposed_name", "client_id"
    )
    def _check_interlocutor(self):
        for change in self:
            if change.kind != "interlocutor":
                continue
            action = change.interlocutor_action
            if not action:
                raise ValidationError(
                    _("Say whether the interlocutor is new, changed or removed.")
                )
            if action != "create" and not change.interlocutor_id:
                raise ValidationError(_("Choose the interlocutor to change or remove."))
            if action != "archive" and not (change.proposed_name or "").strip():
                raise ValidationError(_("An interlocutor needs a name."))

    def _interlocutor_current_values(self):
        """``{proposed field: current value}`` of the request's interlocutor
        (empty for a new one), read as superuser for the comparison."""
        self.ensure_one()
        interlocutor = self.sudo().interlocutor_id
        sources = {"interlocutor": interlocutor, "partner": interlocutor.partner_id}
        if not interlocutor:
            return {}
        return {
            key: sources[where][fname]
            for key, (where, fname) in INTERLOCUTOR_VALUES.items()
        }

    def _interlocutor_proposed_values(self):
        self.ensure_one()
        if self.interlocutor_action == "archive":
            return {}
        return {key: self[key] for key in INTERLOCUTOR_VALUES}

    @api.depends(
        "kind",
        "interlocutor_action",
        "interlocutor_id",
        *INTERLOCUTOR_VALUES,
    )
    @api.depends_context("lang")
    def _compute_interlocutor_diff(self):
        yes, no = _("Yes"), _("No")

        def shown(key, value):
            if self._fields[key].type == "boolean":
                return yes if value else no
            return value or "—"

        for change in self:
            if change.kind != "interlocutor" or not change.interlocutor_action:
                change.interlocutor_diff = False
                continue
            rows = diff.value_changes(
                change._interlocutor_current_values(),
                change._interlocutor_proposed_values(),
                list(INTERLOCUTOR_VALUES),
            )
            removal = change.interlocutor_action == "archive"
            lines = Markup("").join(
                Markup("<tr class='%s'><td>%s</td><td>%s</td><td>%s</td></tr>")
                % (
                    "table-warning o_permanence_diff_changed" if changed else "",
                    self._fields[key]._description_string(self.env),
                    Markup("<del>%s</del>") % shown(key, old)
                    if changed
                    else shown(key, old),
                    _("(removed)")
                    if removal
                    else (
                        Markup("<ins>%s</ins>") % shown(key, new)
                        if changed
                        else shown(key, new)
                    ),
                )
                for key, old, new, changed in rows
            )
            change.interlocutor_diff = Markup(
                "<table class='table table-sm o_permanence_interlocutor_diff'>"
                "<thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
            ) % (_("Field"), _("Current"), _("Proposed"), lines)

    @api.constrains("kind", "faq_id", "question", "client_id")
    def _check_faq(self):
        for change in self:
            if change.kind != "faq":
                continue
            if change.faq_id and change.faq_id.client_id != change.client_id:
                raise ValidationError(
                    _("The FAQ entry belongs to another client account.")
                )
            if not change.faq_id and not change.question:
                raise ValidationError(_("A new FAQ entry needs its question."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user._is_internal():
            # A client proposes; only the answering service decides.
            partner = self.env.user.partner_id
            vals_list = [
                dict(
                    {key: vals[key] for key in CLIENT_FIELDS if key in vals},
                    partner_id=partner.id,
                )
                for vals in vals_list
            ]
        changes = super().create(vals_list)
        changes.sudo()._notify_account_manager()
        return changes

    def _notify_account_manager(self):
        """A to-do for each request's account manager (else a note for the
        supervisors following the client)."""
        for change in self:
            manager = change.client_id.user_id
            summary = _("Client change request to review")
            note = _(
                "%(author)s proposes a change of the %(kind)s.",
                author=change.partner_id.name or "",
                kind=dict(self._fields["kind"]._description_selection(self.env)).get(
                    change.kind
                ),
            )
            if manager:
                change.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    note=note,
                    user_id=manager.id,
                )
            else:
                change.message_post(body=note, subtype_xmlid="mail.mt_note")

    def _check_supervisor(self):
        if not self.env.su and not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(
                _("Only supervisors may apply or refuse a client's change request.")
            )
        for change in self:
            if change.state != "new":
                raise UserError(
                    _(
                        "The request “%s” has already been handled.",
                        change.display_name,
                    )
                )

    def _notify_author(self):
        """Tell each request's author, in their language, what became of it."""
        for change in self:
            env = change.with_context(
                lang=change.partner_id.lang or change.client_id.lang or self.env.lang
            ).env
            if change.state == "applied":
                body = env._(
                    "Your change request has been applied. Thank you for keeping "
                    "us informed."
                )
            else:
                body = env._("Your change request has not been applied.")
                if change.refuse_reason:
                    body = Markup("%s<br/>%s") % (body, change.refuse_reason)
            change.message_post(
                body=body,
                partner_ids=change.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )

    def action_apply(self):
        """Write the proposed text on the client account or its FAQ, or
        create, change or archive the interlocutor, and tell the client."""
        check_rights(self, "write", SUPERVISOR)
        self._check_supervisor()
        faq_model = self.env["permanence.faq"]
        for change in self:
            if change.kind == "instructions":
                change.client_id.instructions = plaintext2html(change.proposed_text)
            elif change.kind == "interlocutor":
                change._apply_interlocutor()
            elif change.faq_id:
                vals = {"answer": change.proposed_text}
                if change.question:
                    vals["question"] = change.question
                change.faq_id.write(vals)
            else:
                change.faq_id = faq_model.create(
                    {
                        "client_id": change.client_id.id,
                        "question": change.question,
                        "answer": change.proposed_text,
                    }
                )
        self.write(
            {
                "state": "applied",
                "supervisor_id": self.env.user.id,
                "date_done": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self._notify_author()
        return True

    def _apply_interlocutor(self):
        """Create, change or archive the interlocutor (and its contact) as
        proposed."""
        self.ensure_one()
        action = self.interlocutor_action
        interlocutor = self.interlocutor_id
        if action == "archive":
            interlocutor.active = False
            return
        partner_vals, interlocutor_vals = {}, {}
        for key, (where, fname) in INTERLOCUTOR_VALUES.items():
            target = partner_vals if where == "partner" else interlocutor_vals
            value = self[key]
            target[fname] = value.strip() if isinstance(value, str) else value
        if action == "create":
            client = self.client_id
            # The supervisor decided (checked by action_apply); creating
            # contacts is the contact managers' right, not theirs.
            partner = (
                self.env["res.partner"]
                .sudo()
                .create(
                    dict(
                        partner_vals,
                        parent_id=client.partner_id.commercial_partner_id.id,
                        lang=client.lang or False,
                    )
                )
            )
            self.interlocutor_id = self.env["permanence.interlocutor"].create(
                dict(interlocutor_vals, client_id=client.id, partner_id=partner.id)
            )
            return
        current = self._interlocutor_current_values()
        changed = {
            key
            for key, __, __, is_changed in diff.value_changes(
                current, self._interlocutor_proposed_values(), list(INTERLOCUTOR_VALUES)
            )
            if is_changed
        }
        fields_of = {key: fname for key, (__, fname) in INTERLOCUTOR_VALUES.items()}
        names = {fields_of[key] for key in changed}
        partner_vals = {k: v for k, v in partner_vals.items() if k in names}
        interlocutor_vals = {k: v for k, v in interlocutor_vals.items() if k in names}
        if partner_vals:
            interlocutor.partner_id.write(partner_vals)
        if interlocutor_vals:
            interlocutor.write(interlocutor_vals)

    def action_refuse(self):
        self._check_supervisor()
        self.write(
            {
                "state": "refused",
                "supervisor_id": self.env.user.id,
                "date_done": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self._notify_author()
        return True
