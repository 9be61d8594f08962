from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import create_unique_index

from .permanence_call_reason import URGENCIES


class PermanenceEmergencyProtocol(models.Model):
    """How a client wants an emergency handled: which answers make a call
    an emergency, whom to reach in which order, and what to do when nobody
    answers (the fallback)."""

    _name = "permanence.emergency.protocol"
    _inherit = ["permanence.client.owned"]
    _description = "Emergency protocol"
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
    reason_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.call.reason",
        string="Call reason",
        ondelete="cascade",
        domain="[('client_id', '=', client_id)]",
        help="Leave empty for the client's calls whose reason has no protocol "
        "of its own.",
    )
    rota_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.oncall.rota",
        string="On-call rota",
        ondelete="restrict",
        domain="[('client_id', '=', client_id)]",
        help="Whose on-call person the steps reach.",
    )
    escalate_from = fields.Selection(
        selection=URGENCIES,
        string="Escalate from urgency",
        default="urgent",
        required=True,
        help="Below this urgency, the operator takes a message instead.",
    )
    rule_ids = fields.One2many(
        comodel_name="permanence.emergency.rule",
        inverse_name="protocol_id",
        string="Qualification rules",
    )
    step_ids = fields.One2many(
        comodel_name="permanence.emergency.step",
        inverse_name="protocol_id",
        string="Escalation steps",
    )
    operator_instructions = fields.Text(
        help="Shown to the operator during the whole procedure, e.g. have the "
        "caller cut the water supply.",
    )
    fallback_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Fallback: supervisor",
        domain="[('share', '=', False)]",
        help="Gets an activity when nobody could be reached.",
    )
    fallback_number = fields.Char(
        string="Fallback: number to call",
        help="e.g. 15, or the supervisor's mobile.",
    )
    fallback_instructions = fields.Text(
        string="Fallback: instructions",
        help="Shown to the operator when nobody could be reached, e.g. "
        "“Life-threatening emergency: call 15”.",
    )
    config_errors = fields.Text(
        string="Configuration errors", compute="_compute_config_errors"
    )

    def init(self):
        # One protocol per client and reason, and one without a reason.
        create_unique_index(
            self.env.cr,
            "permanence_emergency_protocol_client_reason_idx",
            self._table,
            ["client_id", "COALESCE(reason_id, 0)"],
        )

    @api.constrains("reason_id", "rota_id", "client_id")
    def _check_same_client(self):
        for protocol in self:
            for record in (protocol.reason_id, protocol.rota_id):
                if record and record.client_id != protocol.client_id:
                    raise ValidationError(
                        _(
                            "“%(name)s” belongs to another client than the "
                            "protocol “%(protocol)s”.",
                            name=record.display_name,
                            protocol=protocol.name,
                        )
                    )

    @api.depends(
        "step_ids.channel",
        "step_ids.target",
        "step_ids.interlocutor_id",
        "fallback_user_id",
        "fallback_number",
        "fallback_instructions",
        "rota_id",
    )
    def _compute_config_errors(self):
        for protocol in self:
            protocol.config_errors = (
                "\n".join(protocol._emergency_config_errors()) or False
            )

    @api.model
    def _for_calls(self, calls):
        """``{call: protocol}``: the protocol of each call's reason, else the
        client's protocol without a reason."""
        protocols = self.search([("client_id", "in", calls.client_id.ids)])
        by_key = {}
        for protocol in protocols:
            by_key.setdefault((protocol.client_id.id, protocol.reason_id.id), protocol)
        return {
            call: by_key.get((call.client_id.id, call.reason_id.id))
            or by_key.get((call.client_id.id, False))
            or self.browse()
            for call in calls
        }

    def _has_fallback(self):
        self.ensure_one()
        return bool(
            self.fallback_user_id
            or self.fallback_number
            or (self.fallback_instructions or "").strip()
        )

    def _emergency_config_errors(self):
        """What keeps these protocols from being followed, one line each."""
        errors = []
        for protocol in self.filtered("active"):
            prefix = _(
                "%(client)s, emergency protocol “%(protocol)s”:",
                client=protocol.client_id.display_name,
                protocol=protocol.name,
            )
            if not protocol.step_ids:
                errors.append(_("%s it has no escalation step.", prefix))
            if not protocol._has_fallback():
                errors.append(
                    _(
                        "%s it has no fallback (a supervisor, a number or "
                        "instructions for when nobody answers).",
                        prefix,
                    )
                )
            if not protocol.rota_id and "oncall" in protocol.step_ids.mapped("target"):
                errors.append(
                    _(
                        "%s its steps reach the on-call person but it has no rota.",
                        prefix,
                    )
                )
            for step in protocol.step_ids:
                problem = step._config_error()
                if problem:
                    errors.append(f"{prefix} {problem}")
        return errors
