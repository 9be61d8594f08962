"""HMAC-SHA256 signatures of webhook bodies (``sha256=<hex>``)."""

import hashlib
import hmac

PREFIX = "sha256="


def sign(secret, body):
    """Header value signing ``body`` (bytes) with ``secret`` (str)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(secret, body, header):
    """True when ``header`` is the signature of ``body`` with ``secret``."""
    if not secret or not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(secret, body), header.strip())
