"""flask CLI commands: users, tokens and the reservation sweep here; each domain's own commands registered with them."""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import Flask

from analytics.cli import register_analytics_commands
from app.auth.cli import register_user_commands
from app.auth.models import ROLES, ApiToken, User
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from app.auth.tokens import issue_token
from app.db import utcnow
from app.demo.cli import register_demo_commands
from app.extensions import db
from live.cli import register_live_commands
from orders.expiry import BATCH, sweep
from orders.notices.cli import register_notice_commands


def _read_password() -> str:
    """Return a password from a prompt on a terminal, or the first line of stdin otherwise."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


def register(app: Flask) -> None:
    """Attach the LiveDesk commands to app.cli."""

    @app.cli.command("create-user")
    @click.argument("name")
    @click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
    def create_user(name: str, role: str) -> None:
        """Create a console user; the password comes from a prompt or stdin."""
        if db.session.scalar(sa.select(User).where(User.username == name)):
            raise click.ClickException(f"user {name!r} exists already")
        password = _read_password()
        if len(password) < MIN_PASSWORD_LENGTH:
            raise click.ClickException(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        db.session.add(User(username=name, password_hash=hash_password(password), role=role))
        db.session.commit()
        click.echo(f"created {role} {name}")

    @app.cli.command("create-token")
    @click.argument("name")
    @click.option("--signing-secret", "signing_secrets", multiple=True,
                  help="Require X-LiveDesk-Signature made with this secret (repeat to accept several while rotating).")
    def create_token(name: str, signing_secrets: tuple[str, ...]) -> None:
        """Create an API token for a platform adapter or wall display; the token is the last line printed."""
        if db.session.scalar(sa.select(ApiToken).where(ApiToken.name == name)):
            raise click.ClickException(f"a token named {name!r} exists already")
        raw = issue_token(db.session, name, list(signing_secrets))
        db.session.commit()
        click.echo(f"token {name} created; it is shown once:")
        click.echo(raw)

    register_user_commands(app)
    register_demo_commands(app)
    register_live_commands(app)

    @app.cli.command("sweep")
    def sweep_command() -> None:
        """Expire unpaid reservations past their time now (the server also does this every few seconds)."""
        total = 0
        while True:
            expired = sweep(db.session, utcnow())
            total += expired
            if expired < BATCH:
                break
        click.echo(f"expired {total} order(s)")

    register_notice_commands(app)
    register_analytics_commands(app)
