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


def display(e164, country_code="FR"):
    """``e164`` as a person of ``country_code`` reads it: the national format
    for a number of that country (``06 11 22 33 55``), the international one
    otherwise (``+44 20 7946 0958``). Anything that is not a number is given
    back unchanged, so a withheld or odd caller id still shows."""
    if not e164:
        return e164 or ""
    try:
        parsed = phonenumbers.parse(e164, (country_code or "FR").upper())
    except phonenumbers.NumberParseException:
        return e164
    if not phonenumbers.is_possible_number(parsed):
        return e164
    region = phonenumbers.region_code_for_number(parsed)
    same_country = region == (country_code or "").upper()
    return phonenumbers.format_number(
        parsed,
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )


def search_pattern(raw, country_code="FR", country_phone_code=33):
    """What to look for in an E.164 column when a person searches ``raw``.

    Returns ``(operator, value)``: ``("=", "+33698765432")`` for a whole
    number in any format (``06 98 76 54 32``, ``0698765432``, ``+33 6…``,
    ``0033 6…``, ``33698…``), ``("ilike", digits)`` for a part of a number
    (``06 98`` looks for ``698``, without the national trunk prefix), or
    ``None`` when ``raw`` holds too few digits to be a number."""
    raw = (raw or "").strip()
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 3:
        return None
    e164 = try_e164(raw, country_code, country_phone_code)
    if e164:
        return ("=", e164)
    cleaned = _NOISE.sub("", raw)
    if cleaned.startswith("+"):
        return ("=like", f"+{digits}%")
    if cleaned.startswith("00"):
        return ("=like", f"+{digits[2:]}%")
    if cleaned.startswith("0"):
        digits = digits[1:]
    return ("ilike", digits)
