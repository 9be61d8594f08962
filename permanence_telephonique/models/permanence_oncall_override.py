from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

OVERRIDE_KINDS = [
    ("replacement", "On call instead"),
    ("absence", "Holiday / absence"),
]


class PermanenceOncallOverride(models.Model):
    """A dated exception to a rota: someone is on call instead of the
    rotation (a swap, a public holiday), or a member is away (holidays) —
    when nobody replaces them, the rota has a gap."""

    _name = "permanence.oncall.override"
    _inherit = ["permanence.client.owned"]
    _description = "On-call replacement or absence"
    _order = "rota_id, date_from, id"

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
    kind = fields.Selection(
        selection=OVERRIDE_KINDS, default="replacement", required=True
    )
    interlocutor_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.interlocutor",
        string="Person",
        required=True,
        ondelete="cascade",
        domain="[('client_id', '=', client_id)]",
    )
    date_from = fields.Datetime(string="From", required=True)
    date_to = fields.Datetime(string="To", required=True)
    note = fields.Char(help="e.g. Public holiday, swap with Julien, holidays")

    _sql_constraints = [
        (
            "dates_order",
            "CHECK(date_to > date_from)",
            "A replacement or absence must end after it starts.",
        ),
    ]

    @api.constrains("interlocutor_id", "rota_id")
    def _check_interlocutor_client(self):
        for override in self:
            if override.interlocutor_id.client_id != override.rota_id.client_id:
                raise ValidationError(
                    _(
                        "%(name)s is not an interlocutor of %(client)s.",
                        name=override.interlocutor_id.name,
                        client=override.rota_id.client_id.display_name,
                    )
                )
