"""purge-pii: buyer contact data past the retention replaced by a tombstone, in orders and in the event log;
pushes older than the retention deleted from the catch-up log (they may carry full buyer data for PII rooms,
and no client catches up that far back).

The orders' part is orders.customers.retention; the event log is live's, so this module drives both, a chunk
of orders at a time, each chunk in its own transaction: an interrupted run leaves whole chunks done, and the
next run takes up the rest (a tombstoned order no longer matches). ``--dry-run`` counts and writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import click
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from app.db import utcnow
from app.extensions import db
from app.realtime.models import PushMessage
from live.models import EventLog
from orders.customers import retention

# The contact fields of an order event's buyer (live/events/ _buyer); the buyer id and member tier stay.
_BUYER_FIELDS = ("name", "phone")


@dataclass
class PurgeCounts:
    """What a purge changed (or, in a dry run, would change)."""

    orders: int = 0
    history: int = 0
    events: int = 0
    pushes: int = 0

# Old pushes are deleted this many at a time, each batch in its own transaction.
PUSH_CHUNK = 5000


def tombstone_payload(payload: dict) -> dict:
    """Return an order event's payload with its buyer's name, phone and street address tombstoned (pure)."""
    buyer = payload.get("buyer") if isinstance(payload, dict) else None
    if not isinstance(buyer, dict):
        return payload
    cleaned = dict(buyer)
    for key in _BUYER_FIELDS:
        if cleaned.get(key) is not None:
            cleaned[key] = retention.TOMBSTONE
    address = cleaned.get("address")
    if isinstance(address, dict) and address.get("detail") is not None:
        cleaned["address"] = dict(address, detail=retention.TOMBSTONE)
    return dict(payload, buyer=cleaned)


def tombstone_order_events(session: Session, orders: list[tuple[int, str, int]], write: bool) -> int:
    """Tombstone the buyer data in the logged order events of orders (pk, order_id, broadcast_id); return the count."""
    order_ids = [order_id for _pk, order_id, _b in orders]
    broadcasts = sorted({broadcast_id for _pk, _o, broadcast_id in orders})
    # broadcast_id and type lead the event log's index, so only these broadcasts' order events are read.
    rows = session.execute(sa.select(EventLog.id, EventLog.payload).where(
        EventLog.broadcast_id.in_(broadcasts), EventLog.type == "order", EventLog.order_id.in_(order_ids))).all()
    changed = 0
    for event_pk, payload in rows:
        cleaned = tombstone_payload(payload)
        if cleaned == payload:
            continue
        changed += 1
        if write:
            session.execute(sa.update(EventLog).where(EventLog.id == event_pk).values(payload=cleaned))
    return changed


def erase_customer_events(session: Session, orders: list[tuple[int, str, int]], **_details) -> None:
    """Tombstone the logged order events of a buyer whose contact was erased (listens to app.signals.customer_erased)."""
    for start in range(0, len(orders), retention.CHUNK):
        tombstone_order_events(session, orders[start:start + retention.CHUNK], write=True)


def purge_pii(session: Session, days: int, dry_run: bool = False) -> PurgeCounts:
    """Tombstone the contact data of every order unchanged for days (and of its history and events); return counts."""
    counts = PurgeCounts()
    cutoff = retention.retention_cutoff(utcnow(), days)
    for chunk in retention.due_chunks(session, cutoff):
        pks = [pk for pk, _order_id, _b in chunk]
        counts.orders += len(chunk)
        counts.events += tombstone_order_events(session, chunk, write=not dry_run)
        counts.history += retention.tombstone_history(session, pks, write=not dry_run)
        if not dry_run:
            retention.tombstone_orders(session, pks)
            session.commit()
    counts.pushes = prune_pushes(session, cutoff, write=not dry_run)
    return counts


def prune_pushes(session: Session, cutoff: datetime, write: bool) -> int:
    """Delete (or, without write, count) the logged pushes created before cutoff; return how many."""
    old = sa.select(PushMessage.id).where(PushMessage.created_at < cutoff)
    if not write:
        return int(session.scalar(sa.select(sa.func.count()).select_from(old.subquery())) or 0)
    deleted = 0
    while True:
        ids = session.scalars(old.order_by(PushMessage.id).limit(PUSH_CHUNK)).all()
        if not ids:
            return deleted
        session.execute(sa.delete(PushMessage).where(PushMessage.id.in_(ids)))
        session.commit()
        deleted += len(ids)


def register_privacy_commands(app: Flask) -> None:
    """Attach purge-pii to app.cli."""

    @app.cli.command("purge-pii")
    @click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
    @click.option("--days", type=click.IntRange(1, 36500), default=None,
                  help="Retention in days (default: the PII_RETENTION_DAYS setting, 180).")
    def purge_pii_command(dry_run: bool, days: int | None) -> None:
        """Replace buyer name, phone and street address with a tombstone in orders and events past the retention."""
        days = days or int(current_app.config.get("PII_RETENTION_DAYS", 180))
        counts = purge_pii(db.session, days, dry_run=dry_run)
        verb = "would tombstone" if dry_run else "tombstoned"
        click.echo(f"{verb} {counts.orders} orders, {counts.history} history entries, {counts.events} events "
                   f"(retention {days} days)")
        click.echo(f"{'would delete' if dry_run else 'deleted'} {counts.pushes} logged pushes older than the retention")
