from odoo import api, fields, models

from ..tools import phone


class ResPartner(models.Model):
    _inherit = "res.partner"
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
