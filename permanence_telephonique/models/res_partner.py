from odoo import api, fields, models

from ..tools import phone


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "permanence.phone.mixin"]
    _phone_search_fields = {
        "phone": ("phone_e164",),
        "mobile": ("mobile_e164",),
        "phone_mobile_search": ("phone_e164", "mobile_e164"),
    }
    # Portal users read the fields our addons add to contacts through this
    # list only (see base._setup_complete).
    _permanence_portal_fields = ("phone_e164", "mobile_e164")

    phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_phone_e164",
        store=True,
        index="btree_not_null",
        help="Phone in E.164, used to recognise callers whatever the format "
        "they were typed in.",
    )
    mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_phone_e164",
        store=True,
        index="btree_not_null",
    )

    @api.depends("phone", "mobile", "country_id", "company_id.country_id")
    def _compute_phone_e164(self):
        default_country = self.env.company.country_id or self.env.ref(
            "base.fr", raise_if_not_found=False
        )
        for partner in self:
            country = (
                partner.country_id or partner.company_id.country_id or default_country
            )
            code = country.code if country else None
            phone_code = country.phone_code if country else None
            partner.phone_e164 = phone.try_e164(partner.phone, code, phone_code)
            partner.mobile_e164 = phone.try_e164(partner.mobile, code, phone_code)

    @api.model
    def _permanence_find_by_number(self, e164):
        """Partners whose phone or mobile is ``e164``, as the current user sees
        them (record rules and companies apply)."""
        if not e164:
            return self.browse()
        return self.search(["|", ("phone_e164", "=", e164), ("mobile_e164", "=", e164)])

    @api.model
    def _permanence_find_by_numbers(self, numbers):
        """``{e164: partners}`` for each of ``numbers`` that a contact has:
        one query on the indexed E.164 columns for the whole batch."""
        numbers = sorted({number for number in numbers if number})
        if not numbers:
            return {}
        found = self.search_fetch(
            ["|", ("phone_e164", "in", numbers), ("mobile_e164", "in", numbers)],
            ["phone_e164", "mobile_e164"],
            order="id",
        )
        result = {}
        for partner in found:
            for number in {partner.phone_e164, partner.mobile_e164}:
                if number in result:
                    result[number] |= partner
                elif number:
                    result[number] = partner
        return {number: result[number] for number in numbers if number in result}
