"""flask aftersales …: open the refund cases of payments flagged before after-sales existed; sweep the timers."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app import realtime
from app.db import utcnow
from app.extensions import db
from orders.aftersales.common import load_policy
from orders.aftersales.intake import open_refund_due_cases
from orders.aftersales.sweeper import sweep


def register_aftersales_commands(app: Flask) -> None:
    """Attach the `aftersales` command group to app.cli."""
    group = AppGroup("aftersales", help="After-sales cases: refund-due payments and timers.")

    @group.command("open-refund-due")
    def open_refund_due() -> None:
        """Open a refund case for every payment flagged refund_due that has none (safe to run again)."""
        opened = open_refund_due_cases(db.session, utcnow(), load_policy())
        realtime.commit(db.session)
        click.echo(f"{opened} refund case{'' if opened == 1 else 's'} opened")

    @group.command("sweep")
    def sweep_once() -> None:
        """Fire the after-sales timers that are due now, once (the server does this every 30 seconds)."""
        click.echo(f"{sweep(db.session, utcnow())} timers fired")

    app.cli.add_command(group)
