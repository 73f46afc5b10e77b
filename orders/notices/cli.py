"""flask notices-deliver: send due buyer notices from a separate worker process."""
from __future__ import annotations

import time

import click
from flask import Flask, current_app

from app.extensions import db
from orders.notices.jobs import INTERVAL_SECONDS, deliver_job


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def register_notice_commands(app: Flask) -> None:
    """Attach the notices-deliver command to app.cli."""

    @app.cli.command("notices-deliver")
    @click.option("--once", is_flag=True, help="Deliver what is due now, print the counts and exit.")
    @click.option("--interval", type=float, default=INTERVAL_SECONDS, show_default=True,
                  help="Seconds between passes when running continuously.")
    def notices_deliver(once: bool, interval: float) -> None:
        """Send due buyer notices through NOTICE_CHANNEL; safe to run next to the server's own job."""
        while True:
            try:
                counts = deliver_job(current_app._get_current_object())
            except ValueError as error:  # a misconfigured channel: say so instead of a traceback
                raise click.ClickException(str(error)) from error
            finally:
                db.session.remove()
            if once:
                click.echo(_summary(counts))
                return
            if any(counts.values()):
                click.echo(_summary(counts))
            time.sleep(interval)
