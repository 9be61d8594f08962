"""SMS gateways over HTTP: build the request, read the answer, cut the text.

Providers:

- ``generic_json``: POST a JSON object ``{to_field: number, text_field: text,
  sender_field: sender}`` to the URL;
- ``generic_form``: the same fields as an HTML form;
- ``twilio``: Twilio's documented Messages API (``POST
  /2010-04-01/Accounts/{AccountSid}/Messages.json`` with ``To``, ``From``,
  ``Body`` as a form, HTTP basic auth with the account SID and token; 201 with
  the message ``sid`` on success).
"""

import json

# GSM 03.38: the default alphabet (one septet each) and its extension table
# (an escape septet plus one: two septets each). Any other character sends
# the whole SMS in UCS-2 (UTF-16 code units).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
# One SMS holds 160 GSM-7 septets, or 70 UCS-2 units; the parts of a longer
# (concatenated) SMS hold 153 septets, or 67 units, each.
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
# Kept for callers that spoke of characters: GSM-7 figures.
SINGLE_SMS = GSM7_SINGLE
PART_SMS = GSM7_PART


def is_gsm7(text):
    """True when ``text`` can be sent in the GSM-7 alphabet."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text or "")


def _units(text, gsm7):
    """Width of each character: septets in GSM-7, UTF-16 units in UCS-2."""
    if gsm7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def length(text):
    """``(units, "gsm7" | "ucs2")``: the size of ``text`` in its encoding."""
    text = text or ""
    gsm7 = is_gsm7(text)
    return sum(_units(text, gsm7)), "gsm7" if gsm7 else "ucs2"


def segments(text):
    """Number of SMS that ``text`` is sent as. A character is never split
    between two parts (an escaped GSM-7 character, a UTF-16 surrogate pair),
    so the parts are filled one character at a time."""
    text = text or ""
    gsm7 = is_gsm7(text)
    widths = _units(text, gsm7)
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    if sum(widths) <= single:
        return 1
    count, used = 1, 0
    for width in widths:
        if used + width > part:
            count, used = count + 1, 0
        used += width
    return count


def shorten(text, limit, link=None):
    """Cut ``text`` to ``limit`` (septets for a GSM-7 text, UTF-16 units
    otherwise: 306 is two GSM-7 SMS) on a word boundary, ending with an
    ellipsis and the ``link`` to the full message when something was cut.

    A GSM-7 text stays in GSM-7: its ellipsis is "..." (the single "…" is
    not in the GSM-7 alphabet and would send it as UCS-2, in 5 parts instead
    of 2); a text already in UCS-2 gets "…"."""
    text = " ".join((text or "").split())
    units, encoding = length(text)
    if units <= limit:
        return text
    gsm7 = encoding == "gsm7" and is_gsm7(link or "")
    ellipsis = "..." if gsm7 else "…"
    tail = f"{ellipsis} {link}" if link else ellipsis
    room = max(limit - sum(_units(tail, gsm7)), 0)
    widths = _units(text, gsm7)
    end, used = 0, 0
    while end < len(text) and used + widths[end] <= room:
        used += widths[end]
        end += 1
    cut = text[:end]
    if " " in cut and end < len(text) and text[end] != " ":
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + tail


def build_request(config, to, text, reference):
    """Return ``(url, kwargs)`` for ``requests.post``.

    ``config`` keys: provider, url, auth_type (none/basic/bearer/header),
    username, password, header_name, sender, to_field, text_field,
    sender_field, account (Twilio SID). ``reference`` identifies the send so
    a gateway or a log can tell a retry from a new message.
    """
    provider = config["provider"]
    headers = {"X-Permanence-Reference": reference}
    kwargs = {"headers": headers}
    if provider == "twilio":
        base = (config.get("url") or "https://api.twilio.com").rstrip("/")
        url = f"{base}/2010-04-01/Accounts/{config['account']}/Messages.json"
        kwargs["data"] = {"To": to, "From": config.get("sender") or "", "Body": text}
        kwargs["auth"] = (config["account"], config.get("password") or "")
        return url, kwargs
    payload = {
        config.get("to_field") or "to": to,
        config.get("text_field") or "text": text,
    }
    if config.get("sender"):
        payload[config.get("sender_field") or "from"] = config["sender"]
    if provider == "generic_form":
        kwargs["data"] = payload
    else:
        kwargs["data"] = json.dumps(payload)
        headers["Content-Type"] = "application/json"
    auth_type = config.get("auth_type") or "none"
    if auth_type == "basic":
        kwargs["auth"] = (config.get("username") or "", config.get("password") or "")
    elif auth_type == "bearer":
        headers["Authorization"] = f"Bearer {config.get('password') or ''}"
    elif auth_type == "header":
        headers[config.get("header_name") or "X-Api-Key"] = config.get("password") or ""
    return config["url"], kwargs


def read_response(provider, status, body):
    """Return ``(ok, reference, error, permanent)`` from the gateway's answer.

    ``permanent`` is true when retrying cannot help (the number cannot take
    SMS, the request is refused as invalid): the message falls back to the
    next channel at once instead of retrying.
    """
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if 200 <= status < 300:
        reference = data.get("sid") or data.get("id") or data.get("message_id")
        return True, str(reference or ""), "", False
    error = (
        data.get("message")
        or data.get("error")
        or data.get("detail")
        or (body or "").strip()[:300]
        or f"HTTP {status}"
    )
    permanent = status in (400, 404, 422) or (provider == "twilio" and status == 400)
    return False, "", f"HTTP {status}: {error}", permanent
