"""One-time set-password links: signed, expiring, and dead once used.

A link carries the user's id and a fingerprint of their password hash, signed with the app's SECRET_KEY. It
stops working when it expires, and as soon as the password changes (by this link, another link, a reset or the
user), because the fingerprint no longer matches: nothing about links is stored.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import utcnow

LINK_LIFETIME = timedelta(hours=72)
_SALT = "livedesk.set-password"


def _serializer() -> URLSafeTimedSerializer:
    """Return the signer of set-password links, keyed by the app's SECRET_KEY."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(user: User) -> str:
    """Return a short digest of the user's current password hash (changes whenever the password does)."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def lifetime() -> timedelta:
    """Return how long a new link works (SET_PASSWORD_LINK_SECONDS overrides the default of 72 hours)."""
    seconds = current_app.config.get("SET_PASSWORD_LINK_SECONDS")
    return timedelta(seconds=seconds) if seconds else LINK_LIFETIME


def make_link(user: User) -> tuple[str, datetime]:
    """Return (absolute URL, expiry) of a one-time link that lets user choose a password."""
    token = _serializer().dumps({"u": user.id, "f": _fingerprint(user)})
    return url_for("onboarding.set_password", token=token, _external=True), utcnow() + lifetime()


def user_of_link(session: Session, token: str) -> User | None:
    """Return the user a valid, unexpired, unused link was made for, or None."""
    if not isinstance(token, str) or len(token) > 512:
        return None
    try:
        data = _serializer().loads(token, max_age=lifetime().total_seconds())
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or not user.is_active or data.get("f") != _fingerprint(user):
        return None
    return user
