"""flask commands of the live domain: `replay`, the import of a JSONL file of platform events."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import IO, Iterator

import click
from flask import Flask

from app import realtime
from app.client import DEMO_TOKEN_NAME, MAX_PROBLEMS_SHOWN, ApiClient, client_options, read_token, result_counts
from app.db.transactions import run_with_retry
from app.extensions import db
from live.ingest import ingest_events
from live.models import Broadcast


def _note(stats: Counter, problems: list[str], kind: str, message: str) -> None:
    """Count a problem of kind, keeping the first few messages to show."""
    stats[kind] += 1
    if len(problems) < MAX_PROBLEMS_SHOWN:
        problems.append(message)


def _lines(handle: IO[bytes], bar, stats: Counter, problems: list[str]) -> Iterator[tuple[int, object] | None]:
    """Yield (line number, parsed JSON) of each non-blank line, then None; malformed lines are noted and skipped."""
    for number, raw in enumerate(handle, 1):
        bar.update(len(raw))
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError alike
            _note(stats, problems, "malformed", f"line {number}: malformed ({error}), skipped")
    yield None


def _ingest_direct(broadcast_id: int, source: str, events: list) -> list[dict]:
    """Return the ingestion results of one batch, committed with its pushes (the same path as the HTTP API)."""

    def work() -> list[dict]:
        # An operator's replay of a recording: its events may be weeks old (the API's window would refuse them).
        results = ingest_events(db.session, db.session.get(Broadcast, broadcast_id), source, events, recorded=True)
        realtime.commit(db.session)
        return results

    return run_with_retry(work)


def register_live_commands(app: Flask) -> None:
    """Attach replay to app.cli."""

    @app.cli.command("replay")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--broadcast", "broadcast_id", type=int, required=True, help="Broadcast the events belong to.")
    @click.option("--batch", type=click.IntRange(1, 1000), default=500, show_default=True)
    @click.option("--direct/--http", default=True, show_default=True,
                  help="Ingest in this process through the ingestion service, or POST to --url.")
    @click.option("--source", default="replay", show_default=True,
                  help="(--direct) the source events are deduplicated under; use the token name they first came "
                       f"through (e.g. {DEMO_TOKEN_NAME}) to skip those.")
    @client_options
    def replay(file: Path, broadcast_id: int, batch: int, direct: bool, source: str, url: str, token: str | None,
               token_file: Path | None, signing_secret: str | None) -> None:
        """Ingest a JSONL file of events (one per line); running it again only reports duplicates."""
        try:
            size, handle = file.stat().st_size, file.open("rb")
        except OSError as error:
            raise click.ClickException(f"cannot read {file}: {error.strerror}") from None
        if direct:
            if db.session.get(Broadcast, broadcast_id) is None:
                raise click.ClickException(f"no broadcast {broadcast_id}")
            send = lambda events: _ingest_direct(broadcast_id, source, events)  # noqa: E731
        else:
            client = ApiClient(url, read_token(token, token_file), signing_secret)
            path = f"/api/v1/broadcasts/{broadcast_id}/events"
            send = lambda events: client.call("POST", path, {"events": events})["results"]  # noqa: E731
        stats, problems = Counter(), []
        with handle, click.progressbar(length=size, label=f"replaying {file.name}",
                                       item_show_func=lambda s: result_counts(s) if s else None) as bar:
            chunk: list[tuple[int, object]] = []
            for item in _lines(handle, bar, stats, problems):
                if item is not None:
                    chunk.append(item)
                if chunk and (item is None or len(chunk) >= batch):
                    for (number, _), result in zip(chunk, send([event for _, event in chunk])):
                        if result["status"] == "rejected":
                            error = result["error"]
                            _note(stats, problems, "rejected", f"line {number}: rejected, {error['code']} "
                                                               f"({error.get('field')}): {error['message']}")
                        else:
                            stats[result["status"]] += 1
                    chunk.clear()
                    bar.update(0, stats)
        for problem in problems:
            click.echo(problem, err=True)
        if stats["malformed"] + stats["rejected"] > len(problems):
            click.echo(f"... and {stats['malformed'] + stats['rejected'] - len(problems)} more", err=True)
        click.echo(f"replayed {file}: {result_counts(stats)}  malformed {stats['malformed']}")
