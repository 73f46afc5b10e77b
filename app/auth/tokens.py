"""API tokens: issuing with scopes, looking up by bearer value, revoking, signing secrets and their checks.

The caller commits. A token's raw value and a new signing secret are returned once and never stored in the
clear (the secret must be, to check signatures: it is shown to the admin only when made).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import LEGACY_SCOPES, TOKEN_SCOPES, ApiToken
from app.db import utcnow

TOKEN_PREFIX = "ldk_"
SECRET_PREFIX = "whsec_"
MAX_SIGNING_SECRETS = 5  # two during a rotation; a few more for adapters that roll slowly
MAX_NAME = 64
# ASCII letters, digits and . _ : @ -: a name that is safe in a URL path (DELETE /api/v1/tokens/<name>).
TOKEN_NAME = re.compile(r"[A-Za-z0-9._:@-]{1,64}")
# last_used_at is written at most this often per token, so busy ingestion does not write a row per request.
USE_RESOLUTION = timedelta(seconds=60)
# Bumped by every change of a token made in this process: look-ups cached before it are void (TokenCache).
_generation = 0


class TokenActionError(ValueError):
    """A token action refused for a reason the caller can show (field names what was wrong; status 400/404/409)."""

    def __init__(self, field: str, message: str, status: int = 400, code: str = "invalid_value"):
        super().__init__(message)
        self.field, self.status, self.code = field, status, code


def _digest(raw: str) -> str:
    """Return the SHA-256 hex digest of a raw token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(session: Session, name: str, signing_secrets: list[str] | None = None,
                scopes: list[str] | tuple[str, ...] | None = None) -> str:
    """Return a new raw token after storing its hash under name, with scopes (none given: the legacy ingest, display)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=_digest(raw), signing_secrets=list(signing_secrets or []),
                         scopes=normalized_scopes(scopes)))
    return raw


def normalized_scopes(scopes) -> list[str]:
    """Return scopes in the canonical order without repeats (None or empty: the legacy ones); raise on an unknown one."""
    if not scopes:
        return list(LEGACY_SCOPES)
    unknown = [s for s in scopes if s not in TOKEN_SCOPES]
    if unknown:
        raise TokenActionError("scopes", f"unknown scope {unknown[0]!r}; scopes are {', '.join(TOKEN_SCOPES)}")
    return [s for s in TOKEN_SCOPES if s in scopes]


def create_token(session: Session, name: str, scopes, signing_secrets: list[str] | None = None) -> str:
    """Return the raw value of a new token named name (shown once); raise when the name is taken or bad."""
    if not isinstance(name, str) or not TOKEN_NAME.fullmatch(name):
        raise TokenActionError("name", f"name must be 1 to {MAX_NAME} letters, digits or . _ : @ -")
    if token_named(session, name) is not None:
        raise TokenActionError("name", f"a token named {name!r} exists already (revoked ones keep their name)",
                               409, "name_taken")
    return issue_token(session, name, signing_secrets, normalized_scopes(scopes))


def token_named(session: Session, name: str) -> ApiToken | None:
    """Return the token called name, revoked or not, or None."""
    return session.scalar(sa.select(ApiToken).where(ApiToken.name == name))


def revoke_token(token: ApiToken) -> ApiToken:
    """Return token revoked from now on (its value authenticates nothing; its open sockets stop at their next event)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    _changed(token)
    return token


def add_signing_secret(token: ApiToken) -> str:
    """Return a new signing secret added to token's (the old ones stay valid until removed: rotation)."""
    if token.revoked_at is not None:
        raise TokenActionError("name", "the token is revoked", 409, "invalid_state")
    if len(token.signing_secrets or []) >= MAX_SIGNING_SECRETS:
        raise TokenActionError("signing_secrets", f"a token has at most {MAX_SIGNING_SECRETS} signing secrets; "
                               "remove an old one first", 409, "too_many_secrets")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token.signing_secrets = [*(token.signing_secrets or []), secret]  # a new list: the JSON column sees the change
    _changed(token)
    return secret


