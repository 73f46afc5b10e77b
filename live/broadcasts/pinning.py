"""The pinned product of a broadcast: one at a time, recomputed from every pin and unpin event logged."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.models import BroadcastProduct, EventLog
from orders.models import Product, ProductVariant


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


def pinned_sku(session: Session, broadcast_id: int) -> str | None:
    """Return the SKU of the product pinned now in a broadcast, or None."""
    return session.scalar(sa.select(Product.sku).join(BroadcastProduct, BroadcastProduct.product_id == Product.id).where(
        BroadcastProduct.broadcast_id == broadcast_id, BroadcastProduct.pinned_at.is_not(None)).limit(1))
