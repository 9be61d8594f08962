from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .permanence_call_reason import URGENCIES


class PermanenceEmergencyRule(models.Model):
    """ "Answer X to question Y ⇒ urgency Z": how the qualification answers
    set the urgency of a call."""

    _name = "permanence.emergency.rule"
    _inherit = ["permanence.client.owned"]
    _description = "Emergency qualification rule"
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
    question_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.script.question",
        required=True,
        ondelete="cascade",
        domain="[('client_id', '=', client_id)]",
    )
    value = fields.Char(
        string="Answer",
        required=True,
        help="The answer that triggers the rule, e.g. a choice, or yes / no "
        "for a yes / no question (case does not matter).",
    )
    urgency = fields.Selection(selection=URGENCIES, default="critical", required=True)

    @api.constrains("question_id", "protocol_id")
    def _check_question_client(self):
        for rule in self:
            if rule.question_id.client_id != rule.protocol_id.client_id:
                raise ValidationError(
                    _(
                        "The question “%s” belongs to another client.",
                        rule.question_id.name,
                    )
                )

    def _as_dicts(self):
        return [
            {
                "id": rule.id,
                "question_id": rule.question_id.id,
                "value": rule.value,
                "urgency": rule.urgency,
            }
            for rule in self
        ]
