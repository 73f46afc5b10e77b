"""Demo commands: seed-demo (catalogue, users, token, broadcast), simulate (traffic over HTTP), replay (JSONL)."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

import click
import requests
from flask import Flask, current_app

from app import realtime
from app.auth.tokens import sign
from app.config import INSTANCE_DIR
from app.demo_data import DEMO_TOKEN_NAME, seed_demo
from app.extensions import db
from app.simulator import TrafficGenerator, lineup_from_snapshot
from app.transactions import run_with_retry
from live.ingest import ingest_events
from live.models import Broadcast

TOKEN_FILE = "demo_token"
WAIT_FOR_SERVER = 30.0
REPORT_EVERY = 5.0
MAX_PROBLEMS_SHOWN = 20


def instance_dir() -> Path:
    """Return the folder for local secrets: app.config["INSTANCE_DIR"] when set, else the one app/config.py uses."""
    return Path(current_app.config.get("INSTANCE_DIR") or INSTANCE_DIR)


def write_secret(path: Path, value: str) -> None:
    """Write value to path readable by its owner only (mode 600 from creation, no window of wider access)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(value + "\n")
    path.chmod(0o600)  # the file may have existed with wider permissions


class ApiClient:
    """Calls the v1 API with a bearer token over one keep-alive connection, waiting for a server still starting."""

    retry_every = 1.0

    def __init__(self, url: str, token: str, signing_secret: str | None = None,
                 stop: threading.Event | None = None, wait: float = WAIT_FOR_SERVER):
        self.url, self.signing_secret, self.wait = url.rstrip("/"), signing_secret, wait
        self.stop = stop or threading.Event()
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """Return the JSON answer; connection errors and 5xx are retried for `wait` seconds, 4xx fail at once."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        deadline = time.monotonic() + self.wait
        while True:
            headers = {} if data is None else {"Content-Type": "application/json"}
            if data is not None and self.signing_secret:
                headers["X-LiveDesk-Signature"] = sign(data, self.signing_secret, int(time.time()))
            try:
                response = self.http.request(method, self.url + path, data=data, headers=headers, timeout=60)
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = f"cannot reach {self.url}: {error.__class__.__name__}"
            else:
                if response.status_code < 500:
                    break
                problem = f"{method} {path} answered {response.status_code}"
            # Events carry ids, so sending a batch again after an unknown outcome is safe.
            if time.monotonic() >= deadline or self.stop.wait(self.retry_every):
                raise click.ClickException(problem)
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                detail = f"{error['code']}: {error['message']}"
            except (ValueError, KeyError, TypeError):
                detail = response.text[:200]
            raise click.ClickException(f"{method} {path} answered {response.status_code} ({detail})")
        return response.json()


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set stop on the first Ctrl-C or SIGTERM (the batch in flight still completes); a second Ctrl-C interrupts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _token(token: str | None, token_file: Path | None) -> str:
    """Return the token given, else the one seed-demo wrote."""
    if token:
        return token
    path = token_file or instance_dir() / TOKEN_FILE
    try:
        return path.read_text().strip()
    except OSError:
        raise click.ClickException(f"no API token: pass --token, set LIVEDESK_TOKEN, or run "
                                   f"`flask --app wsgi seed-demo` (it writes {path})") from None


def _counts(stats: Counter) -> str:
    return f"accepted {stats['accepted']}  duplicate {stats['duplicate']}  rejected {stats['rejected']}"


def pump(client: ApiClient, broadcast_id: int, events: Iterable[tuple[float, dict]], batch: int,
         duration: float | None, max_events: int | None, stop: threading.Event) -> Counter:
    """Return the counts (sent, accepted, duplicate, rejected) after POSTing events at their pace, in batches."""
    stats: Counter = Counter()
    path = f"/api/v1/broadcasts/{broadcast_id}/events"
    started = last_report = time.monotonic()
    due, pending = 0.0, []

    def flush() -> None:
        nonlocal last_report
        results = client.call("POST", path, {"events": pending})["results"]
        if not stats["sent"] and results and all(r["status"] == "duplicate" for r in results):
            click.echo("hint: these events were sent before (same seed); use another --seed for new traffic")
        stats["sent"] += len(pending)
        for result in results:
            stats[result["status"]] += 1
            if result["status"] == "rejected" and stats["rejected"] <= MAX_PROBLEMS_SHOWN:
                error = result["error"]
                click.echo(f"rejected {result['id']}: {error['code']} ({error.get('field')})", err=True)
        pending.clear()
        now = time.monotonic()
        if now - last_report >= REPORT_EVERY:
            last_report = now
            click.echo(f"[{now - started:6.0f}s] sent {stats['sent']}  {_counts(stats)}  "
                       f"({stats['sent'] / (now - started):.1f} events/s)")

    for delay, event in events:
        due += delay
        if stop.is_set() or (duration is not None and due > duration) \
                or (max_events is not None and stats["sent"] + len(pending) >= max_events):
            break
        wait = started + due - time.monotonic()
        # Behind schedule (a flash sale): fill the batch; on time: send what is pending before sleeping.
        if pending and (wait > 0 or len(pending) >= batch):
            flush()
            wait = started + due - time.monotonic()
        if wait > 0 and stop.wait(wait):
            break
        pending.append(event)
    if pending and not stop.is_set():
        flush()
    return stats


def _pick_broadcast(client: ApiClient, broadcast_id: int | None) -> dict:
    """Return the broadcast to simulate (the latest when None), started if it was scheduled."""
    if broadcast_id is None:
        listed = client.call("GET", "/api/v1/broadcasts")["broadcasts"]
        if not listed:
            raise click.ClickException("there is no broadcast yet: run `flask --app wsgi seed-demo` first")
        broadcast = listed[0]
    else:
        broadcast = client.call("GET", f"/api/v1/broadcasts/{broadcast_id}")
    if broadcast["status"] == "ended":
        raise click.ClickException(f"broadcast #{broadcast['id']} has ended: pick another with --broadcast, "
                                   "or run `flask --app wsgi seed-demo --force` for a new demo broadcast")
    if broadcast["status"] == "scheduled":
        broadcast = client.call("POST", f"/api/v1/broadcasts/{broadcast['id']}/start", {})
        click.echo(f"started broadcast #{broadcast['id']}")
    return broadcast


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
        results = ingest_events(db.session, db.session.get(Broadcast, broadcast_id), source, events)
        realtime.commit(db.session)
        return results

    return run_with_retry(work)


def _client_options(command: Callable) -> Callable:
    """Add --url, --token, --token-file and --signing-secret to a command that talks to the API."""
    for option in reversed((
        click.option("--url", default=lambda: f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
                     show_default="http://127.0.0.1:$PORT", help="Where the LiveDesk server listens."),
        click.option("--token", envvar="LIVEDESK_TOKEN",
                     help="API token (default: $LIVEDESK_TOKEN, else the seed-demo one)."),
        click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
                     help="File holding the token (default: instance/demo_token)."),
        click.option("--signing-secret", help="Sign each request with this secret (X-LiveDesk-Signature)."),
    )):
        command = option(command)
    return command


def register_demo_commands(app: Flask) -> None:
    """Attach seed-demo, simulate and replay to app.cli."""

    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True, help="Set new passwords for the demo users and issue a new token.")
    @click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to save the demo token (default: instance/demo_token).")
    def seed_demo_command(force: bool, token_file: Path | None) -> None:
        """Load the demo catalogue, one user per role, an API token and a broadcast; safe to run again."""
        report = seed_demo(db.session, force)
        db.session.commit()
        path = token_file or instance_dir() / TOKEN_FILE
        if report.token:
            write_secret(path, report.token)
        url = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
        click.echo("\n".join(report.summary(url, path)))

    @app.cli.command("simulate")
    @click.option("--seed", type=int, default=1, show_default=True, help="The same seed sends the same traffic.")
    @click.option("--rate", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
                  help="Steady events per second; flash-sale bursts and payments come on top.")
    @click.option("--broadcast", "broadcast_id", type=int, help="Broadcast id (default: the latest).")
    @click.option("--duration", type=click.FloatRange(min=0), help="Stop after this many seconds (default: never).")
    @click.option("--max-events", type=click.IntRange(min=1), help="Stop after sending this many events.")
    @click.option("--batch", type=click.IntRange(1, 1000), default=20, show_default=True,
                  help="Events per request at most.")
    @click.option("--burst-every", type=click.FloatRange(min=1), default=60.0, show_default=True,
                  help="Seconds between flash-sale bursts, roughly.")
    @_client_options
    def simulate(seed: int, rate: float, broadcast_id: int | None, duration: float | None, max_events: int | None,
                 batch: int, burst_every: float, url: str, token: str | None, token_file: Path | None,
                 signing_secret: str | None) -> None:
        """Send deterministic demo traffic to a running server through the HTTP API until Ctrl-C."""
        stop = threading.Event()
        client = ApiClient(url, _token(token, token_file), signing_secret, stop)
        with stop_on_signals(stop):
            broadcast = _pick_broadcast(client, broadcast_id)
            snapshot = client.call("GET", f"/api/v1/broadcasts/{broadcast['id']}/snapshot")
            generator = TrafficGenerator(seed, lineup_from_snapshot(snapshot), rate=rate, burst_every=burst_every)
            click.echo(f"simulating broadcast #{broadcast['id']} at {url}: seed {seed}, {rate:g} events/s, "
                       f"bursts every ~{burst_every:g}s; Ctrl-C stops")
            stats = pump(client, broadcast["id"], generator, batch, duration, max_events, stop)
        click.echo(f"{'stopped' if stop.is_set() else 'done'}: sent {stats['sent']}  {_counts(stats)}")

    @app.cli.command("replay")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--broadcast", "broadcast_id", type=int, required=True, help="Broadcast the events belong to.")
    @click.option("--batch", type=click.IntRange(1, 1000), default=500, show_default=True)
    @click.option("--direct/--http", default=True, show_default=True,
                  help="Ingest in this process through the ingestion service, or POST to --url.")
    @click.option("--source", default="replay", show_default=True,
                  help="(--direct) the source events are deduplicated under; use the token name they first came "
                       f"through (e.g. {DEMO_TOKEN_NAME}) to skip those.")
    @_client_options
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
            client = ApiClient(url, _token(token, token_file), signing_secret)
            path = f"/api/v1/broadcasts/{broadcast_id}/events"
            send = lambda events: client.call("POST", path, {"events": events})["results"]  # noqa: E731
        stats, problems = Counter(), []
        with handle, click.progressbar(length=size, label=f"replaying {file.name}",
                                       item_show_func=lambda s: _counts(s) if s else None) as bar:
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
        click.echo(f"replayed {file}: {_counts(stats)}  malformed {stats['malformed']}")
