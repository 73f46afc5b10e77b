"""``flask customers recalculate``: bring every customer's totals, RFM and tier up to date from the orders now."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.db import utcnow
from app.extensions import db
from orders.customers.recalculate import recalculate, recalculate_changed

customers_command = AppGroup("customers", help="Customer records: recalculation of totals, RFM and tiers.")


@customers_command.command("recalculate")
@click.option("--full", is_flag=True, help="Read every order, not only the orders of buyers whose orders changed.")
def recalculate_command(full: bool) -> None:
    """Recalculate the customers as the periodic job does (--full: from every order) and say what changed."""
    now = utcnow()
    result = recalculate(db.session, now, actor="cli") if full else recalculate_changed(db.session, now, actor="cli")
    db.session.commit()
    kind = "a full pass" if result.full else "only buyers whose orders changed read from their orders"
    click.echo(f"recalculated {result.customers} customers: {result.created} new, {result.updated} rewritten, "
               f"{result.tier_changes} tier changes ({kind})")
