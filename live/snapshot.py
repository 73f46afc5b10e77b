"""The starting state of a broadcast for a live page: orders, stock, totals, what is selling now and the push seq
it covers."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app import realtime
from app.db import utcnow
from app.privacy import mask_order
from live.broadcasts import broadcast_to_dict, lineup_skus, pinned_sku
from live.models import Broadcast
from orders import actions as orders
from orders.catalog import product_to_dict
from orders.models import Order, OrderLine, Product
from orders.push import flash_sales, waitlisted_units
from orders.totals import COUNTED_STATUSES
from orders.serialize import order_to_dict

FEED_SIZE = 200
SELLING_WINDOW = timedelta(minutes=5)
# At most this many order lines from the window: 20 orders a second of one line each for 5 minutes fit.
SELLING_LINES = 6000
# Orders that count as selling: those the host's totals count (accepted, paid and on), so the panel never shows
# more units than were sold or reserved; waitlisted, held, cancelled and rejected orders took none.
SELLING_STATUSES = COUNTED_STATUSES


def selling_now(session: Session, broadcast_id: int, owners: dict[str, str]) -> dict:
    """Return the lines of orders received in the last 5 minutes (newest first) that hold or sold their units, for
    the host's "selling now" panel.

    One query on the (broadcast_id, received_at) index, bounded by the window and SELLING_LINES. Each line names
    its order, so a page that also hears the order.created push counts it once; owners maps a variant SKU to its
    product's SKU (lines of unknown SKUs keep their own).
    """
    now = utcnow()
    rows = session.execute(
        sa.select(Order.order_id, Order.received_at, OrderLine.sku, OrderLine.qty)
        .join(OrderLine, OrderLine.order_pk == Order.id)
        .where(Order.broadcast_id == broadcast_id, Order.received_at >= now - SELLING_WINDOW,
               Order.status.in_(SELLING_STATUSES))
        .order_by(Order.received_at.desc(), Order.id.desc()).limit(SELLING_LINES)
    ).all()
    return {
        "window_seconds": int(SELLING_WINDOW.total_seconds()),
        "as_of": now.isoformat(),
        "statuses": list(SELLING_STATUSES),  # the page counts the orders pushed later by the same rule
        "lines": [{"order_id": row.order_id, "received_at": row.received_at.isoformat(),
                   "sku": owners.get(row.sku, row.sku), "qty": row.qty} for row in rows],
    }


def _stock(session: Session, broadcast_id: int) -> list[dict]:
    """Return the line-up in rail order with stock, link numbers and live prices (the catalogue when it is empty)."""
    entries = lineup_skus(session, broadcast_id)
    products = [product for _entry, product in entries] or list(
        session.scalars(sa.select(Product).order_by(Product.id).options(selectinload(Product.variants))))
    by_product = {product.id: entry for entry, product in entries}
    stock = []
    for product in products:
        item = product_to_dict(session, product)
        entry = by_product.get(product.id)
        item["live_price"] = None if entry is None or entry.live_price is None else str(entry.live_price)
        item["link_no"] = None if entry is None else entry.link_no
        stock.append(item)
    waiting = waitlisted_units(session, [v["sku"] for p in stock for v in p["variants"]] + [p["sku"] for p in stock])
    for item in stock:
        for variant in item["variants"]:
            variant["waitlisted"] = waiting.get(variant["sku"], 0)
        item["waitlisted"] = waiting.get(item["sku"], 0) + sum(v["waitlisted"] for v in item["variants"])
    return stock


def broadcast_snapshot(session: Session, broadcast: Broadcast, sees_pii: bool) -> dict:
    """Return the broadcast's latest orders, stock per product, totals and selling now, with the seq they include."""
    # Read the seq first: a push racing this read is then replayed, never lost (clients apply pushes idempotently).
    seq = realtime.current_seq(session, broadcast.id)
    recent = session.scalars(
        sa.select(Order).where(Order.broadcast_id == broadcast.id).order_by(Order.id.desc())
        .limit(FEED_SIZE).options(selectinload(Order.lines))
    ).all()
    order_dicts = [order_to_dict(order) for order in recent]
    if not sees_pii:
        order_dicts = [mask_order(order) for order in order_dicts]
    stock = _stock(session, broadcast.id)
    owners = {variant["sku"]: item["sku"] for item in stock for variant in item["variants"]}
    return {
        "broadcast": broadcast_to_dict(broadcast),
        "seq": seq,
        "orders": order_dicts,
        "stock": stock,
        "totals": orders.broadcast_totals(session, broadcast.id),
        "flash_sales": flash_sales(session, broadcast.id),
        "pinned_sku": pinned_sku(session, broadcast.id),
        "selling_now": selling_now(session, broadcast.id, owners),
    }
