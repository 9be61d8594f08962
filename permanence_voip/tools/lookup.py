"""Caller recognition: which contact is calling.

The database query is one indexed equality on the E.164 columns
(``res.partner.phone_e164`` / ``mobile_e164``, kept by the core addon); this
module holds the parts that need no database: reading the number the PBX
sent with the PBX's country, and ranking the contacts found.
"""

from odoo.addons.permanence_telephonique.tools import phone


def normalize(raw, country_code="FR", country_phone_code=33):
    """E.164 of a caller id in any format, or False (withheld, garbage).

    "06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678" and
    "33612345678" all give "+33612345678" for a French PBX.
    """
    return phone.try_e164(raw, country_code, country_phone_code)


def rank(candidates, own_ids):
    """Order ``candidates`` with the client's own contacts first: see
    ``permanence_telephonique.tools.phone.rank_candidates`` (shared with the
    operator console)."""
    return phone.rank_candidates(candidates, own_ids)
