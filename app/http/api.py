"""Shared pieces of the /api/v1 blueprints: authentication and JSON body parsing."""
from __future__ import annotations

import time
from functools import wraps

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from app.auth import tokens
from app.errors import ApiError
from app.extensions import csrf, db
from app.http import validation

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def install_api(blueprint: Blueprint) -> Blueprint:
    """Return blueprint set up as an API: exempt from form CSRF, every request read whole and then authenticated."""
    csrf.exempt(blueprint)

    @blueprint.before_request
    def read_body_then_authenticate() -> None:
        """Read the whole body first (so no transaction waits on the network), then authenticate."""
        request.get_data(cache=True)
        authenticate()
        validation.check_json_depth(request)

    return blueprint


def authenticate() -> None:
    """Set g.principal from a bearer token or the session cookie, or raise 401/403."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = tokens.find_token(db.session, header[len("Bearer "):].strip())
        if token is None:
            raise ApiError(401, "invalid_token", "the bearer token is unknown or revoked", "Authorization")
        g.principal = token
        return
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            try:
                validate_csrf(request.headers.get("X-CSRFToken"))
            except (ValidationError, CSRFError) as exc:
                raise ApiError(403, "csrf_failed", "missing or invalid X-CSRFToken header", "X-CSRFToken") from exc
        g.principal = current_user._get_current_object()
        return
    raise ApiError(401, "unauthenticated", "send Authorization: Bearer <token> or log in", "Authorization")


def require_signature_if_configured() -> None:
    """Raise 401 when the calling token has signing secrets and the request signature is not valid."""
    token = g.principal
    secrets_ = getattr(token, "signing_secrets", None)
    if not secrets_:
        return
    ok = tokens.signature_valid(
        request.headers.get("X-LiveDesk-Signature"),
        request.get_data(cache=True),
        secrets_,
        time.time(),
        current_app.config["SIGNATURE_TOLERANCE_SECONDS"],
    )
    if not ok:
        raise ApiError(401, "bad_signature", "X-LiveDesk-Signature is missing, stale or does not match", "X-LiveDesk-Signature")


def roles(*allowed: str):
    """Return a decorator that lets only principals with one of the allowed roles through (tokens are 'service')."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.principal.role not in allowed and g.principal.role != "admin":
                raise ApiError(403, "forbidden", f"this needs one of the roles: {', '.join(allowed)}")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body() -> dict:
    """Return the request's JSON object, or raise 400 naming the body as the bad field."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object", "body")
    return data


def sees_pii() -> bool:
    """Return True when the current principal may see buyer contact data in full."""
    return bool(getattr(g.principal, "sees_pii", False))
