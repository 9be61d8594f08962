from odoo import api, models

from ..tools import phone

# Operators a person's search uses, and the negative ones with their
# positive counterpart (``not ilike x`` is ``not (ilike x)``).
_PHONE_OPERATORS = frozenset({"=", "ilike", "like", "=ilike", "=like"})
_NEGATIVE_OPERATORS = {"!=": "=", "not ilike": "ilike", "not like": "like"}


class PermanencePhoneMixin(models.AbstractModel):
    """Phone numbers stored in E.164, searched and shown the way people
    type and read them.

    A model lists in ``_phone_search_fields`` which fields people search
    numbers in, each with the stored E.164 field(s) to look in. Every
    search (search view, list filter, many2one lookup, RPC, a dotted path
    from another model) then finds ``06 98 76 54 32``, ``0698765432``,
    ``+33 6 98…`` or ``33698…`` alike: the leaf is kept and OR-ed with the
    normalised number, read with the company's country (an indexed equality
    for a whole number, a part of the digits otherwise)."""

    _name = "permanence.phone.mixin"
    _description = "Phone numbers searched in any format"

    # {field searched: (E.164 field, ...)}
    _phone_search_fields = {}

    @api.model
    def _phone_country(self):
        return self.env.company.country_id or self.env.ref("base.fr")

    @api.model
    def _phone_display(self, number, country=None):
        """``number`` (E.164) as a person of ``country`` (default: the
        company's) reads it."""
        country = country or self._phone_country()
        return phone.display(number, country.code)

    @api.model
    def _phone_search_domain(self, domain):
        if not self._phone_search_fields or not domain:
            return domain
        country = None
        result = []
        for leaf in domain:
            targets = pattern = None
            if (
                isinstance(leaf, (list, tuple))
                and len(leaf) == 3
                and isinstance(leaf[0], str)
                and isinstance(leaf[2], str)
            ):
                # A many2one lookup searches the record's name.
                name = self._rec_name if leaf[0] == "display_name" else leaf[0]
                targets = self._phone_search_fields.get(name)
            positive = _NEGATIVE_OPERATORS.get(leaf[1], leaf[1]) if targets else None
            if positive in _PHONE_OPERATORS:
                country = country or self._phone_country()
                pattern = phone.search_pattern(
                    leaf[2], country.code, country.phone_code
                )
            if not pattern:
                result.append(leaf)
                continue
            operator, value = pattern
            # A whole number is an indexed equality on the E.164 fields; the
            # typed text itself can only match a field that is not one.
            terms = [(target, operator, value) for target in targets]
            if leaf[0] not in targets:
                terms.insert(0, (leaf[0], positive, leaf[2]))
            if positive != leaf[1]:
                result.append("!")
            result.extend(["|"] * (len(terms) - 1))
            result.extend(terms)
        return result

    @api.model
    def _search(self, domain, *args, **kwargs):
        return super()._search(self._phone_search_domain(domain), *args, **kwargs)
