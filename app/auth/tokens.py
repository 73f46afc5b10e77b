"""API tokens: issuing, looking up by bearer value, and webhook signature checks."""
from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.models import ApiToken
from app.db import utcnow

TOKEN_PREFIX = "ldk_"


def _digest(raw: str) -> str:
    """Return the SHA-256 hex digest of a raw token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(session: Session, name: str, signing_secrets: list[str] | None = None) -> str:
    """Return a new raw token after storing its hash under name."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=_digest(raw), signing_secrets=list(signing_secrets or [])))
    return raw


def find_token(session: Session, raw: str) -> ApiToken | None:
    """Return the live token whose raw value is raw, or None."""
    if not raw:
        return None
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def signature_valid(header: str | None, body: bytes, secrets_: list[str], now: float, tolerance: int) -> bool:
    """Return True when header is `t=<unix>,v1=<hex>[,v1=...]` and one v1 matches one secret within tolerance."""
    if not header:
        return False
    timestamp, candidates = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1" and value:
            candidates.append(value.lower())
    if timestamp is None or not timestamp.isdigit() or not candidates:
        return False
    if abs(now - int(timestamp)) > tolerance:
        return False
    signed = timestamp.encode() + b"." + body
    expected = [hmac.new(s.encode(), signed, hashlib.sha256).hexdigest() for s in secrets_]
    # compare_digest for every pair so timing does not reveal which secret or candidate was close.
    matches = [hmac.compare_digest(e, c) for e in expected for c in candidates]
    return any(matches)


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """Return an X-LiveDesk-Signature header value for body (used by the simulator and tests)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def touch(token: ApiToken) -> None:
    """Record that token was just used."""
    token.last_used_at = utcnow()
