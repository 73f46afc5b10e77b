"""The admins' pages: Users (create, role, disable/enable, reset password) and Tokens (create, revoke, rotate secrets).

Each form posts to one route that calls one action of app.auth.users or app.auth.tokens (the same the API
calls) and commits. A token value, signing secret or set-password link is shown once, in the answer to the
post that made it, and never stored in the clear (the secret is, to check signatures, but never shown again).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth import links, tokens, users
from app.auth.models import ROLES, TOKEN_SCOPES, ApiToken
from app.auth.pages import password_refusal
from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.extensions import db
from app.http.pages import page_roles

bp = Blueprint("accounts", __name__)

SCOPE_NAMES = {"ingest": _l("Ingest"), "display": _l("Display"), "moderation": _l("Moderation"),
               "backoffice": _l("Back office"), "analytics": _l("Analytics"), "aftersales": _l("After-sales")}
SCOPE_LABELS = {
    "ingest": _l("Ingest: send events, create products and broadcasts"),
    "display": _l("Display: read broadcasts, orders (masked) and live pushes"),
    "moderation": _l("Moderation: terms, the check, chat actions, viewers and the log"),
    "backoffice": _l("Back office: audit queue, order decisions, edits and claims"),
    # Report files (CSV, HTML) are console pages: a person downloads them; a token reads the same figures as JSON.
    "analytics": _l("Analytics: read a broadcast's metrics and interactions (JSON)"),
    "aftersales": _l("After-sales: shipments and tracking, after-sales cases and refunds, complaints, customers"),
}
MESSAGES = {
    "name_taken": _l("That name is taken already."),
    "last_admin": _l("This is the last enabled administrator; make another one first."),
    "invalid_state": _l("The token is revoked."),
    "too_many_secrets": _l("A token has at most 5 signing secrets; remove an old one first."),
    "not_found": _l("Nothing by that name."),
    "own_account": _l("Not on your own account: use Settings to change your password or sessions."),
}


def _reason(error: users.UserActionError | tokens.TokenActionError):
    """Return the translated sentence of a refused action."""
    if error.code.startswith("password_"):
        return password_refusal(error.code)
    if error.field == "username":
        return MESSAGES.get(error.code, _l("Usernames are 1 to 64 letters, digits or . _ @ -."))
    if error.field == "name":
        return MESSAGES.get(error.code, _l("Token names are 1 to 64 letters, digits or . _ : @ -."))
    if error.field == "role":
        return _l("Choose a role.")
    return MESSAGES.get(error.code, _l("That value is not allowed."))


def _users_page(status: int = 200, shown_once: dict | None = None, new_user: dict | None = None,
                errors: dict | None = None):
    """Return the users page, with a link to hand over once when one was just made; a refused new user's values
    (never the password) and each field's error go back into the form."""
    return render_template("auth/users.html", users=users.list_users(db.session), roles=ROLES,
                           shown_once=shown_once, min_length=MIN_PASSWORD_LENGTH, new_user=new_user or {},
                           errors=errors or {}), status


def _link_for(user, what) -> dict:
    """Return the one-time set-password link of user as the page shows it once."""
    url, expires_at = links.make_link(user)
    return {"label": what, "value": url, "expires_at": expires_at, "username": user.username}


@bp.get("/users")
@page_roles("admin")
def users_page():
    """List every user with their role and state, and the form to add one."""
    return _users_page()


@bp.post("/users")
@page_roles("admin")
def create_user():
    """Create a user with an initial password, or with a one-time link for them to choose one; a refusal names
    every field that is wrong, each next to its input."""
    mode = "password" if request.form.get("mode") == "password" else "link"
    password = request.form.get("password", "") if mode == "password" else None
    username, role = request.form.get("username", "").strip(), request.form.get("role", "")
    typed = {"username": username, "role": role, "mode": mode}
    problems = users.new_user_problems(db.session, username, role, password)
    if problems:
        flash(_l("The user was not added: see the form."), "error")
        return _users_page(400, new_user=typed, errors={problem.field: _reason(problem) for problem in problems})
    user = users.create_user(db.session, username, role, password)
    shown = None if password else _link_for(user, _l("Set-password link for %(name)s", name=user.username))
    db.session.commit()
    flash(_l("User %(name)s created.", name=user.username), "info")
    return _users_page(201, shown)


def _apply(username: str, action, *args):
    """Run one user action on the user called username and commit; flash the outcome; return the user or None."""
    user = users.find_user(db.session, username)
    if user is None:
        flash(MESSAGES["not_found"], "error")
        return None
    try:
        users.refuse_own_account(current_user, user)
        action(db.session, user, *args)
    except users.UserActionError as error:
        db.session.rollback()
        flash(_reason(error), "error")
        return None
    db.session.commit()
    return user


