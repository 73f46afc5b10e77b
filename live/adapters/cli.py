"""flask commands of platform adapters: `create-connection`, `edit-connection` (settings such as a shop's access
token), `rotate-connection-secret`, `switch-connection` (off and on) and `adapter-replay` (a seller's dry run or
import)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask import Flask, current_app

from app.client import MAX_PROBLEMS_SHOWN
from app.db import utcnow
from app.extensions import db
from live.adapters import connections as actions
from live.adapters.base import AdapterError, Connection
from live.adapters.inbox import MAX_BODY, receive
from live.adapters.mapping import storable_message
from live.adapters.registry import PLATFORMS, AdapterUnavailable, adapter_for
from live.adapters.settings import from_text
from live.events import EventError, parse_event, recorded_window

COUNTED = ("accepted", "duplicate", "ignored", "rejected")


def _note(stats: Counter, problems: list[str], message: str) -> None:
    """Count a rejected line or message, keeping the first few messages to show."""
    stats["rejected"] += 1
    if len(problems) < MAX_PROBLEMS_SHOWN:
        problems.append(message)


def _summary(stats: Counter) -> str:
    return "  ".join(f"{name} {stats[name]}" for name in COUNTED)


def _dry_run(module, body: bytes, number: int, seen: set[str], stats: Counter, problems: list[str]) -> None:
    """Split and map one recorded body without storing anything; check each event as ingestion would."""
    view = Connection(name="replay", platform=module.PLATFORM, shop_id=None, broadcast_id=0, app_key=None,
                      secrets=(), settings={})
    try:
        messages = [storable_message(item) for item in module.split({}, body)]  # the ids the inbox would keep
    except (AdapterError, RecursionError) as error:
        _note(stats, problems, f"line {number}: refused, {getattr(error, 'message', 'nested too deep')}")
        return
    for message in messages:
        if message.message_id in seen:
            stats["duplicate"] += 1
            continue
        seen.add(message.message_id)
        try:
            events = module.to_events(message, view, None)
        except Exception as error:  # a commerce platform's detail call needs a connection: say so
            _note(stats, problems, f"line {number}: {message.kind} {message.message_id}: {error}")
            continue
        if not events:
            stats["ignored"] += 1
            continue
        errors = [e for e in (parse_event(event, recorded_window(utcnow())) for event in events)
                  if isinstance(e, EventError)]
        if errors:
            _note(stats, problems, f"line {number}: {message.kind} {message.message_id}: {errors[0].code} "
                                   f"({errors[0].field}): {errors[0].message}")
        else:
            stats["accepted"] += len(events)


def _import(connection, body: bytes, number: int, stats: Counter, problems: list[str]) -> None:
    """Take one recorded body through the connection's real path (no signature), processed at once."""
    delivery = receive(db.session, connection, {}, body, utcnow(), current_app.config, check_signature=False,
                       recorded=True, synchronous=True)
    if delivery.error is not None:
        _note(stats, problems, f"line {number}: refused, {delivery.error['code']}: {delivery.error['message']}")
        return
    stats["duplicate"] += delivery.duplicates
    for outcome in delivery.outcomes:
        if outcome.status == "failed":
            _note(stats, problems, f"line {number}: {outcome.kind} {outcome.message_id}: {outcome.note}")
        elif outcome.status == "ignored":
            stats["ignored"] += 1
        elif outcome.status == "done":
            statuses = Counter(result["status"] for result in outcome.results)
            stats["accepted"] += statuses["accepted"]
            stats["duplicate"] += statuses["duplicate"]
        else:
            _note(stats, problems, f"line {number}: {outcome.kind} {outcome.message_id}: {outcome.note}")


