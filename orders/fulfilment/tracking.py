"""Recording tracking checkpoints of a parcel: each scan stored once, the shipment's status derived from all of them
in time order, and the order kept in step (orders/fulfilment/sync.py). Nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.bulk import insert_ignoring
from orders.fulfilment import sync
from orders.fulfilment.models import DESCRIPTION_LENGTH, Shipment, TrackingCheckpoint
from orders.fulfilment.rules import Checkpoint, preferred_status, shipment_state
from orders.models import Order
from orders.push import queue_order_changes

_UNIQUE = ("shipment_pk", "dedupe_key")
# A scan time far from now is a provider's or a person's mistake: it would decide the parcel's status forever.
PAST_LIMIT = timedelta(days=365)
FUTURE_LIMIT = timedelta(days=1)


@dataclass
class TrackingOutcome:
    """What recording checkpoints did: scans stored (new), scans ignored (duplicates or out of range), shipments."""

    stored: int = 0
    ignored: int = 0
    shipments: list[Shipment] = field(default_factory=list)


def in_window(checkpoint: Checkpoint, now: datetime) -> bool:
    """Return True when the checkpoint's time is within a year before now and a day after it."""
    return now - PAST_LIMIT <= checkpoint.at <= now + FUTURE_LIMIT


def _row(shipment: Shipment, checkpoint: Checkpoint, provider: str, now: datetime) -> dict:
    description = (checkpoint.description or "")[:DESCRIPTION_LENGTH] or None
    return {"shipment_pk": shipment.id, "at": checkpoint.at, "status": checkpoint.status, "description": description,
            "location": (checkpoint.location or "")[:200] or None, "provider": provider[:16],
            "raw_state": (checkpoint.raw_state or "")[:16] or None, "dedupe_key": checkpoint.key, "received_at": now}


def _stored(session: Session, shipment: Shipment) -> list[Checkpoint]:
    rows = session.execute(sa.select(TrackingCheckpoint.at, TrackingCheckpoint.status, TrackingCheckpoint.description)
                           .where(TrackingCheckpoint.shipment_pk == shipment.id))
    return [Checkpoint(at, status, description) for at, status, description in rows]


def record_checkpoints(session: Session, shipments: list[Shipment], checkpoints: list[Checkpoint], provider: str,
                       actor: str, now: datetime) -> TrackingOutcome:
    """Return what storing checkpoints of one parcel did to its shipments (locked by the caller) and their orders.

    A scan already stored (same time and description) is ignored, so a redelivered callback writes nothing; the
    status comes from every stored scan in time order, so scans arriving out of order converge.
    """
    outcome = TrackingOutcome(shipments=list(shipments))
    usable = [c for c in checkpoints if in_window(c, now)]
    outcome.ignored = len(checkpoints) - len(usable)
    for shipment in shipments:
        changed = _store(session, shipment, usable, provider, now)
        outcome.stored = max(outcome.stored, changed)
        if changed:
            _apply(session, shipment, actor, now, provider, changed)
    outcome.ignored += len(usable) - outcome.stored
    return outcome


def _store(session: Session, shipment: Shipment, checkpoints: list[Checkpoint], provider: str, now: datetime) -> int:
    """Return how many scans were new to the shipment or relabelled (a stored scan keeps its preferred status)."""
    known = {key: (row_id, status) for row_id, key, status in session.execute(
        sa.select(TrackingCheckpoint.id, TrackingCheckpoint.dedupe_key, TrackingCheckpoint.status)
        .where(TrackingCheckpoint.shipment_pk == shipment.id))}
    fresh: dict[str, Checkpoint] = {}
    relabelled = 0
    for checkpoint in checkpoints:
        if checkpoint.key in known:
            row_id, status = known[checkpoint.key]
            better = preferred_status(status, checkpoint.status)
            if better != status:
                session.execute(sa.update(TrackingCheckpoint).where(TrackingCheckpoint.id == row_id)
                                .values(status=better, raw_state=(checkpoint.raw_state or "")[:16] or None))
                known[checkpoint.key] = (row_id, better)
                relabelled += 1
            continue
        kept = fresh.get(checkpoint.key)
        if kept is None or preferred_status(kept.status, checkpoint.status) != kept.status:
            fresh[checkpoint.key] = checkpoint
    if fresh:
        session.execute(insert_ignoring(session, TrackingCheckpoint.__table__, _UNIQUE),
                        [_row(shipment, c, provider, now) for c in fresh.values()])
    return len(fresh) + relabelled


def _apply(session: Session, shipment: Shipment, actor: str, now: datetime, provider: str, stored: int) -> None:
    """Derive the shipment's state from its stored scans and keep its order in step (history, finding, notices, push)."""
    state = shipment_state(_stored(session, shipment))
    before = shipment.status
    shipment.status, shipment.delivered_at = state.status, state.delivered_at
    if state.last_checkpoint_at and (shipment.last_checkpoint_at is None
                                     or state.last_checkpoint_at > shipment.last_checkpoint_at):
        shipment.last_checkpoint_at = state.last_checkpoint_at
        shipment.stale_since = None
    order = session.scalar(sa.select(Order).where(Order.id == shipment.order_pk).with_for_update())
    moved = sync.exception_moved(before, shipment.status)
    if moved == "raised":
        sync.raise_logistics_exception(session, order, shipment, actor, now)
    elif moved == "resolved":
        sync.resolve_logistics_exception(session, order, shipment, actor)
    sync.sync_order(session, order, actor, now, "tracking_updated",
                    {"shipment_id": shipment.shipment_id, "from": before, "to": shipment.status, "stored": stored,
                     "provider": provider})
    queue_order_changes(session, [(order, False)], set())


def copy_parcel_history(session: Session, shipment: Shipment) -> int:
    """Return how many scans a new shipment took over from another order's shipment of the same parcel."""
    other = session.scalar(sa.select(Shipment).where(Shipment.carrier == shipment.carrier,
                                                     Shipment.tracking_no == shipment.tracking_no,
                                                     Shipment.id != shipment.id).order_by(Shipment.id).limit(1))
    if other is None:
        return 0
    rows = session.scalars(sa.select(TrackingCheckpoint).where(TrackingCheckpoint.shipment_pk == other.id)).all()
    for row in rows:
        session.add(TrackingCheckpoint(shipment_pk=shipment.id, at=row.at, status=row.status,
                                       description=row.description, location=row.location, provider=row.provider,
                                       raw_state=row.raw_state, dedupe_key=row.dedupe_key, received_at=row.received_at))
    if rows:
        session.flush()
        state = shipment_state(_stored(session, shipment))
        shipment.status, shipment.delivered_at = state.status, state.delivered_at
        shipment.last_checkpoint_at = state.last_checkpoint_at
    return len(rows)
