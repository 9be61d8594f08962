# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class PermanencePlanOption(models.Model):
    _name = "permanence.plan.option"
    _description = "Billing plan option"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        comodel_name="permanence.plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        check_company=True,
        ondelete="restrict",
        domain="[('sale_ok', '=', True)]",
    )
    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        translate=True,
        help="Label of the invoice line, e.g. Agenda management.",
    )
    price = fields.Monetary(
        string="Monthly price",
        compute="_compute_price",
        store=True,
        readonly=False,
        precompute=True,
    )

    _sql_constraints = [
        ("price_positive", "CHECK(price >= 0)", "An option price cannot be negative.")
    ]

    @api.depends("product_id")
    def _compute_name(self):
        for option in self:
            option.name = option.product_id.display_name or option.name

    @api.depends("product_id")
    def _compute_price(self):
        for option in self:
            option.price = option.product_id.lst_price or option.price or 0.0
