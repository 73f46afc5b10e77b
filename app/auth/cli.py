"""flask CLI commands that change a console user: role, password, disabling, logging out everywhere.

Each calls one action of app.auth.users, which ends the user's sessions and sockets, and commits. Sockets
on a running server are closed at once when SOCKETIO_MESSAGE_QUEUE is set, else by the server's periodic
session check (live/socket.py) within a few seconds.
"""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import Flask

from app.auth import users
from app.auth.models import ROLES, User
from app.extensions import db


def _user(name: str) -> User:
    """Return the user called name, or stop the command with an error."""
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if user is None:
        raise click.ClickException(f"no user {name!r}")
    return user


def _apply(action, *args) -> None:
    """Run one user action and commit, or stop the command with the action's reason."""
    try:
        action(db.session, *args)
    except users.UserActionError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()


def register_user_commands(app: Flask) -> None:
    """Attach set-role, set-password, disable-user, enable-user and log-out-user to app.cli."""

    @app.cli.command("set-role")
    @click.argument("name")
    @click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do from now on.")
    def set_role(name: str, role: str) -> None:
        """Change a user's role; their open sessions and sockets end."""
        _apply(users.change_role, _user(name), role)
        click.echo(f"{name} is now {role}; their sessions were ended")

    @app.cli.command("set-password")
    @click.argument("name")
    def set_password(name: str) -> None:
        """Set a user's password from a prompt or stdin; their open sessions and sockets end."""
        user = _user(name)
        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\n")
        _apply(users.set_password, user, password)
        click.echo(f"password of {name} changed; their sessions were ended")

    for command in _SIMPLE_COMMANDS:
        _register_simple(app, *command)


# (command, action of app.auth.users, help, what it says when done): each takes only the user's name.
_SIMPLE_COMMANDS = (
    ("disable-user", users.disable_user, "Stop a user from logging in; their open sessions and sockets end.",
     "{name} is disabled; their sessions were ended"),
    ("enable-user", users.enable_user, "Let a disabled user log in again.", "{name} may log in again"),
    ("log-out-user", users.log_out_everywhere, "End every session and socket of a user (e.g. a lost laptop).",
     "every session of {name} was ended"),
)


def _register_simple(app: Flask, command: str, action, help_text: str, done: str) -> None:
    """Attach one command that applies action to the user named on the command line."""

    @app.cli.command(command, help=help_text)
    @click.argument("name")
    def run(name: str) -> None:
        """Apply the action to the named user and say what was done."""
        _apply(action, _user(name))
        click.echo(done.format(name=name))
