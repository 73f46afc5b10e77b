"""The job worker: ``flask --app wsgi run-jobs`` runs every periodic job, under the same leases as the servers.

It runs the jobs one after another in the main thread (no async server needed); pushes reach browsers through
the Socket.IO message queue (Redis), which a deployment with a separate worker has anyway.
"""
from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app import background

TICK_SECONDS = 0.5


def run_forever(app: Flask, rounds: int | None = None, sleep=time.sleep) -> int:
    """Return how many job runs were made after running due jobs every tick (for rounds ticks; None: forever)."""
    due = {job.name: time.monotonic() + job.seconds for job in background.jobs()}
    runs = 0
    tick = 0
    while rounds is None or tick < rounds:
        for job in background.jobs():
            now = time.monotonic()
            if now >= due.setdefault(job.name, now):
                runs += background.run_once(app, job)
                due[job.name] = background.next_due(due[job.name], job.seconds, time.monotonic())
        tick += 1
        sleep(min(TICK_SECONDS, max(0.0, min(due.values(), default=0.0) - time.monotonic())))
    return runs


@click.command("run-jobs")
@with_appcontext
def run_jobs_command() -> None:
    """Run the periodic jobs (sweepers, notices, timers) until interrupted; servers may then run none."""
    app = current_app._get_current_object()
    if not app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        # The jobs push (metrics, order changes): from a process without sockets they reach browsers only through
        # the servers' message queue. Without one they would be lost, and the servers left no job to run.
        raise click.ClickException("run-jobs needs SOCKETIO_MESSAGE_QUEUE, the Redis the servers share: without it "
                                   "what the jobs push reaches no browser (docs/deployment.md)")
    names = ", ".join(job.name for job in background.jobs())
    click.echo(f"running jobs: {names}")
    try:
        run_forever(app)
    except KeyboardInterrupt:
        click.echo("stopped")
