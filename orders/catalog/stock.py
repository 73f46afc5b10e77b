"""Restocks and counts: each changes stock through orders.inventory (which appends it to stock_history), lets the
waitlist take the new units, and queues the pushes; and the stock history of a product, page by page."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import inventory
from orders.actions import quantities
from orders.catalog import broadcasts_selling
from orders.models import Order, Product, StockHistory
from orders.push import queue_order_changes, queue_stock
from orders.waitlist import promote_waitlisted

HISTORY_PER_PAGE = 50


def restock(session: Session, sku: str, units: int, note: inventory.StockNote, now: datetime) -> inventory.Level:
    """Return the SKU's level after adding units received; the waitlist takes them first, in line order.

    Raises inventory.InventoryError when no stock is kept under sku.
    """
    inventory.add_available(session, sku, units, note)
    return _after_change(session, sku, now)


def set_count(session: Session, sku: str, available: int, note: inventory.StockNote, now: datetime) -> inventory.Level:
    """Return the SKU's level after setting its available units (a count or correction); the waitlist comes first.

    Raises inventory.InventoryError when no stock is kept under sku.
    """
    inventory.set_available(session, sku, available, note)
    return _after_change(session, sku, now)


def _after_change(session: Session, sku: str, now: datetime) -> inventory.Level:
    """Return the level once waitlisted orders took what they could, with stock and order pushes queued."""
    promoted: list[Order] = promote_waitlisted(session, {sku}, now)
    queue_stock(session, set(broadcasts_selling(session, sku)), {sku})
    if promoted:
        queue_order_changes(session, [(order, False) for order in promoted],
                            {s for order in promoted for s in quantities(order)})
    return inventory.levels(session, [sku])[sku]


def history_page(session: Session, product: Product, sku: str | None, page: int,
                 per_page: int = HISTORY_PER_PAGE) -> dict:
    """Return one page of the product's stock changes (one SKU's when sku is a variant's), newest first."""
    query = sa.select(StockHistory).where(StockHistory.product_id == product.id)
    if sku is not None and sku != product.sku:
        query = query.where(StockHistory.sku == sku)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(StockHistory.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return {"sku": sku or product.sku, "product_sku": product.sku, "entries": [entry_to_dict(row) for row in rows],
            "total": int(total), "page": page, "per_page": per_page}


def entry_to_dict(row: StockHistory) -> dict:
    """Return one stock change as the API shows it."""
    return {"sku": row.sku, "kind": row.kind, "actor": row.actor, "reason": row.reason,
            "available_before": row.available_before, "available_after": row.available_after,
            "reserved": row.reserved, "sold": row.sold, "at": row.at.isoformat()}