# Options naming the settings a kind needs most (the rest: --setting KEY=VALUE); docs/adapters.md lists them all.
SETTING_OPTIONS = (
    click.option("--access-token", help="Commerce platforms: the shop's OAuth access token (required to fetch "
                                        "orders; never printed back)."),
    click.option("--sign-secret", help="Kuaishou: the app's signSecret (required for its API calls)."),
    click.option("--shop-cipher", help="TikTok Shop: the shop cipher (Get Authorized Shops)."),
    click.option("--api-base-url", help="Commerce platforms: the API's base URL (a sandbox); default production."),
    click.option("--decrypt-contacts/--no-decrypt-contacts", default=None,
                 help="Douyin, Kuaishou: decrypt buyer contacts (default yes; no without the decrypt permission)."),
    click.option("--zone", help="IANA time zone of the platform's times without offset (default per platform)."),
    click.option("--setting", "extra", multiple=True, metavar="KEY=VALUE",
                 help="Any other setting of the connection's kind (repeatable)."),
)


def with_setting_options(command):
    """Return command with SETTING_OPTIONS added."""
    for option in reversed(SETTING_OPTIONS):
        command = option(command)
    return command


def settings_given(platform: str, options: dict) -> dict:
    """Return the settings the setting options name (only those given), typed as the platform's kind reads them."""
    given = {key: value for key, value in options.items()
             if key in ("access_token", "sign_secret", "shop_cipher", "api_base_url", "decrypt_contacts", "zone")
             and value is not None}
    for pair in options.get("extra") or ():
        key, equals, value = pair.partition("=")
        if not equals:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--setting")
        given[key.strip()] = from_text(platform, key.strip(), value)
    return given


def readiness(row) -> str:
    """Return the line saying whether the connection can process messages, or what it lacks."""
    absent = actions.lacking(row)
    if not absent:
        return f"connection {row.name} is ready"
    return (f"connection {row.name} is not ready: it lacks {', '.join(absent)} (its messages wait); give "
            f"{' '.join('--' + key.replace('_', '-') for key in absent)} to flask edit-connection {row.name}")


def _named(name: str):
    """Return the connection called name, or stop the command saying there is none."""
    row = actions.connection_named(db.session, name)
    if row is None:
        raise click.ClickException(f"no connection {name!r}")
    return row


