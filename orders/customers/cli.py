"""``flask customers recalculate``: recalculate every customer's totals, RFM and tier from the orders now."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.db import utcnow
from app.extensions import db
from orders.customers.recalculate import recalculate

customers_command = AppGroup("customers", help="Customer records: recalculation of totals, RFM and tiers.")


@customers_command.command("recalculate")
def recalculate_command() -> None:
    """Recalculate every customer (what the periodic job does) and say what changed."""
    result = recalculate(db.session, utcnow(), actor="cli")
    db.session.commit()
    click.echo(f"recalculated {result.customers} customers: {result.created} new, {result.updated} rewritten, "
               f"{result.tier_changes} tier changes")
