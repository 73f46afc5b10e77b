"""flask CLI commands: users, tokens and the reservation sweep here; each domain's own commands registered with them."""
from __future__ import annotations

import sys

import click
from flask import Flask

from analytics.cli import register_analytics_commands
from app.auth import tokens, users
from app.auth.cli import register_user_commands
from app.auth.models import ROLES, TOKEN_SCOPES
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


def _scope_list(_ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """Return the scopes of every --scope given, each possibly a comma-separated list; refuse an unknown one."""
    scopes = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    unknown = [scope for scope in scopes if scope not in TOKEN_SCOPES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} is not one of {', '.join(TOKEN_SCOPES)}", param=param)
    return scopes

def register(app: Flask) -> None:
    """Attach the LiveDesk commands to app.cli."""

    @app.cli.command("create-user")
    @click.argument("name")
    @click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
    def create_user(name: str, role: str) -> None:
        """Create a console user; the password comes from a prompt or stdin (the password policy applies)."""
        if users.find_user(db.session, name):
            raise click.ClickException(f"user {name!r} exists already")
        try:
            users.create_user(db.session, name, role, _read_password())
        except users.UserActionError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"created {role} {name}")

    @app.cli.command("create-token")
    @click.argument("name")
    @click.option("--signing-secret", "signing_secrets", multiple=True,
                  help="Require X-LiveDesk-Signature made with this secret (repeat to accept several while rotating).")
    @click.option("--scope", "scopes", multiple=True, callback=_scope_list,
                  help=f"What the token may do: {'|'.join(TOKEN_SCOPES)} (repeat, or separate with commas, for "
                       "several); none given: ingest and display.")
    def create_token(name: str, signing_secrets: tuple[str, ...], scopes: tuple[str, ...]) -> None:
        """Create an API token for a platform adapter, wall display or script; the token is the last line printed."""
        if tokens.token_named(db.session, name):
            raise click.ClickException(f"a token named {name!r} exists already")
        raw = tokens.issue_token(db.session, name, list(signing_secrets), list(scopes))
        db.session.commit()
        click.echo(f"token {name} created with scopes {', '.join(tokens.normalized_scopes(scopes))}; "
                   "it is shown once:")
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
