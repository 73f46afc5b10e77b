"""flask commands of platform adapters: `create-connection` and `adapter-replay` (a seller's dry run or import)."""
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


def register_adapter_commands(app: Flask) -> None:
    """Attach create-connection and adapter-replay to app.cli."""

    @app.cli.command("create-connection")
    @click.argument("name")
    @click.option("--platform", type=click.Choice(PLATFORMS), required=True, help="Where the messages come from.")
    @click.option("--broadcast", "broadcast_id", type=int, required=True, help="Broadcast the events land in.")
    @click.option("--shop-id", help="The seller's shop id on the platform.")
    @click.option("--app-key", help="The platform app's key (commerce platforms).")
    @click.option("--app-secret", help="The platform app's secret (commerce platforms); live-room connections "
                                       "get a made one when left out.")
    @click.option("--zone", help="IANA time zone of the platform's times without offset (default per platform).")
    def create_connection(name: str, platform: str, broadcast_id: int, shop_id: str | None, app_key: str | None,
                          app_secret: str | None, zone: str | None) -> None:
        """Create a platform connection; prints its endpoint, then its secret (shown once)."""
        try:
            row, secret = actions.create_connection(
                db.session, name, platform, broadcast_id, shop_id=shop_id, app_key=app_key, app_secret=app_secret,
                settings={"zone": zone} if zone else {}, actor="cli", now=utcnow())
        except actions.ConnectionRefused as error:
            db.session.rollback()
            raise click.ClickException(f"{error.field}: {error.message}") from None
        db.session.commit()
        click.echo(f"connection {name} ({platform}) feeds broadcast {broadcast_id}")
        click.echo(f"endpoint: POST {actions.endpoint_path(platform, name)}")
        click.echo("secret (shown once; sign requests with it):")
        click.echo(secret)

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

