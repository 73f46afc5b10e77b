"""/api/v1/users: list and create console users, change a role, disable or enable, reset a password (admins)."""
from __future__ import annotations

from flask import g, jsonify

from app.auth import links, users
from app.auth.api.blueprint import bp
from app.auth.models import ROLES
from app.auth.passwords import MAX_PASSWORD_LENGTH
from app.errors import ApiError
from app.extensions import db
from app.http import api


def _user_or_404(username: str):
    """Return the user called username, or raise 404 naming it."""
    user = users.find_user(db.session, username) if len(username) <= 64 else None
    if user is None:
        raise ApiError(404, "not_found", f"no user {username!r}", "username")
    return user


def _role(data: dict, required: bool) -> str | None:
    """Return the body's role, or raise 400 when it is not one of ROLES."""
    role = data.get("role")
    if role is None and not required:
        return None
    if role not in ROLES:
        raise ApiError(400, "invalid_value", f"role must be one of {', '.join(ROLES)}", "role")
    return role


def _with_link(user, body: dict) -> dict:
    """Return body with a one-time set-password link for user and its expiry."""
    url, expires_at = links.make_link(user)
    return body | {"set_password_url": url, "set_password_expires_at": expires_at.isoformat()}


@bp.get("/users")
@api.roles("admin")
def list_users():
    """List every console user, by username."""
    return jsonify({"users": [users.user_to_dict(u) for u in users.list_users(db.session)]})


@bp.post("/users")
@api.roles("admin")
def create_user():
    """Create a user with a password, or (no password) answer a one-time link for them to choose one."""
    data = api.json_body()
    username = data.get("username")
    role = _role(data, required=True)
    password = data.get("password")
    if password is not None and (not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH):
        raise ApiError(400, "invalid_value", f"password must be a string of at most {MAX_PASSWORD_LENGTH} characters",
                       "password")
    user = users.create_user(db.session, username, role, password)
    body = users.user_to_dict(user)
    if password is None:
        body = _with_link(user, body)
    db.session.commit()
    return jsonify(body), 201


@bp.patch("/users/<username>")
@api.roles("admin")
def update_user(username: str):
    """Change a user's role and/or disable or enable them; a change ends their sessions and sockets at once."""
    data = api.json_body()
    unknown = sorted(set(data) - {"role", "disabled"})
    if unknown:
        raise ApiError(400, "unknown_field", f"{unknown[0][:64]} is not a field here; send role and/or disabled",
                       unknown[0][:100])
    if data.get("role") is None and data.get("disabled") is None:
        raise ApiError(400, "missing_field", "send role and/or disabled", "body")
    role = _role(data, required=False)
    disabled = data.get("disabled")
    if disabled is not None and not isinstance(disabled, bool):
        raise ApiError(400, "invalid_value", "disabled must be true or false", "disabled")
    user = _user_or_404(username)
    if role is not None or disabled is True:
        users.refuse_own_account(g.principal, user)
    if role is not None:
        users.change_role(db.session, user, role)
    if disabled is True:
        users.disable_user(db.session, user)
    elif disabled is False:
        users.enable_user(db.session, user)
    body = users.user_to_dict(user)
    db.session.commit()
    return jsonify(body)


@bp.post("/users/<username>/reset-password")
@api.roles("admin")
def reset_password(username: str):
    """End the user's password and sessions now; answer a one-time link for them to choose a new password."""
    user = _user_or_404(username)
    users.refuse_own_account(g.principal, user)
    users.reset_password(db.session, user)
    db.session.flush()
    body = _with_link(user, users.user_to_dict(user))
    db.session.commit()
    return jsonify(body)
