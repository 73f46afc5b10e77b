"""The stale-tracking sweeper: parcels on their way with no checkpoint for TRACKING_STALE_DAYS (3) are flagged, so
the fulfilment page lists them for a person to chase; it also gives old paid orders their ship-by deadline.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.extensions import db
from orders import history
from orders.fulfilment.deadline import backfill_ship_by, setting
from orders.fulfilment.models import Shipment
from orders.models import Order
from orders.push import queue_order_changes

BATCH = 200
MOVING = ("shipped", "in_transit", "out_for_delivery")


def stale_days() -> int:
    """Return after how many days without a checkpoint a moving parcel counts as stale (TRACKING_STALE_DAYS, 3)."""
    raw = setting("TRACKING_STALE_DAYS", "3")
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 3


def flag_stale(session: Session, now: datetime, days: int | None = None) -> list[Shipment]:
    """Return the moving shipments just flagged stale (last seen more than days ago); not committed.

    Rows another sweeper holds are skipped (skip locked), so two servers never flag one parcel twice.
    """
    cutoff = now - timedelta(days=days or stale_days())
    last_seen = sa.func.coalesce(Shipment.last_checkpoint_at, Shipment.shipped_at)
    due = session.scalars(sa.select(Shipment).where(Shipment.status.in_(MOVING), Shipment.stale_since.is_(None),
                                                    last_seen < cutoff)
                          .order_by(Shipment.id).limit(BATCH).with_for_update(skip_locked=True)).all()
    changed = []
    for shipment in due:
        shipment.stale_since = now
        order = session.get(Order, shipment.order_pk)
        history.fulfilment_step(session, order, "tracking_stale", history.SYSTEM, data={
            "shipment_id": shipment.shipment_id, "last_seen": (shipment.last_checkpoint_at or shipment.shipped_at).isoformat()})
        changed.append(order)
    queue_order_changes(session, [(order, False) for order in dict.fromkeys(changed)], set())
    return list(due)


def sweep(session: Session, now: datetime) -> int:
    """Return how many shipments one sweep flagged, after committing it (with deadlines of old paid orders)."""
    def work() -> int:
        backfill_ship_by(session)
        flagged = flag_stale(session, now)
        realtime.commit(session)
        return len(flagged)

    return run_with_retry(work)


def sweep_job(app: Flask) -> None:
    """Background job: flag stale tracking (runs every few minutes in the server)."""
    while sweep(db.session, utcnow()) >= BATCH:
        pass
