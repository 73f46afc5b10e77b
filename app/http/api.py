"""Shared pieces of the /api/v1 blueprints: authentication, what a role or token scope may call, JSON bodies.

A token's scopes are checked before the view runs, from what the view states next to its route:
``@api.scope("moderation")`` (app/auth/scopes.py has the default for views that state nothing). Put it
directly under the route decorator, beside ``@api.roles``; console users are checked by ``@api.roles`` only.
"""
from __future__ import annotations

import time
from functools import wraps

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from app.auth import tokens
from app.auth.models import TOKEN_SCOPES
from app.auth.scopes import ROLES_ATTRIBUTE, SCOPES_ATTRIBUTE, TokenPrincipal, required_scopes
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
    scheme, space, credentials = header.partition(" ")
    if space and scheme.lower() == "bearer":  # the scheme in any case (RFC 9110 11.1): "bearer" is "Bearer"
        token = token_cache().find(db.session, credentials.strip())
        if token is None:
            raise ApiError(401, "invalid_token", "the bearer token is unknown or revoked", "Authorization")
        g.principal = TokenPrincipal.of(token)
        check_token_scope(g.principal)
        tokens.record_use(db.session, token)
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


def token_cache() -> tokens.TokenCache:
    """Return the app's cache of bearer tokens (API_TOKEN_CACHE_SECONDS), made on first use."""
    found = current_app.extensions.get("livedesk_token_cache")
    if found is None:
        found = current_app.extensions["livedesk_token_cache"] = tokens.TokenCache(
            float(current_app.config.get("API_TOKEN_CACHE_SECONDS", 1.0)))
    return found


def check_token_scope(principal: TokenPrincipal) -> None:
    """Raise 403 unless the token holds one of the scopes the requested endpoint needs (unknown routes: 404 later)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is None:
        return
    needed = required_scopes(view, request.method)
    if not principal.may(needed):
        if not needed:
            raise ApiError(403, "forbidden", "no API token may do this; a person does it on the console", None)
        raise ApiError(403, "forbidden", f"this token's scopes do not allow this; it needs one of: "
                       f"{', '.join(sorted(needed))}", None)


def scope(*needed: str):
    """Return a decorator stating which token scopes open the view (one of them suffices); none: no token may.

    Place it directly under the route decorator. It replaces the default for tokens (app/auth/scopes.py);
    console users are still checked by @roles.
    """
    unknown = set(needed) - set(TOKEN_SCOPES)
    if unknown:
        raise ValueError(f"unknown token scopes: {', '.join(sorted(unknown))}")

    def decorator(view):
        setattr(view, SCOPES_ATTRIBUTE, frozenset(needed))
        return view

    return decorator


def require_signature_if_configured() -> None:
    """Raise 401 when the calling token has signing secrets and the request signature is not valid."""
    secrets_ = getattr(g.principal, "signing_secrets", None)
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
    """Return a decorator that lets only users with one of the allowed roles (or admins) through.

    Tokens were checked against their scopes before the view (check_token_scope); 'service' among the roles
    keeps the endpoint open to tokens with the default scopes (app/auth/scopes.py).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if is_token(g.principal):
                return view(*args, **kwargs)
            if g.principal.role not in allowed and g.principal.role != "admin":
                raise ApiError(403, "forbidden", f"this needs one of the roles: {', '.join(allowed)}")
            return view(*args, **kwargs)

        setattr(wrapped, ROLES_ATTRIBUTE, frozenset(allowed))
        return wrapped

    return decorator


def json_body(optional: bool = False) -> dict:
    """Return the request's JSON object, or raise 400 naming the body as the bad field (too_deep past 32 levels).

    optional: an action whose every field is optional takes no body at all (none sent, or an empty one) as {};
    a body that is there but not a JSON object is still refused. The depth check runs here too, not only before
    API blueprints: a public route outside them (the survey answers) must not answer a body of a thousand nested
    brackets with the parser's RecursionError, a 500.
    """
    if optional and not request.get_data(cache=True):
        return {}
    validation.check_json_depth(request)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object", "body")
    return data


def is_token(principal) -> bool:
    """Return True when principal is an API token rather than a console user."""
    return isinstance(principal, TokenPrincipal)


def sees_pii() -> bool:
    """Return True when the current principal may see buyer contact data in full."""
    return bool(getattr(g.principal, "sees_pii", False))
