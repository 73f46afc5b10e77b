"""The generic tracking callback: a JSON body ``{"carrier", "tracking_no", "checkpoints": [{at, status, description?,
location?}]}`` (the neutral form) signed with HMAC-SHA256 of the raw body under TRACKING_WEBHOOK_SECRET, sent as
``X-Tracking-Signature: sha256=<hex>``. For an aggregator or a carrier without a provider module of its own.
"""
from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Tracking-Signature"


def signature(body: bytes, secret: str) -> str:
    """Return the header value that signs body under secret: "sha256=" and the hex HMAC."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, secret: str) -> bool:
    """Return True when header is body's signature under secret (compared in constant time)."""
    return bool(header) and bool(secret) and hmac.compare_digest(signature(body, secret), header.strip())
