"""/api/v1/tokens: list, create (value shown once), revoke API tokens and rotate their signing secrets (admins)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from app.auth import tokens
from app.auth.api.blueprint import bp
from app.auth.models import LEGACY_SCOPES, ApiToken
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation


def _token_or_404(name: str):
    """Return the token called name, or raise 404 naming it."""
    token = tokens.token_named(db.session, name) if len(name) <= tokens.MAX_NAME else None
    if token is None:
        raise ApiError(404, "not_found", f"no token {name!r}", "name")
    return token


def _scopes(data: dict) -> list[str]:
    """Return the body's scopes: absent, the legacy ingest and display (as create-token); else 1 to 6 known names."""
    if "scopes" not in data:
        return list(LEGACY_SCOPES)
    scopes = data["scopes"]
    # An explicit [] or null stays an error: "no scopes" written out is more likely a mistake than a wish for the default.
    if not isinstance(scopes, list) or not 1 <= len(scopes) <= len(tokens.TOKEN_SCOPES) \
            or not all(isinstance(s, str) for s in scopes):
        raise ApiError(400, "invalid_value", f"scopes must be a list of some of: {', '.join(tokens.TOKEN_SCOPES)}",
                       "scopes")
    return tokens.normalized_scopes(scopes)


@bp.get("/tokens")
@api.roles("admin")
def list_tokens():
    """List every token, revoked ones too (never their values; signing secrets by id only)."""
    rows = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.name))
    return jsonify({"tokens": [tokens.token_to_dict(t) for t in rows]})


@bp.post("/tokens")
@api.roles("admin")
def create_token():
    """Create a token with scopes; its value (and a signing secret, when asked) is in this answer only."""
    data = api.json_body()
    # A misspelt "scope" must not fall back to the default scopes, which can write.
    validation.refuse_unknown_fields(data, ("name", "scopes", "signing_secret"))
    name = data.get("name")
    scopes = _scopes(data)
    with_secret = data.get("signing_secret", False)
    if not isinstance(with_secret, bool):
        raise ApiError(400, "invalid_value", "signing_secret must be true or false", "signing_secret")
    raw = tokens.create_token(db.session, name, scopes)
    token = tokens.token_named(db.session, name)
    secret = tokens.add_signing_secret(token) if with_secret else None
    db.session.flush()
    body = tokens.token_to_dict(token) | {"token": raw}
    if secret:
        body["signing_secret"] = secret
    db.session.commit()
    return jsonify(body), 201


@bp.delete("/tokens/<name>")
@api.roles("admin")
def revoke_token(name: str):
    """Revoke a token: from now on its value authenticates nothing."""
    token = tokens.revoke_token(_token_or_404(name))
    body = tokens.token_to_dict(token)
    db.session.commit()
    return jsonify(body)


@bp.post("/tokens/<name>/signing-secrets")
@api.roles("admin")
def add_signing_secret(name: str):
    """Add a signing secret (shown once); the old ones stay valid until removed, so senders can switch over."""
    token = _token_or_404(name)
    secret = tokens.add_signing_secret(token)
    # "signing_secret" is the name POST /tokens answers with; "secret" stays for the scripts written against it.
    body = {"id": tokens.secret_fingerprint(secret), "secret": secret, "signing_secret": secret,
            "token": tokens.token_to_dict(token)}
    db.session.commit()
    return jsonify(body), 201


@bp.delete("/tokens/<name>/signing-secrets/<secret_id>")
@api.roles("admin")
def remove_signing_secret(name: str, secret_id: str):
    """Remove one signing secret by its id; signatures made with it fail from now on."""
    token = tokens.remove_signing_secret(_token_or_404(name), secret_id)
    body = tokens.token_to_dict(token)
    db.session.commit()
    return jsonify(body)
