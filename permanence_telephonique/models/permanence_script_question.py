from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ANSWER_TYPES = [
    ("text", "Text"),
    ("choice", "Choice"),
    ("boolean", "Yes / no"),
    ("date", "Date"),
]


class PermanenceScriptQuestion(models.Model):
    _name = "permanence.script.question"
    _inherit = ["permanence.client.owned"]
    _description = "Qualification question"
    _order = "reason_id, sequence, id"

    reason_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.call.reason",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(
        related="reason_id.client_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="reason_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Question", required=True, translate=True)
    answer_type = fields.Selection(
        selection=ANSWER_TYPES, default="text", required=True
    )
    choices = fields.Text(help="One choice per line.")
    required = fields.Boolean()

    @api.constrains("answer_type", "choices")
    def _check_choices(self):
        for question in self:
            if question.answer_type == "choice" and not question._choice_list():
                raise ValidationError(
                    _("The question “%s” needs at least one choice.", question.name)
                )

    def _choice_list(self):
        self.ensure_one()
        return [
            line.strip() for line in (self.choices or "").splitlines() if line.strip()
        ]
