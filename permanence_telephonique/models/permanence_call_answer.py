from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class PermanenceCallAnswer(models.Model):
    _name = "permanence.call.answer"
    _inherit = ["permanence.client.owned"]
    _description = "Answer to a qualification question"
    _order = "call_id, sequence, id"

    call_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.call",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(related="call_id.client_id", store=True, index=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True, index=True)
    question_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.script.question",
        required=True,
        ondelete="restrict",
    )
    # The order the questions had when the call was taken: reordering the
    # script later does not reorder past calls.
    sequence = fields.Integer(compute="_compute_sequence", store=True, precompute=True)
    question = fields.Char(related="question_id.name", string="Question asked")
    answer_type = fields.Selection(related="question_id.answer_type")
    required = fields.Boolean(related="question_id.required")
    choices = fields.Text(related="question_id.choices")
    value_text = fields.Char(string="Answer")
    value_boolean = fields.Selection(
        selection=[("yes", "Yes"), ("no", "No")], string="Yes / no"
    )
    value_date = fields.Date(string="Date")
    value_display = fields.Char(
        string="Answer given", compute="_compute_value_display", store=True
    )
    is_answered = fields.Boolean(compute="_compute_value_display", store=True)

    @api.depends("question_id")
    def _compute_sequence(self):
        for answer in self:
            answer.sequence = answer.question_id.sequence

    # The question's kind as it was when answered (not ``answer_type``: a
    # question changed later does not rewrite past answers).
    @api.depends("question_id", "value_text", "value_boolean", "value_date")
    def _compute_value_display(self):
        yes_no = dict(self._fields["value_boolean"]._description_selection(self.env))
        for answer in self:
            if answer.answer_type == "boolean":
                value = yes_no.get(answer.value_boolean) or ""
            elif answer.answer_type == "date":
                value = (
                    fields.Date.to_string(answer.value_date)
                    if answer.value_date
                    else ""
                )
            else:
                value = (answer.value_text or "").strip()
            answer.value_display = value
            answer.is_answered = bool(value)

    def _value_for_reader(self):
        """The answer in the current language: dates and yes / no as the
        reader writes them (the stored display is the operator's)."""
        self.ensure_one()
        if self.answer_type == "date" and self.value_date:
            return format_date(self.env, self.value_date)
        if self.answer_type == "boolean" and self.value_boolean:
            labels = dict(
                self._fields["value_boolean"]._description_selection(self.env)
            )
            return labels[self.value_boolean]
        return self.value_display

    @api.constrains("value_text", "question_id")
    def _check_choice(self):
        for answer in self:
            if answer.answer_type != "choice" or not answer.value_text:
                continue
            choices = answer.question_id._choice_list()
            if answer.value_text.strip() not in choices:
                raise ValidationError(
                    _(
                        "“%(value)s” is not one of the choices for “%(question)s”: "
                        "%(choices)s.",
                        value=answer.value_text,
                        question=answer.question,
                        choices=", ".join(choices),
                    )
                )
