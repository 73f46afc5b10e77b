"""Login (throttled, failures logged), logout, and the user's own settings: language, password, sessions."""
from __future__ import annotations

import logging
import re
import time

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.auth.models import User
from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verify_password
from app.auth.sessions import session_is_current, start_session
from app.auth.throttle import login_throttle
from app.auth.users import UserActionError, change_own_password, has_users, log_out_everywhere
from app.extensions import db, login_manager

bp = Blueprint("auth", __name__)
# Failed logins and lockouts, with the username tried and the client address (docs/security.md).
log = logging.getLogger("livedesk.auth")

HOME_BY_ROLE = {"host": "live.index", "auditor": "live.index", "moderator": "live.index",
                "analyst": "live.index", "admin": "live.index", "aftersales": "aftersales_pages.queue_page"}


ROLE_LABELS = {"admin": _l("Administrator"), "host": _l("Host"), "moderator": _l("Moderator"),
               "auditor": _l("Auditor"), "analyst": _l("Analyst"), "aftersales": _l("After-sales agent")}


@bp.app_context_processor
def role_labels() -> dict:
    """Give templates the translated role names."""
    return {"role_labels": ROLE_LABELS}


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class PasswordForm(FlaskForm):
    """The user's current password and the new one (the policy of app/auth/passwords.py applies)."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    change = SubmitField(_l("Change password"))


class LanguageForm(FlaskForm):
    """The user's UI language."""

    locale = SelectField(_l("Language"), choices=[SelectChoice("en", "English"), SelectChoice("zh_CN", "简体中文")])
    submit = SubmitField(_l("Save"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the logged-in user from the session cookie's id, or None once that session was ended or the user disabled."""
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 18):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and session_is_current(user) else None


# A local path: one "/" then anything but a second "/" or "\" (browsers read "//x", "/\x" and "////x" as
# another host), and no backslash, whitespace or control character anywhere (browsers drop tabs and newlines,
# turning "/\t/x" into "//x").
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


@login_manager.unauthorized_handler
def ask_to_log_in():
    """Send a page request without a live session to the login form, and back to that page once logged in.

    A session ended elsewhere (a logout everywhere, a role or password change, a disabled account) is said so. A
    form posted after its session ended goes back to the page it was posted from, never to its own address,
    which a browser would then GET (405).
    """
    ended = bool(session.get("_user_id"))
    flash(_l("Your session has ended (logged out elsewhere, or your account was changed). Log in again.") if ended
          else _l("Log in to open this page."), "info")
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        referrer = request.referrer or ""
        own = request.host_url.rstrip("/")
        target = referrer[len(own):] if referrer.startswith(own + "/") else None
    return redirect(url_for("auth.login", next=_safe_next(target)))


def _safe_next(target: str | None) -> str | None:
    """Return target when it is a path on this site (no open redirects), else None."""
    return target if target and _LOCAL_PATH.fullmatch(target) else None


def _find_user(username: str) -> User | None:
    """Return the user named username, or None (a name with control characters, NUL included, names nobody)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in username):
        return None
    return db.session.scalar(sa.select(User).where(User.username == username))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on valid credentials start a session and go to the user's home page."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    form = LoginForm()
    if form.validate_on_submit():
        username, address, now = form.username.data, request.remote_addr or "", time.monotonic()
        throttle = login_throttle()
        wait = throttle.retry_after(username, address, now)
        if wait:
            log.warning("login refused (locked out) for %r from %s: retry in %s s", username, address, wait)
            flash(_l("Too many failed logins. Try again in %(seconds)s seconds.", seconds=wait) if wait < 120 else
                  _l("Too many failed logins. Try again in %(minutes)s minutes.", minutes=-(-wait // 60)), "error")
            return render_template("auth/login.html", form=form, retry_after=wait), 429, {"Retry-After": str(wait)}
        user = _find_user(username)
        # The password is checked even for an unknown user (against a dummy hash) so timing reveals nothing.
        right = verify_password(user.password_hash if user else None, form.password.data)
        if right and not user.is_active:  # only someone who knows the password learns that the account is disabled
            log.info("login of disabled user %r from %s", username, address)
            flash(_l("This account is disabled. Ask an admin to enable it."), "error")
            return render_template("auth/login.html", form=form), 401
        if not right:
            throttle.failed(username, address, now)
            log.info("failed login for %r from %s", username, address)
            locked = throttle.retry_after(username, address, now)
            if locked:
                log.warning("login locked out for %r from %s for %s s", username, address, locked)
            flash(_l("Wrong username or password."), "error")
            return render_template("auth/login.html", form=form), 401
        throttle.succeeded(username)
        target = _safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role])
        start_session(user)
        return redirect(target)
    return render_template("auth/login.html", form=form, first_run=not has_users(db.session))


@bp.post("/logout")
@login_required
def logout():
    """End every session and socket of the user (on every device), then show the login page."""
    log_out_everywhere(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Let the user choose the UI language (the page also offers a password change and logging out everywhere)."""
    form = LanguageForm(locale=current_user.locale or "en")
    if form.validate_on_submit():
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_l("Settings saved."), "info")
        return redirect(url_for("auth.settings"))
    return _settings_page(form, PasswordForm(formdata=None))


def _settings_page(language: LanguageForm, password: PasswordForm, status: int = 200):
    """Return the settings page with its forms."""
    return render_template("auth/settings.html", form=language, password_form=password,
                           min_length=MIN_PASSWORD_LENGTH), status


@bp.post("/settings/password")
@login_required
def change_password():
    """Change the user's own password; every session ends, so they log in again with the new one."""
    form = PasswordForm()
    language = LanguageForm(formdata=None, locale=current_user.locale or "en")
    if not form.validate_on_submit():
        return _settings_page(language, form, 400)
    try:
        change_own_password(db.session, current_user._get_current_object(), form.current_password.data,
                            form.new_password.data)
    except UserActionError as error:
        db.session.rollback()
        field = form.current_password if error.field == "current_password" else form.new_password
        field.errors = [*field.errors, _password_message(error)]
        return _settings_page(language, form, 400)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_l("Your password was changed. Log in with the new one."), "info")
    return redirect(url_for("auth.login"))


def _password_message(error: UserActionError) -> str:
    """Return the translated sentence for a refused password change."""
    if error.field == "current_password":
        return str(_l("The current password is not right."))
    return str(password_refusal(error.code))


def password_refusal(code: str):
    """Return the translated sentence of a password policy refusal (a code of app.auth.passwords.PASSWORD_PROBLEMS)."""
    return {
        "password_too_short": _l("The password needs at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
        "password_common": _l("This password is on the list of common passwords; choose another."),
        "password_has_username": _l("The password may not contain the username."),
        "password_invalid_characters": _l("The password contains characters that cannot be stored."),
    }.get(code, _l("The password is too long."))
