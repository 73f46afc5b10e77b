"""Login, logout and the user's language setting."""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.auth.models import User
from app.auth.passwords import verify_password
from app.extensions import db, login_manager

bp = Blueprint("auth", __name__)

HOME_BY_ROLE = {"host": "live.index", "auditor": "live.index", "moderator": "live.index",
                "analyst": "live.index", "admin": "live.index"}


ROLE_LABELS = {"admin": _l("Administrator"), "host": _l("Host"), "moderator": _l("Moderator"),
               "auditor": _l("Auditor"), "analyst": _l("Analyst")}


@bp.app_context_processor
def role_labels() -> dict:
    """Give templates the translated role names."""
    return {"role_labels": ROLE_LABELS}


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class LanguageForm(FlaskForm):
    """The user's UI language."""

    locale = SelectField(_l("Language"), choices=[SelectChoice("en", "English"), SelectChoice("zh_CN", "简体中文")])
    submit = SubmitField(_l("Save"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the logged-in user from the session cookie's id."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str | None:
    """Return target when it is a path on this site (no open redirects), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on valid credentials start a session and go to the user's home page."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.username == form.username.data))
        if user is None or not verify_password(user.password_hash, form.password.data):
            current_app.logger.info("failed login for %r", form.username.data)
            flash(_l("Wrong username or password."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role]))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session."""
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Let the user choose the UI language."""
    form = LanguageForm(locale=current_user.locale or "en")
    if form.validate_on_submit():
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_l("Settings saved."), "info")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form)
