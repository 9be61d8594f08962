from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PermanenceOncallMember(models.Model):
    _name = "permanence.oncall.member"
    _inherit = ["permanence.client.owned"]
    _description = "On-call rota member"
    _order = "rota_id, sequence, id"

    rota_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.oncall.rota",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(
        related="rota_id.client_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="rota_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        string="Person",
        required=True,
        ondelete="restrict",
        domain="[('client_id', '=', client_id)]",
    )
    number = fields.Char(string="Number to reach", compute="_compute_number")

    def _compute_number(self):
        for member in self:
            member.number = (
                member.interlocutor_id._transfer_target()
                if member.interlocutor_id
                else False
            )

    @api.constrains("interlocutor_id", "rota_id")
    def _check_interlocutor_client(self):
        for member in self:
            if member.interlocutor_id.client_id != member.rota_id.client_id:
                raise ValidationError(
                    _(
                        "%(name)s is not an interlocutor of %(client)s.",
                        name=member.interlocutor_id.name,
                        client=member.rota_id.client_id.display_name,
                    )
                )
