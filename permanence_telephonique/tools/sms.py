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

# One SMS holds 160 GSM-7 characters; concatenated parts hold 153 each.
SINGLE_SMS = 160
PART_SMS = 153


def segments(text):
    length = len(text or "")
    if length <= SINGLE_SMS:
        return 1
    return -(-length // PART_SMS)


def shorten(text, limit, link=None):
    """Cut ``text`` to ``limit`` characters on a word boundary, ending with
    ``…`` and the ``link`` to the full message when something was cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    tail = f"… {link}" if link else "…"
    room = max(limit - len(tail), 0)
    cut = text[:room]
    if " " in cut and len(text) > room and text[room] != " ":
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
