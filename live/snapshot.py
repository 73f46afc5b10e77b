"""The starting state of a broadcast for a live page: orders, stock, totals and the push seq it covers."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app import realtime
from app.privacy import mask_order
from live.broadcasts import broadcast_to_dict, lineup_skus, pinned_sku
from live.models import Broadcast
from orders import actions as orders
from orders.catalog import product_to_dict
from orders.models import Order, Product
from orders.push import flash_sales, waitlisted_units
from orders.serialize import order_to_dict

FEED_SIZE = 200


def broadcast_snapshot(session: Session, broadcast: Broadcast, sees_pii: bool) -> dict:
    """Return the broadcast's latest orders, stock per product and totals, with the seq they include."""
    # Read the seq first: a push racing this read is then replayed, never lost (clients apply pushes idempotently).
    seq = realtime.current_seq(session, broadcast.id)
    recent = session.scalars(
        sa.select(Order).where(Order.broadcast_id == broadcast.id).order_by(Order.id.desc())
        .limit(FEED_SIZE).options(selectinload(Order.lines))
    ).all()
    order_dicts = [order_to_dict(order) for order in recent]
    if not sees_pii:
        order_dicts = [mask_order(order) for order in order_dicts]
    entries = lineup_skus(session, broadcast.id)
    products = [product for _entry, product in entries] or list(
        session.scalars(sa.select(Product).order_by(Product.id).options(selectinload(Product.variants))))
    live_price = {product.id: entry.live_price for entry, product in entries}
    pinned = pinned_sku(session, broadcast.id)
    stock = []
    for product in products:
        item = product_to_dict(session, product)
        price = live_price.get(product.id)
        item["live_price"] = None if price is None else str(price)
        stock.append(item)
    waiting = waitlisted_units(session, [v["sku"] for p in stock for v in p["variants"]] + [p["sku"] for p in stock])
    for item in stock:
        for variant in item["variants"]:
            variant["waitlisted"] = waiting.get(variant["sku"], 0)
        item["waitlisted"] = waiting.get(item["sku"], 0) + sum(v["waitlisted"] for v in item["variants"])
    return {
        "broadcast": broadcast_to_dict(broadcast),
        "seq": seq,
        "orders": order_dicts,
        "stock": stock,
        "totals": orders.broadcast_totals(session, broadcast.id),
        "flash_sales": flash_sales(session, broadcast.id),
        "pinned_sku": pinned,
    }
