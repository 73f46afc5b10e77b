"""/api/v1/me: the logged-in user's own account: change the password, log out everywhere (users, not tokens)."""
from __future__ import annotations

from flask import g, jsonify

from app.auth import users
from app.auth.api.blueprint import bp
from app.auth.models import ROLES
from app.auth.passwords import MAX_PASSWORD_LENGTH
from app.errors import ApiError
from app.extensions import db
from app.http import api


def _password(data: dict, key: str) -> str:
    """Return the body's password field, or raise 400 naming it."""
    value = data.get(key)
    if not isinstance(value, str) or not value or len(value) > MAX_PASSWORD_LENGTH:
        raise ApiError(400, "invalid_value", f"{key} must be a string of 1 to {MAX_PASSWORD_LENGTH} characters", key)
    return value


@bp.get("/me")
@api.roles(*ROLES)
def me():
    """Answer who is logged in."""
    return jsonify(users.user_to_dict(g.principal))


@bp.put("/me/password")
@api.roles(*ROLES)
def change_password():
    """Change the caller's password (the current one required); every session ends, this one too."""
    data = api.json_body()
    current, new = _password(data, "current_password"), _password(data, "new_password")
    user = users.change_own_password(db.session, g.principal, current, new)
    body = users.user_to_dict(user)
    db.session.commit()
    return jsonify(body)


@bp.post("/me/log-out-everywhere")
@api.roles(*ROLES)
def log_out_everywhere():
    """End every session and socket of the caller, on every device, this one too."""
    user = users.log_out_everywhere(db.session, g.principal)
    body = users.user_to_dict(user)
    db.session.commit()
    return jsonify(body)
