"""Talking to the PBX: Asterisk ARI and a generic URL template.

Plain ``requests`` calls, always with a timeout; any failure becomes a
:class:`PbxError` whose message the model shows to the operator.

Asterisk ARI (https://docs.asterisk.org/Asterisk_22_Documentation/API_Documentation/Asterisk_REST_Interface/):

- click-to-dial: ``POST /channels`` originates a call to the operator's
  endpoint which, once picked up, dials the number in the dialplan context;
- announced transfer: ``POST /channels/{caller}/hold``, then ``POST
  /channels`` rings the interlocutor and connects them to the operator;
  accept: ``POST /bridges`` + ``POST /bridges/{id}/addChannel`` with the
  caller and the interlocutor, ``DELETE /channels/{caller}/hold``; refuse:
  ``DELETE /channels/{interlocutor}`` and ``DELETE /channels/{caller}/hold``;
- taking a ringing call from the queue: ``POST /channels/{caller}/redirect``
  with the operator's endpoint.
"""

from urllib.parse import quote

import requests

DEFAULT_TIMEOUT = 5


class PbxError(Exception):
    """The PBX did not do what was asked (refused, unreachable, timed out)."""


def _send(method, url, timeout, **kwargs):
    try:
        response = requests.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as error:
        raise PbxError(f"no answer within {timeout} s") from error
    except requests.RequestException as error:
        raise PbxError(f"unreachable ({error.__class__.__name__})") from error
    if response.status_code >= 400:
        raise PbxError(f"HTTP {response.status_code}: {response.text[:200].strip()}")
    return response


class AriClient:
    """The few ARI resources the console needs."""

    def __init__(self, base_url, user, password, timeout=DEFAULT_TIMEOUT):
        if not base_url:
            raise PbxError("no ARI URL configured")
        self.base_url = base_url.rstrip("/")
        self.auth = (user or "", password or "")
        self.timeout = timeout

    def _call(self, method, path, params=None):
        response = _send(
            method,
            self.base_url + path,
            self.timeout,
            params=params,
            auth=self.auth,
        )
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {}

    def originate(self, endpoint, extension, context, caller_id=None):
        """Ring ``endpoint``; once picked up, continue in the dialplan at
        ``extension@context``. Returns the new channel id."""
        params = {
            "endpoint": endpoint,
            "extension": extension,
            "context": context,
            "priority": 1,
        }
        if caller_id:
            params["callerId"] = caller_id
        channel = self._call("POST", "/channels", params)
        return channel.get("id") or ""

    def hold(self, channel_id):
        self._call("POST", f"/channels/{quote(channel_id, safe='')}/hold")

    def unhold(self, channel_id):
        self._call("DELETE", f"/channels/{quote(channel_id, safe='')}/hold")

    def hangup(self, channel_id):
        self._call("DELETE", f"/channels/{quote(channel_id, safe='')}")

    def redirect(self, channel_id, endpoint):
        """Send ``channel_id`` (a caller waiting) to ``endpoint``."""
        self._call(
            "POST",
            f"/channels/{quote(channel_id, safe='')}/redirect",
            {"endpoint": endpoint},
        )

    def bridge(self, channel_ids):
        """Put ``channel_ids`` together in a new mixing bridge; its id."""
        bridge = self._call("POST", "/bridges", {"type": "mixing"})
        bridge_id = bridge.get("id")
        if not bridge_id:
            raise PbxError("the PBX created no bridge")
        self._call(
            "POST",
            f"/bridges/{quote(bridge_id, safe='')}/addChannel",
            {"channel": ",".join(channel_ids)},
        )
        return bridge_id


def fill_template(template, values):
    """``template`` with ``{name}`` replaced by the URL-quoted values."""
    quoted = {key: quote(str(value or ""), safe="") for key, value in values.items()}
    try:
        return template.format(**quoted)
    except (KeyError, IndexError, ValueError) as error:
        raise PbxError(f"bad URL template: {error}") from error


def call_template(template, values, method="POST", timeout=DEFAULT_TIMEOUT):
    """Generic provider: request ``template`` filled with ``values``."""
    if not template:
        raise PbxError("no URL template configured")
    _send(method, fill_template(template, values), timeout)
