from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CALLER_CATEGORIES = [
    ("existing", "Existing client / patient"),
    ("new", "New client / patient"),
    ("supplier", "Supplier / partner"),
    ("solicitation", "Commercial solicitation"),
    ("private", "Private / personal"),
    ("other", "Other"),
]
MATCHES = [
    ("number", "Caller number"),
    ("partner", "Caller (contact)"),
    ("category", "Caller category"),
]
FILTER_ACTIONS = [
    ("transfer", "Always transfer (VIP)"),
    ("message", "Never transfer: take a message"),
    ("block", "Block: politely end the call"),
]


class PermanenceFilterRule(models.Model):
    _name = "permanence.filter.rule"
    _inherit = ["permanence.client.owned", "permanence.phone.mixin"]
    _description = "Call filtering rule"
    _phone_search_fields = {"number": ("number",)}
    _order = "client_id, sequence, id"

    client_id = fields.Many2one(
        comodel_name="permanence.client",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    match = fields.Selection(
        selection=MATCHES, string="Applies to", default="number", required=True
    )
    number = fields.Char(string="Caller number", help="Stored in E.164.")
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Caller", ondelete="cascade"
    )
    category = fields.Selection(selection=CALLER_CATEGORIES)
    action = fields.Selection(selection=FILTER_ACTIONS, required=True)
    note = fields.Char(
        string="What to say",
        help="Shown to the operator when the rule applies.",
    )

    @api.constrains("match", "number", "partner_id", "category")
    def _check_match(self):
        for rule in self:
            missing = (
                (rule.match == "number" and not rule.number)
                or (rule.match == "partner" and not rule.partner_id)
                or (rule.match == "category" and not rule.category)
            )
            if missing:
                raise ValidationError(
                    _(
                        "The filtering rule “%s” does not say which caller it "
                        "applies to.",
                        rule.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number") and vals.get("client_id"):
                vals["number"] = self.env["permanence.client.number"]._normalize(
                    vals["number"],
                    self.env["permanence.client"].browse(vals["client_id"]),
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("number"):
            for rule in self:
                number = self.env["permanence.client.number"]._normalize(
                    vals["number"], rule.client_id
                )
                super(PermanenceFilterRule, rule).write(dict(vals, number=number))
            return True
        return super().write(vals)

    def _as_dict(self):
        return [
            {
                "id": rule.id,
                "sequence": rule.sequence,
                "match": rule.match,
                "number": rule.number,
                "partner_id": rule.partner_id.id,
                "category": rule.category,
                "action": rule.action,
            }
            for rule in self
        ]