def remove_signing_secret(token: ApiToken, secret_id: str) -> ApiToken:
    """Return token without the signing secret whose id is secret_id; raise 404 when it has none such."""
    kept = [s for s in token.signing_secrets or [] if secret_fingerprint(s) != secret_id]
    if len(kept) == len(token.signing_secrets or []):
        raise TokenActionError("secret_id", f"the token has no signing secret {secret_id!r}", 404, "not_found")
    token.signing_secrets = kept
    _changed(token)
    return token


def secret_fingerprint(secret: str) -> str:
    """Return the public id of a signing secret: 12 hex digits of its SHA-256 (shown instead of the secret)."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def token_to_dict(token: ApiToken) -> dict:
    """Return the JSON shape of a token: never its value, and its signing secrets only by id."""
    return {
        "name": token.name,
        "scopes": list(token.scopes or []),
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
        "signing_secrets": [secret_fingerprint(s) for s in token.signing_secrets or []],
    }


def _iso(moment) -> str | None:
    """Return moment as ISO-8601, or None."""
    return moment.isoformat() if moment is not None else None


def find_token(session: Session, raw: str) -> ApiToken | None:
    """Return the live token whose raw value is raw, or None."""
    if not raw:
        return None
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def _changed(token: ApiToken) -> None:
    """Void every token look-up cached in this process (token was revoked or its signing secrets changed), now and
    again when the change commits: a request that looked the token up in between read the old row."""
    _void_cache()
    session = object_session(token)
    if session is not None:
        sa.event.listen(session, "after_commit", _void_cache, once=True)


def _void_cache(*_session) -> None:
    global _generation
    _generation += 1


class TokenCache:
    """Live tokens by the digest of their value, kept for ``seconds`` so a flood of one-event webhooks does not cost
    a transaction each for authentication alone.

    Only tokens found are kept (an unknown value is looked up every time, so guessing fills nothing), at most
    MAX_ENTRIES. A change made by this process (revoke, a signing secret added or removed) voids the cache at once;
    one made by another server is seen within ``seconds`` (API_TOKEN_CACHE_SECONDS; 0 turns the cache off).
    """

    MAX_ENTRIES = 1000

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[ApiToken, int, float]] = {}

    def find(self, session: Session, raw: str) -> ApiToken | None:
        """Return the live token whose raw value is raw, as a copy that belongs to no session, or None."""
        if self.seconds <= 0 or not raw:
            return find_token(session, raw)
        digest = _digest(raw)
        entry = self._entries.get(digest)
        if entry is not None and entry[1] == _generation and entry[2] > time.monotonic():
            return entry[0]
        generation = _generation
        token = find_token(session, raw)
        if token is None:
            return None
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        copy = _detached(token)
        self._entries[digest] = (copy, generation, time.monotonic() + self.seconds)
        return copy


def _detached(token: ApiToken) -> ApiToken:
    """Return a copy of token that belongs to no session (safe to keep between requests)."""
    return ApiToken(id=token.id, name=token.name, token_hash=token.token_hash,
                    signing_secrets=list(token.signing_secrets or []), scopes=list(token.scopes or []),
                    created_at=token.created_at, last_used_at=token.last_used_at, revoked_at=token.revoked_at)


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
    # ASCII digits only: "²" passes isdigit() but not int(), and a header may hold any Latin-1 character.
    # At most 12 digits (unix seconds until the year 33658): a longer one could not be within tolerance anyway,
    # and int() of thousands of digits, or a float of hundreds, raises instead of refusing.
    if timestamp is None or not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) \
            or not candidates:
        return False
    if abs(now - int(timestamp)) > tolerance:
        return False
    signed = timestamp.encode() + b"." + body
    expected = [hmac.new(s.encode(), signed, hashlib.sha256).hexdigest().encode() for s in secrets_]
    # compare_digest for every pair so timing does not reveal which secret or candidate was close; as bytes,
    # since it refuses str with non-ASCII characters.
    matches = [hmac.compare_digest(e, c.encode()) for e in expected for c in candidates]
    return any(matches)


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """Return an X-LiveDesk-Signature header value for body (used by the simulator and tests)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def record_use(session: Session, token: ApiToken) -> None:
    """Record that token was just used, committed at once, at most once per USE_RESOLUTION (called before the view)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_RESOLUTION:
        return
    session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                    .execution_options(synchronize_session=False))
    session.commit()
    set_committed_value(token, "last_used_at", now)  # a cached copy then skips the write for USE_RESOLUTION too
