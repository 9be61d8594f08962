"""HMAC-SHA256 signatures of webhook bodies.

The PBX signs the raw request body with the secret it shares with its
``permanence.voip.pbx`` record and sends ``X-Permanence-Signature:
sha256=<hex>``. Nothing here touches the database.
"""

import hashlib
import hmac

HEADER = "X-Permanence-Signature"
PREFIX = "sha256="


def sign(secret, body):
    """The header value for ``body`` (bytes) signed with ``secret`` (str)."""
    digest = hmac.new((secret or "").encode(), body or b"", hashlib.sha256).hexdigest()
    return PREFIX + digest


def parse_header(value):
    """The hex digest carried by a header value, or None when malformed."""
    if not value or not value.startswith(PREFIX):
        return None
    digest = value[len(PREFIX) :].strip().lower()
    if len(digest) != 64 or any(char not in "0123456789abcdef" for char in digest):
        return None
    return digest


def verify(secret, body, header_value):
    """Whether ``header_value`` is the signature of ``body`` with ``secret``.

    An empty secret never verifies: a PBX without a secret accepts nothing.
    """
    digest = parse_header(header_value)
    if not secret or digest is None:
        return False
    expected = sign(secret, body)[len(PREFIX) :]
    return hmac.compare_digest(expected, digest)
