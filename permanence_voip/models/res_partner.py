from odoo import api, models

from ..tools import lookup

# More contacts than this on one number is a switchboard, not a person.
LOOKUP_LIMIT = 20


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _permanence_voip_lookup(self, e164, company=None, client=None):
        """Who is calling from ``e164``: one indexed equality on the E.164
        columns, scoped to ``company`` (and shared contacts), as the current
        user sees partners. The ``client``'s own contacts (its company and
        people, its interlocutors, who called it before) come first.

        Returns ``{"partner": first or empty, "candidates": all, "count": n,
        "ambiguous": n > 1}``.
        """
        empty = self.browse()
        if not e164:
            return {
                "partner": empty,
                "candidates": empty,
                "count": 0,
                "ambiguous": False,
            }
        domain = ["|", ("phone_e164", "=", e164), ("mobile_e164", "=", e164)]
        if company:
            domain = [("company_id", "in", [company.id, False])] + domain
        # One query: the ids and what the caller's answer shows.
        found = self.search_fetch(
            domain, ["name", "commercial_partner_id"], limit=LOOKUP_LIMIT, order="id"
        )
        if client and len(found) > 1:
            own = client.sudo()._own_partners(found)
            ordered, __ = lookup.rank(found.ids, set(own.ids))
            found = self.browse(ordered)
        return {
            "partner": found[:1],
            "candidates": found,
            "count": len(found),
            "ambiguous": len(found) > 1,
        }
