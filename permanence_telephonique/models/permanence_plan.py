# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import billing

BILLING_MODES = [
    ("package", "Package (monthly fee, included units, overage)"),
    ("per_use", "Per use (no fee, every unit billed)"),
]
UNITS = [(billing.UNIT_CALLS, "Calls"), (billing.UNIT_MINUTES, "Minutes")]
ROUNDINGS = [
    (billing.ROUNDING_SECOND, "Per second"),
    (billing.ROUNDING_MINUTE, "Per started minute"),
]
# Outcomes billed by default: what the operator actually handled.
DEFAULT_COUNTED_OUTCOMES = (
    "message,transferred,appointment,information,escalated,filtered"
)


class PermanencePlan(models.Model):
    _name = "permanence.plan"
    _description = "Billing plan (package)"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        help="Currency of the prices and of the invoices; the company's by default.",
    )
    billing_mode = fields.Selection(
        selection=BILLING_MODES, default="package", required=True
    )
    fee_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Fee product",
        check_company=True,
        ondelete="restrict",
        domain="[('sale_ok', '=', True)]",
        help="Product of the monthly fee line: its taxes and income account "
        "apply (through the client's fiscal position).",
    )
    fee_price = fields.Monetary(
        string="Monthly fee",
        compute="_compute_fee_price",
        store=True,
        readonly=False,
        precompute=True,
    )
    unit = fields.Selection(selection=UNITS, default=billing.UNIT_CALLS, required=True)
    included_units = fields.Float(
        digits=(16, 2),
        help="Calls or minutes included in the monthly fee.",
    )
    overage_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Usage product",
        check_company=True,
        ondelete="restrict",
        domain="[('sale_ok', '=', True)]",
        help="Product of the line billing the calls or minutes beyond the "
        "package (or all of them for a per-use plan).",
    )
    overage_price = fields.Float(
        string="Price per unit",
        digits="Product Price",
        compute="_compute_overage_price",
        store=True,
        readonly=False,
        precompute=True,
        help="Price of one call or one minute beyond the package.",
    )
    rounding = fields.Selection(
        selection=ROUNDINGS,
        default=billing.ROUNDING_MINUTE,
        required=True,
        help="Per-minute plans: how each call's duration is rounded up.",
    )
    free_under_seconds = fields.Integer(
        string="Free under (s)",
        help="Calls shorter than this many seconds are neither counted nor billed.",
    )
    wrap_up_seconds = fields.Integer(
        string="Wrap-up (s)",
        help="Seconds added to each billed call for the after-call work "
        "(per-minute plans).",
    )
    counted_outcomes = fields.Char(
        default=DEFAULT_COUNTED_OUTCOMES,
        required=True,
        help="Comma-separated technical values of the call outcomes that are "
        "billed, e.g. message,transferred,appointment.",
    )
    counted_outcome_labels = fields.Char(
        string="Billed outcomes", compute="_compute_counted_outcome_labels"
    )
    option_ids = fields.One2many(
        comodel_name="permanence.plan.option",
        inverse_name="plan_id",
        string="Options",
        copy=True,
    )
    subscription_ids = fields.One2many(
        comodel_name="permanence.subscription",
        inverse_name="plan_id",
        string="Subscriptions",
    )
    subscription_count = fields.Integer(compute="_compute_subscription_count")
    # Self-service: what the client may do from the portal
    self_service_allowed = fields.Boolean(
        string="Client switches the service on/off",
        help="The client may switch the service on or off for a period from "
        "the portal (lunch break, leave, unplanned absence).",
    )
    self_service_max_hours = fields.Float(
        string="Extra covered hours a month",
        digits=(16, 1),
        help="Most hours of periods switched on by the client in one month "
        "(in the client's time zone). 0: no limit.",
    )
    self_service_notice_hours = fields.Integer(
        string="Minimum notice (hours)",
        help="How long before its start a period must be asked for, except "
        "an unplanned absence. 0: none.",
    )

    _sql_constraints = [
        (
            "prices_positive",
            "CHECK(COALESCE(fee_price, 0) >= 0 AND COALESCE(overage_price, 0) >= 0)",
            "Prices cannot be negative.",
        ),
        (
            "units_positive",
            "CHECK(COALESCE(included_units, 0) >= 0 "
            "AND COALESCE(free_under_seconds, 0) >= 0 "
            "AND COALESCE(wrap_up_seconds, 0) >= 0)",
            "Included units, free and wrap-up seconds cannot be negative.",
        ),
        (
            "self_service_positive",
            "CHECK(COALESCE(self_service_max_hours, 0) >= 0 "
            "AND COALESCE(self_service_notice_hours, 0) >= 0)",
            "Self-service hours and notice cannot be negative.",
        ),
    ]

    @api.depends("company_id")
    def _compute_currency_id(self):
        for plan in self:
            plan.currency_id = (
                plan.currency_id
                or plan.company_id.currency_id
                or self.env.company.currency_id
            )

    @api.depends("fee_product_id")
    def _compute_fee_price(self):
        for plan in self:
            if plan.fee_product_id:
                plan.fee_price = plan.fee_product_id.lst_price
            elif not plan.fee_price:
                plan.fee_price = 0.0

    @api.depends("overage_product_id")
    def _compute_overage_price(self):
        for plan in self:
            if plan.overage_product_id:
                plan.overage_price = plan.overage_product_id.lst_price
            elif not plan.overage_price:
                plan.overage_price = 0.0

    def _outcome_selection(self):
        return dict(
            self.env["permanence.call"]
            ._fields["outcome"]
            ._description_selection(self.env)
        )

    def _counted_outcome_list(self):
        self.ensure_one()
        return [
            value.strip()
            for value in (self.counted_outcomes or "").split(",")
            if value.strip()
        ]

    @api.depends("counted_outcomes")
    def _compute_counted_outcome_labels(self):
        labels = self._outcome_selection()
        for plan in self:
            plan.counted_outcome_labels = ", ".join(
                labels.get(value, value) for value in plan._counted_outcome_list()
            )

    def _compute_subscription_count(self):
        groups = self.env["permanence.subscription"]._read_group(
            [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
        )
        counts = {plan.id: count for plan, count in groups}
        for plan in self:
            plan.subscription_count = counts.get(plan.id, 0)

    @api.constrains("counted_outcomes")
    def _check_counted_outcomes(self):
        valid = self._outcome_selection()
        for plan in self:
            unknown = set(plan._counted_outcome_list()) - set(valid)
            if unknown or not plan._counted_outcome_list():
                raise ValidationError(
                    _(
                        "Plan %(plan)s: the billed outcomes must be a comma-"
                        "separated list of %(valid)s (unknown: %(unknown)s).",
                        plan=plan.name,
                        valid=", ".join(valid),
                        unknown=", ".join(sorted(unknown)) or "-",
                    )
                )

    @api.onchange("billing_mode")
    def _onchange_billing_mode(self):
        if self.billing_mode == "per_use":
            self.included_units = 0.0
            self.fee_product_id = False
            self.fee_price = 0.0

    def _rule(self):
        """The plan's billing parameters, as the ``tools.billing`` functions
        and the usage SQL take them."""
        self.ensure_one()
        return {
            "unit": self.unit,
            "rounding": self.rounding,
            "free_under": self.free_under_seconds,
            "wrap_up": self.wrap_up_seconds,
            "outcomes": self._counted_outcome_list(),
        }

    def _billing_problems(self):
        """What keeps the plan from being invoiced, as sentences."""
        self.ensure_one()
        problems = []
        if self.billing_mode == "package":
            if not self.fee_product_id:
                problems.append(_("the plan %s has no fee product", self.display_name))
            if self.fee_price <= 0:
                problems.append(
                    _("the plan %s has no monthly fee price", self.display_name)
                )
        if not self.overage_product_id:
            problems.append(_("the plan %s has no usage product", self.display_name))
        if self.overage_price <= 0:
            problems.append(_("the plan %s has no price per unit", self.display_name))
        return problems

    def action_view_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_telephonique.action_permanence_subscription"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action