@bp.post("/users/<username>/role")
@page_roles("admin")
def change_role(username: str):
    """Give a user another role; their sessions and sockets end at once. The role they have already changes
    nothing, and the page says so rather than claim their sessions ended."""
    role = request.form.get("role", "")
    user = users.find_user(db.session, username)
    unchanged = user is not None and user.role == role
    if _apply(username, users.change_role, role):
        flash(_l("%(name)s already has that role.", name=username) if unchanged
              else _l("%(name)s now has the new role; their sessions were ended.", name=username), "info")
    return redirect(url_for("accounts.users_page"))


@bp.post("/users/<username>/disabled")
@page_roles("admin")
def set_disabled(username: str):
    """Disable a user (sessions and sockets end at once) or enable them again."""
    disable = request.form.get("disabled") == "1"
    if _apply(username, users.disable_user if disable else users.enable_user):
        flash(_l("%(name)s is disabled; their sessions were ended.", name=username) if disable
              else _l("%(name)s may log in again.", name=username), "info")
    return redirect(url_for("accounts.users_page"))


@bp.post("/users/<username>/reset-password")
@page_roles("admin")
def reset_password(username: str):
    """End a user's password and sessions; show a one-time link for them to choose a new password."""
    user = _apply(username, users.reset_password)
    if user is None:
        return redirect(url_for("accounts.users_page"))
    return _users_page(200, _link_for(user, _l("Set-password link for %(name)s", name=username)))


def _tokens_page(status: int = 200, shown_once: dict | None = None, new_token: dict | None = None,
                 errors: dict | None = None):
    """Return the tokens page, with a token value or signing secret to copy once when one was just made; a refused
    new token's name and choices go back into the form, with each field's error next to it."""
    rows = db.session.scalars(db.select(ApiToken).order_by(ApiToken.revoked_at.isnot(None), ApiToken.name))
    return render_template("auth/tokens.html", tokens=list(rows), scopes=TOKEN_SCOPES, scope_labels=SCOPE_LABELS,
                           scope_names=SCOPE_NAMES, fingerprint=tokens.secret_fingerprint, shown_once=shown_once,
                           new_token=new_token or {}, errors=errors or {}), status


@bp.get("/tokens")
@page_roles("admin")
def tokens_page():
    """List every token with its scopes, last use and signing secrets, and the form to create one."""
    return _tokens_page()


@bp.post("/tokens")
@page_roles("admin")
def create_token():
    """Create a token with the chosen scopes (and a signing secret when asked); show its value once. A refusal
    names every field that is wrong, each next to its input, and keeps what was typed and ticked."""
    name, scopes = request.form.get("name", "").strip(), request.form.getlist("scopes")
    typed = {"name": name, "scopes": scopes, "signing_secret": bool(request.form.get("signing_secret"))}
    errors = {} if scopes else {"scopes": _l("Choose at least one scope.")}
    try:
        # Tried even with no scope ticked (it would give the default ones), so a bad name shows at the same
        # time; nothing is written unless the whole form is accepted.
        raw = tokens.create_token(db.session, name, scopes)
        secret = tokens.add_signing_secret(tokens.token_named(db.session, name)) \
            if typed["signing_secret"] and not errors else None
    except tokens.TokenActionError as error:
        errors = {error.field if error.field in ("name", "scopes") else "name": _reason(error)} | errors
    if errors:
        db.session.rollback()
        flash(_l("The token was not created: see the form."), "error")
        return _tokens_page(400, new_token=typed, errors=errors)
    db.session.commit()
    shown = {"label": _l("Token %(name)s", name=name), "value": raw, "secret": secret}
    return _tokens_page(201, shown)


def _token_action(name: str, action, *args):
    """Run one token action on the token called name and commit; return its result, or None after flashing why not."""
    token = tokens.token_named(db.session, name)
    if token is None:
        flash(MESSAGES["not_found"], "error")
        return None
    try:
        result = action(token, *args)
    except tokens.TokenActionError as error:
        db.session.rollback()
        flash(_reason(error), "error")
        return None
    db.session.commit()
    return result


@bp.post("/tokens/<name>/revoke")
@page_roles("admin")
def revoke_token(name: str):
    """Revoke a token: its value authenticates nothing from now on."""
    if _token_action(name, tokens.revoke_token):
        flash(_l("Token %(name)s revoked.", name=name), "info")
    return redirect(url_for("accounts.tokens_page"))


@bp.post("/tokens/<name>/signing-secrets")
@page_roles("admin")
def add_signing_secret(name: str):
    """Add a signing secret to a token (the old ones keep working until removed); show it once."""
    secret = _token_action(name, tokens.add_signing_secret)
    if secret is None:
        return redirect(url_for("accounts.tokens_page"))
    return _tokens_page(201, {"label": _l("New signing secret of %(name)s", name=name), "value": secret})


@bp.post("/tokens/<name>/signing-secrets/<secret_id>/remove")
@page_roles("admin")
def remove_signing_secret(name: str, secret_id: str):
    """Remove one signing secret of a token: signatures made with it fail from now on."""
    if _token_action(name, tokens.remove_signing_secret, secret_id):
        flash(_l("Signing secret %(id)s removed.", id=secret_id), "info")
    return redirect(url_for("accounts.tokens_page"))
