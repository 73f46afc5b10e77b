"""Broadcast services: create, start and end broadcasts, and manage their product line-up."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from app.db import quantize_money, utcnow
from live.models import Broadcast, BroadcastProduct, EventLog
from orders.models import Product, ProductVariant


class BroadcastError(Exception):
    """A broadcast request that cannot be carried out; carries the HTTP status, code and field."""

    def __init__(self, status: int, code: str, field: str | None, message: str):
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message


def create_broadcast(session: Session, title: str, platform: str) -> Broadcast:
    """Return a new scheduled broadcast with its push counter."""
    broadcast = Broadcast(title=title, platform=platform, status="scheduled")
    session.add(broadcast)
    session.flush()
    realtime.ensure_sequence(session, broadcast.id)
    return broadcast


def start_broadcast(session: Session, broadcast: Broadcast, at: datetime | None) -> Broadcast:
    """Return the broadcast after marking it live from at (now when None)."""
    if broadcast.status != "scheduled":
        raise BroadcastError(409, "invalid_state", "status", f"a {broadcast.status} broadcast cannot be started")
    broadcast.status, broadcast.started_at = "live", at or utcnow()
    return broadcast


def end_broadcast(session: Session, broadcast: Broadcast, at: datetime | None) -> Broadcast:
    """Return the broadcast after marking it ended at at (now when None)."""
    if broadcast.status != "live":
        raise BroadcastError(409, "invalid_state", "status", f"a {broadcast.status} broadcast cannot be ended")
    ended = at or utcnow()
    if broadcast.started_at and ended < broadcast.started_at:
        raise BroadcastError(400, "invalid_ts", "at", "a broadcast cannot end before it started")
    broadcast.status, broadcast.ended_at = "ended", ended
    return broadcast


def add_to_lineup(session: Session, broadcast: Broadcast, sku: str, live_price: Decimal | None) -> BroadcastProduct:
    """Return the line-up entry for a product, created or with its live price updated."""
    product = session.scalar(sa.select(Product).where(Product.sku == sku))
    if product is None:
        raise BroadcastError(404, "unknown_sku", "sku", f"no product has SKU {sku!r}")
    entry = session.scalar(sa.select(BroadcastProduct).where(
        BroadcastProduct.broadcast_id == broadcast.id, BroadcastProduct.product_id == product.id))
    if entry is None:
        position = session.scalar(sa.select(sa.func.count()).select_from(BroadcastProduct)
                                  .where(BroadcastProduct.broadcast_id == broadcast.id))
        entry = BroadcastProduct(broadcast_id=broadcast.id, product_id=product.id, position=int(position or 0))
        session.add(entry)
    entry.live_price = None if live_price is None else quantize_money(live_price)
    session.flush()
    return entry


def lineup_skus(session: Session, broadcast_id: int) -> list[tuple[BroadcastProduct, Product]]:
    """Return the broadcast's line-up entries with their products, in line-up order."""
    rows = session.execute(sa.select(BroadcastProduct, Product).join(Product, Product.id == BroadcastProduct.product_id)
                           .where(BroadcastProduct.broadcast_id == broadcast_id).order_by(BroadcastProduct.position))
    return [(entry, product) for entry, product in rows]


def pinned_now(toggles: Iterable[tuple[datetime, bool, str, str]]) -> tuple[str, datetime] | None:
    """Return (product, since) of the product pinned after every toggle, or None: one product at a time.

    ``toggles`` are ``(ts, pin, event_id, product)``, applied by ``(ts, unpins first, event_id)`` whatever
    order they arrived in: a pin ends any other product's pin; pinning the pinned product or unpinning one
    that is not pinned changes nothing. analytics.metrics.online.single_pin_intervals applies the same rule.
    """
    current: tuple[str, datetime] | None = None
    for ts, pin, _event_id, product in sorted(toggles, key=lambda t: (t[0], t[1], t[2])):
        if pin and (current is None or current[0] != product):
            current = (product, ts)
        elif not pin and current is not None and current[0] == product:
            current = None
    return current


def sync_pinned(session: Session, broadcast_id: int) -> bool:
    """Return True after the line-up's pinned product changed to what the broadcast's pin events say now.

    Recomputed from every pin and unpin logged (a few per broadcast), so a late or out-of-order event cannot
    leave two products pinned or the wrong one; a pin of a variant pins its product.
    """
    rows = session.execute(sa.select(EventLog.ts, EventLog.type, EventLog.event_id, EventLog.sku).where(
        EventLog.broadcast_id == broadcast_id, EventLog.type.in_(("product_pin", "product_unpin")),
        EventLog.sku.is_not(None))).all()
    variants = dict(session.execute(sa.select(ProductVariant.sku, Product.sku).join(
        Product, Product.id == ProductVariant.product_id).where(ProductVariant.sku.in_({r[3] for r in rows}))).all())
    now = pinned_now((ts, kind == "product_pin", event_id, variants.get(sku, sku)) for ts, kind, event_id, sku in rows)
    entries = session.execute(sa.select(BroadcastProduct, Product.sku).join(
        Product, Product.id == BroadcastProduct.product_id).where(BroadcastProduct.broadcast_id == broadcast_id)).all()
    changed = False
    for entry, sku in entries:
        pinned_at = now[1] if now is not None and now[0] == sku else None
        if entry.pinned_at != pinned_at:
            entry.pinned_at, changed = pinned_at, True
    session.flush()
    return changed


def broadcast_to_dict(broadcast: Broadcast) -> dict:
    """Return a broadcast as JSON-ready data."""
    return {
        "id": broadcast.id,
        "title": broadcast.title,
        "platform": broadcast.platform,
        "status": broadcast.status,
        "started_at": broadcast.started_at.isoformat() if broadcast.started_at else None,
        "ended_at": broadcast.ended_at.isoformat() if broadcast.ended_at else None,
    }


def pinned_sku(session: Session, broadcast_id: int) -> str | None:
    """Return the SKU of the product pinned now in a broadcast, or None."""
    return session.scalar(sa.select(Product.sku).join(BroadcastProduct, BroadcastProduct.product_id == Product.id).where(
        BroadcastProduct.broadcast_id == broadcast_id, BroadcastProduct.pinned_at.is_not(None)).limit(1))
