"""The review step between "received" and the push: the seam where the order audit runs.

Today it checks that every SKU is sold here and reserves stock; the full audit (completeness, promotions,
risk) plugs in at review_order without changing its callers.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import history, inventory
from orders.models import Order, StockLevel


def review_order(session: Session, order: Order) -> list[str]:
    """Return the SKUs whose stock changed after moving a received order to its next status."""
    requested = inventory.requested_by_sku([(line.sku, line.qty) for line in order.lines])
    known = set(session.scalars(sa.select(StockLevel.sku).where(StockLevel.sku.in_(list(requested)))))
    unknown = sorted(set(requested) - known)
    if not requested or unknown or any(qty <= 0 for qty in requested.values()):
        reason = f"unknown SKU: {', '.join(unknown)}" if unknown else "order has no valid item"
        history.status_changed(session, order, "held", reason=reason)
        return []
    if inventory.reserve(session, requested):
        history.status_changed(session, order, "accepted", data={"reserved": requested})
        return sorted(requested)
    history.status_changed(session, order, "waitlisted", reason="not enough stock", data={"requested": requested})
    return []