def register_adapter_commands(app: Flask) -> None:
    """Attach the connection commands and adapter-replay to app.cli."""

    @app.cli.command("create-connection")
    @click.argument("name")
    @click.option("--platform", type=click.Choice(PLATFORMS), required=True, help="Where the messages come from.")
    @click.option("--broadcast", "broadcast_id", type=int, required=True, help="Broadcast the events land in.")
    @click.option("--shop-id", help="The seller's shop id on the platform.")
    @click.option("--app-key", help="The platform app's key (commerce platforms).")
    @click.option("--app-secret", help="The platform app's secret (commerce platforms); live-room connections "
                                       "get a made one when left out.")
    @with_setting_options
    def create_connection(name: str, platform: str, broadcast_id: int, shop_id: str | None, app_key: str | None,
                          app_secret: str | None, **options) -> None:
        """Create a platform connection; prints its endpoint, whether it is ready, then its secret (shown once)."""
        try:
            row, secret = actions.create_connection(
                db.session, name, platform, broadcast_id, shop_id=shop_id, app_key=app_key, app_secret=app_secret,
                settings=settings_given(platform, options), actor="cli", now=utcnow())
        except actions.ConnectionRefused as error:
            db.session.rollback()
            raise click.ClickException(f"{error.field}: {error.message}") from None
        db.session.commit()
        click.echo(f"connection {name} ({platform}) feeds broadcast {broadcast_id}")
        click.echo(f"endpoint: POST {actions.endpoint_path(platform, name)}")
        click.echo(readiness(row))
        click.echo("secret (shown once; sign requests with it):")
        click.echo(secret)

    @app.cli.command("edit-connection")
    @click.argument("name")
    @click.option("--broadcast", "broadcast_id", type=int, help="Broadcast the events land in from now on.")
    @click.option("--shop-id", help="The seller's shop id on the platform.")
    @click.option("--app-key", help="The platform app's key (commerce platforms).")
    @with_setting_options
    @click.option("--unset", multiple=True, metavar="KEY", help="Remove a setting (back to its default; repeatable).")
    def edit_connection(name: str, broadcast_id: int | None, shop_id: str | None, app_key: str | None,
                        unset: tuple[str, ...], **options) -> None:
        """Change a connection's broadcast, shop id, app key or settings; prints whether it is ready."""
        row = _named(name)
        settings = settings_given(row.platform, options) | {key: None for key in unset}
        changes = {key: value for key, value in (("broadcast_id", broadcast_id), ("shop_id", shop_id),
                                                 ("app_key", app_key)) if value is not None}
        try:
            actions.edit_connection(db.session, row, changes | ({"settings": settings} if settings else {}))
        except actions.ConnectionRefused as error:
            db.session.rollback()
            raise click.ClickException(f"{error.field}: {error.message}") from None
        db.session.commit()
        click.echo(f"connection {name} ({row.platform}) feeds broadcast {row.broadcast_id}; settings: "
                   f"{', '.join(sorted(row.settings or {})) or 'none'}")
        click.echo(readiness(row))

    @app.cli.command("switch-connection")
    @click.argument("name")
    @click.argument("state", type=click.Choice(["on", "off"]))
    def switch_connection(name: str, state: str) -> None:
        """Switch a connection off (its requests are refused 403 and logged) or on again."""
        row = _named(name)
        actions.set_enabled(row, state == "on", "cli", utcnow())
        db.session.commit()
        click.echo(f"connection {name} is switched {state}")

    @app.cli.command("rotate-connection-secret")
    @click.argument("name")
    @click.option("--secret", help="The platform's new app secret (commerce platforms); live rooms get a made one.")
    @click.option("--drop-previous", is_flag=True, help="The old secret leaked: stop accepting it at once "
                                                         "(otherwise it works 24 more hours).")
    def rotate_connection_secret(name: str, secret: str | None, drop_previous: bool) -> None:
        """Give a connection a new secret; prints it (shown once)."""
        row = _named(name)
        try:
            fresh = actions.rotate_secret(row, utcnow(), secret, keep_previous=not drop_previous)
        except actions.ConnectionRefused as error:
            db.session.rollback()
            raise click.ClickException(f"{error.field}: {error.message}") from None
        db.session.commit()
        kept = "the previous one is no longer accepted" if drop_previous else "the previous one works for 24 hours"
        click.echo(f"connection {name} has a new secret; {kept}. The new secret (shown once):")
        click.echo(fresh)

    @app.cli.command("adapter-replay")
    @click.argument("platform", type=click.Choice(PLATFORMS))
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--connection", "connection_name",
                  help="Store and process through this connection into its broadcast; without it nothing is stored "
                       "(a dry run: each message is mapped and its events checked).")
    def adapter_replay(platform: str, file: Path, connection_name: str | None) -> None:
        """Replay recorded platform requests (JSON lines, one request body per line) through the adapter."""
        try:
            module = adapter_for(platform)
        except AdapterUnavailable as error:
            raise click.ClickException(error.reason) from None
        connection = None
        if connection_name is not None:
            connection = actions.connection_named(db.session, connection_name)
            if connection is None or connection.platform != platform:
                raise click.ClickException(f"no {platform} connection {connection_name!r}")
            if actions.lacking(connection):
                raise click.ClickException(readiness(connection))
        try:
            size, handle = file.stat().st_size, file.open("rb")
        except OSError as error:
            raise click.ClickException(f"cannot read {file}: {error.strerror}") from None
        stats, problems, seen = Counter(), [], set()
        with handle, click.progressbar(length=size, label=f"replaying {file.name}",
                                       item_show_func=lambda s: _summary(s) if s else None) as bar:
            for number, line in enumerate(handle, 1):
                bar.update(len(line), stats)
                body = line.strip()
                if not body:
                    continue
                if len(body) > MAX_BODY:
                    _note(stats, problems, f"line {number}: longer than {MAX_BODY} bytes, skipped")
                elif connection is None:
                    _dry_run(module, body, number, seen, stats, problems)
                else:
                    _import(connection, body, number, stats, problems)
        for problem in problems:
            click.echo(problem, err=True)
        if stats["rejected"] > len(problems):
            click.echo(f"... and {stats['rejected'] - len(problems)} more", err=True)
        mode = f"into connection {connection_name}" if connection is not None else "dry run, nothing stored"
        click.echo(f"replayed {file} ({mode}): {_summary(stats)}")

