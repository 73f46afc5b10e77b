"""Pages reached without an account: the first admin of a fresh install, and a one-time set-password link."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth import links, users
from app.auth.pages import password_refusal
from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.auth.sessions import start_session
from app.extensions import db

bp = Blueprint("onboarding", __name__)
log = logging.getLogger("livedesk.auth")


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    submit = SubmitField(_l("Set password"))


class FirstAdminForm(NewPasswordForm):
    """The first administrator's name and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Create administrator"))


def _refused(form: FlaskForm, error: users.UserActionError) -> None:
    """Attach a refused action's translated reason to the form field it names."""
    if error.field == "username":
        form.username.errors = [*form.username.errors, _l("Choose another username: 1 to 64 letters, digits or . _ @ - "
                                                          "that nobody uses yet.")]
    else:
        form.password.errors = [*form.password.errors, password_refusal(error.code)]


@bp.route("/setup", methods=["GET", "POST"])
def first_admin():
    """On a fresh install (no user at all), create the first administrator and log them in; afterwards 404."""
    if users.has_users(db.session):
        abort(404)
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            user = users.create_user(db.session, form.username.data, "admin", form.password.data)
        except users.UserActionError as error:
            db.session.rollback()
            _refused(form, error)
        else:
            db.session.commit()
            log.warning("first administrator %r created through /setup", user.username)
            start_session(user)
            flash(_l("Welcome. Add your team on the Users page."), "info")
            return redirect(url_for("accounts.users_page"))
    return render_template("auth/first_admin.html", form=form, min_length=MIN_PASSWORD_LENGTH), \
        400 if form.errors else 200


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Let the user a one-time link was made for choose a password (the link dies once used or expired)."""
    user = links.user_of_link(db.session, token)
    if user is None:
        return render_template("auth/set_password.html", form=None), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            users.set_password(db.session, user, form.password.data)
        except users.UserActionError as error:
            db.session.rollback()
            form.password.errors = [*form.password.errors, password_refusal(error.code)]
        else:
            db.session.commit()
            flash(_l("Your password is set. Log in with it."), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, username=user.username,
                           min_length=MIN_PASSWORD_LENGTH), 400 if form.errors else 200
