from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import phone


class PermanenceClientNumber(models.Model):
    _name = "permanence.client.number"
    _inherit = ["permanence.client.owned", "permanence.phone.mixin"]
    _description = "Client number (DID)"
    _order = "client_id, sequence, id"
    _rec_name = "number"
    _phone_search_fields = {"number": ("number",)}

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
    name = fields.Char(
        string="Label", help="What this line is for, e.g. Standard, Urgences."
    )
    number = fields.Char(
        required=True,
        index=True,
        help="The number forwarded to us, stored in E.164 (+33140000000).",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "number_company_uniq",
            "EXCLUDE (company_id WITH =, number WITH =) WHERE (active)",
            "This number already belongs to another active client account.",
        ),
    ]

    @api.model
    def _country_of(self, client):
        return (
            client.partner_id.country_id
            or client.company_id.country_id
            or self.env.ref("base.fr")
        )

    @api.model
    def _normalize(self, raw, client):
        country = self._country_of(client)
        try:
            return phone.to_e164(raw, country.code, country.phone_code)
        except UserError as error:
            raise ValidationError(
                _(
                    "The number %(number)s is not valid: %(reason)s",
                    number=raw,
                    reason=error.args[0],
                )
            ) from error

    @api.model
    def _normalize_any(self, raw):
        """E.164 of ``raw`` read with the company's country, or False."""
        country = self.env.company.country_id or self.env.ref("base.fr")
        return phone.try_e164(raw, country.code, country.phone_code)

    def _check_numbers_free(self, pairs):
        """Refuse numbers already used by another active account.

        ``pairs`` are (company_id, number) to be written on ``self``; the
        database holds the same rule, this check only names the other account.
        """
        numbers = {number for __, number in pairs}
        if not numbers:
            return
        taken = self.sudo().search(
            [("number", "in", list(numbers)), ("id", "not in", self.ids)]
        )
        for company_id, number in pairs:
            other = taken.filtered(
                lambda r, c=company_id, n=number: r.company_id.id == c and r.number == n
            )
            if other:
                raise ValidationError(
                    _(
                        "The number %(number)s already belongs to the client "
                        "account %(client)s.",
                        number=number,
                        client=other[0].client_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        clients = self.env["permanence.client"].browse(
            [vals["client_id"] for vals in vals_list if vals.get("client_id")]
        )
        by_id = {client.id: client for client in clients}
        pairs = []
        for vals in vals_list:
            if vals.get("number") and vals.get("client_id"):
                client = by_id[vals["client_id"]]
                vals["number"] = self._normalize(vals["number"], client)
                if vals.get("active", True):
                    pairs.append((client.company_id.id, vals["number"]))
        self._check_numbers_free(pairs)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("number"):
            for record in self:
                client = self.env["permanence.client"].browse(
                    vals.get("client_id") or record.client_id.id
                )
                number = self._normalize(vals["number"], client)
                record._check_numbers_free([(client.company_id.id, number)])
                super(PermanenceClientNumber, record).write(dict(vals, number=number))
            return True
        if vals.get("active"):
            self._check_numbers_free(
                [(r.company_id.id, r.number) for r in self if not r.active]
            )
        return super().write(vals)
