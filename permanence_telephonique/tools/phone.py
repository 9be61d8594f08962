"""Phone numbers of callers and DIDs, normalised to E.164.

Parsing and validation are Odoo's own (``phone_validation`` over the
``phonenumbers`` library); this module only adds what a telephone answering
service needs on top: recognising withheld numbers and a strict variant that
refuses what cannot be dialled.
"""

import re

import phonenumbers

from odoo.addons.phone_validation.tools import phone_validation

# What PBXs and operators type when the caller hides the number.
WITHHELD_TOKENS = frozenset(
    {
        "anonymous",
        "anonyme",
        "private",
        "privé",
        "prive",
        "restricted",
        "unknown",
        "unavailable",
        "inconnu",
        "withheld",
        "masqué",
        "masque",
        "numéro masqué",
        "numero masque",
        "hidden",
    }
)
_NOISE = re.compile(r"[\s.\-()/]")


def is_withheld(raw):
    """True when the caller id is empty or one of the usual 'hidden' tokens."""
    if not raw:
        return True
    cleaned = raw.strip().lower()
    return (
        not cleaned
        or cleaned in WITHHELD_TOKENS
        or not any(char.isdigit() for char in cleaned)
    )


def to_e164(raw, country_code="FR", country_phone_code=33):
    """Return ``raw`` in E.164 (``+33140000000``), or raise Odoo's UserError.

    ``country_code`` is the ISO code used for national numbers ("01 40 00 00
    00" in France); international forms ("+33 1 40…", "0033 1 40…",
    "33140…") are understood whatever the country.
    """
    number = _NOISE.sub("", raw or "")
    return phone_validation.phone_format(
        number,
        country_code,
        country_phone_code,
        force_format="E164",
        raise_exception=True,
    )


def try_e164(raw, country_code="FR", country_phone_code=33):
    """Like :func:`to_e164` but return ``False`` instead of raising."""
    if is_withheld(raw):
        return False
    try:
        return to_e164(raw, country_code, country_phone_code)
    except Exception:  # noqa: BLE001 - any parse failure means "no number"
        return False


def is_mobile(e164):
    """Whether an E.164 number can receive SMS (mobile, or a line the
    numbering plan cannot tell from a mobile)."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def rank_candidates(candidates, own_ids):
    """Order ``candidates`` (partner ids, as found) with the client's own
    contacts (``own_ids``) first, each group keeping its order.

    Returns ``(ordered_ids, ambiguous)``: ambiguous when more than one
    contact has the number, so the operator asks who is calling.
    """
    own = [pid for pid in candidates if pid in own_ids]
    others = [pid for pid in candidates if pid not in own_ids]
    ordered = own + others
    return ordered, len(ordered) > 1
