"""Demo commands: seed-demo (catalogue, users, token, broadcast) and simulate (traffic over HTTP)."""
from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import click
from flask import Flask

from app.client import (
    DEMO_TOKEN_NAME,
    MAX_PROBLEMS_SHOWN,
    TOKEN_FILE,
    ApiClient,
    ServerTrouble,
    client_options,
    instance_dir,
    read_token,
    result_counts,
)
from app.demo.data import DEMO_BROADCAST_TITLE, seed_demo
from app.demo.simulator import TrafficGenerator, lineup_from_snapshot
from app.extensions import db

REPORT_EVERY = 5.0
# A batch that meets a server error (5xx) or no answer is sent again after a growing pause, then skipped: a demo
# that runs for hours must outlive a server restart or one bad request. Events carry ids, so a batch that was
# stored before its answer was lost comes back as duplicates, never twice.
TRIES_PER_BATCH = 6
FIRST_BACKOFF = 0.5  # seconds, doubled after each failed try
MAX_BACKOFF = 8.0


def write_secret(path: Path, value: str) -> None:
    """Write value to path readable by its owner only (mode 600 from creation, no window of wider access)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(value + "\n")
    path.chmod(0o600)  # the file may have existed with wider permissions


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


def post_batch(client: ApiClient, path: str, events: list[dict], stop: threading.Event) -> list[dict] | None:
    """Return the ingestion results of one batch, or None when it was skipped: after TRIES_PER_BATCH tries that met
    a server error or no answer (each said on stderr), or when stop was set while waiting to try again.

    A 4xx still raises click.ClickException: a wrong token, signature or broadcast does not heal by waiting.
    """
    pause = FIRST_BACKOFF
    for attempt in range(1, TRIES_PER_BATCH + 1):
        try:
            return client.call("POST", path, {"events": events})["results"]
        except ServerTrouble as error:
            problem = error.message
        if attempt < TRIES_PER_BATCH:
            click.echo(f"{problem}; trying again in {pause:g}s (try {attempt + 1} of {TRIES_PER_BATCH})", err=True)
            if stop.wait(pause):
                return None
            pause = min(pause * 2, MAX_BACKOFF)
    click.echo(f"skipped {len(events)} events after {TRIES_PER_BATCH} tries ({problem}); going on", err=True)
    return None


def _summary(stats: Counter) -> str:
    """Return the result counts of a run, with the events skipped after server errors when there were any."""
    skipped = f"  skipped {stats['skipped']}" if stats["skipped"] else ""
    return f"{result_counts(stats)}{skipped}"


def pump(client: ApiClient, broadcast_id: int, events: Iterable[tuple[float, dict]], batch: int,
         duration: float | None, max_events: int | None, stop: threading.Event) -> Counter:
    """Return the counts (sent, accepted, duplicate, rejected, skipped) after POSTing events at their pace, in
    batches; a batch the server keeps failing is skipped (post_batch) and the traffic goes on."""
    stats: Counter = Counter()
    path = f"/api/v1/broadcasts/{broadcast_id}/events"
    started = last_report = time.monotonic()
    due, pending = 0.0, []

    def flush() -> None:
        nonlocal last_report
        results = post_batch(client, path, pending, stop)
        if results is None:
            stats["skipped"] += len(pending)
            pending.clear()
            return
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
            click.echo(f"[{now - started:6.0f}s] sent {stats['sent']}  {_summary(stats)}  "
                       f"({stats['sent'] / (now - started):.1f} events/s)")

    for delay, event in events:
        due += delay
        if stop.is_set() or (duration is not None and due > duration) \
                or (max_events is not None and stats["sent"] + stats["skipped"] + len(pending) >= max_events):
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
    """Return the broadcast to simulate, started if it was scheduled. Without an id: the demo's own broadcast
    (seed-demo's, not ended), else the latest live one; never someone's show scheduled for later, which a start
    would spend (a live broadcast cannot go back to scheduled)."""
    if broadcast_id is None:
        listed = client.call("GET", "/api/v1/broadcasts")["broadcasts"]
        demo = [b for b in listed if b["title"] == DEMO_BROADCAST_TITLE and b["status"] != "ended"]
        live = [b for b in listed if b["status"] == "live"]
        if not demo and not live:
            raise click.ClickException("no demo broadcast and none live: run `flask --app wsgi seed-demo` first, "
                                       "or pick one with --broadcast")
        broadcast = (demo or live)[0]
    else:
        broadcast = client.call("GET", f"/api/v1/broadcasts/{broadcast_id}")
    if broadcast["status"] == "ended":
        raise click.ClickException(f"broadcast #{broadcast['id']} has ended: pick another with --broadcast, "
                                   "or run `flask --app wsgi seed-demo` for a new demo broadcast")
    if broadcast["status"] == "scheduled":
        broadcast = client.call("POST", f"/api/v1/broadcasts/{broadcast['id']}/start", {})
        click.echo(f"started broadcast #{broadcast['id']}")
    return broadcast


def console_url() -> str:
    """Return the console's address from HOST and PORT (`make demo` exports both), saying when PORT is the default."""
    port = os.environ.get("PORT")
    url = f"http://{os.environ.get('HOST', '127.0.0.1')}:{port or '5000'}"
    return url if port else f"{url}  (PORT is not set here: 5000 is the default)"


def register_demo_commands(app: Flask) -> None:
    """Attach seed-demo and simulate to app.cli."""

    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True,
                  help="Set new passwords for the demo users (their sessions end); the token stays unless revoked.")
    @click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to save the demo token (default: instance/demo_token).")
    def seed_demo_command(force: bool, token_file: Path | None) -> None:
        """Load the demo catalogue, one user per role, an API token and a broadcast; safe to run again."""
        report = seed_demo(db.session, force)
        db.session.commit()
        path = token_file or instance_dir() / TOKEN_FILE
        if report.token:
            write_secret(path, report.token)
        click.echo("\n".join(report.summary(console_url(), path)))
        if report.token_kept and not path.is_file():
            click.echo(f"warning: {path} is missing, and the token {DEMO_TOKEN_NAME} is kept: pass --token to "
                       "simulate, or revoke the token on the Tokens page and run seed-demo again", err=True)

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
    @client_options
    def simulate(seed: int, rate: float, broadcast_id: int | None, duration: float | None, max_events: int | None,
                 batch: int, burst_every: float, url: str, token: str | None, token_file: Path | None,
                 signing_secret: str | None) -> None:
        """Send deterministic demo traffic to a running server through the HTTP API until Ctrl-C."""
        stop = threading.Event()
        client = ApiClient(url, read_token(token, token_file), signing_secret, stop)
        with stop_on_signals(stop):
            broadcast = _pick_broadcast(client, broadcast_id)
            snapshot = client.call("GET", f"/api/v1/broadcasts/{broadcast['id']}/snapshot")
            generator = TrafficGenerator(seed, lineup_from_snapshot(snapshot), rate=rate, burst_every=burst_every)
            client.wait = 0  # from here each batch is tried again by post_batch, with growing pauses
            click.echo(f"simulating broadcast #{broadcast['id']} at {url}: seed {seed}, {rate:g} events/s, "
                       f"bursts every ~{burst_every:g}s; Ctrl-C stops")
            stats = pump(client, broadcast["id"], generator, batch, duration, max_events, stop)
        click.echo(f"{'stopped' if stop.is_set() else 'done'}: sent {stats['sent']}  {_summary(stats)}")
