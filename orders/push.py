"""Queueing the /live pushes that follow order changes, and reading what they carry: orders, stock, totals."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from app.db import utcnow
from orders import inventory
from orders.audit import FlashSale
from orders.models import Order, OrderFinding
from orders.promotions.service import active_promotions
from orders.serialize import order_to_dict
from orders.totals import compact_totals, read_totals


@dataclass(frozen=True)
class PushedOrder:
    """An order whose push payload was built from the values just written (batch intake), not read back."""

    id: int
    broadcast_id: int
    status: str
    skus: frozenset[str]
    payload: dict


def order_payload(session: Session, order: Order) -> dict:
    """Return the order as pushed and shown: with its active findings, and "replaces" (the chat claim draft's order id)
    when the platform's order completed that draft in this request (orders/claims/completion.py)."""
    findings = session.scalars(sa.select(OrderFinding).where(
        OrderFinding.order_pk == order.id, OrderFinding.active.is_(True)).order_by(OrderFinding.id)).all()
    payload = order_to_dict(order, findings=findings)
    replaces = getattr(order, "replaces_order_id", None)
    if replaces:
        payload["replaces"] = replaces
    return payload


def waitlisted_units(session: Session, skus: list[str]) -> dict[str, int]:
    """Return the units waiting for stock per SKU: of the orders and chat drafts in its line (those short of it)."""
    return inventory.units_in_line(session, skus)


def queue_stock(session: Session, broadcast_ids: set[int], skus: set[str]) -> None:
    """Queue stock.changed (available, reserved, sold, waitlisted) for skus to every broadcast in broadcast_ids."""
    if not skus or not broadcast_ids:
        return
    levels = inventory.levels(session, sorted(skus))
    waiting = waitlisted_units(session, sorted(skus))
    for level in levels.values():
        payload = {"stock": level.as_dict() | {"waitlisted": waiting.get(level.sku, 0)}}
        for broadcast_id in broadcast_ids:
            realtime.queue(session, broadcast_id, "stock.changed", payload, replace_key=level.sku)


def broadcast_totals(session: Session, broadcast_id: int) -> dict:
    """Return a broadcast's live totals without writing: accepted and paid orders, units and GMV, the paid part,
    held and waitlisted counts (orders/totals.py keeps them)."""
    return read_totals(session, broadcast_id)


def flash_sales(session: Session, broadcast_id: int) -> list[dict]:
    """Return the broadcast's running flash sales: code, SKUs, price, end time and units left."""
    now = utcnow()
    return [
        {"code": p.code, "skus": sorted(p.skus), "price": str(p.price), "ends_at": p.ends_at.isoformat(),
         "remaining": p.remaining}
        for p in active_promotions(session, broadcast_id, now)
        if isinstance(p, FlashSale) and p.starts_at <= now < p.ends_at
    ]


def queue_totals(session: Session, broadcast_id: int) -> None:
    """Queue totals.changed for a broadcast: order totals, held count and running flash sales."""
    realtime.queue(session, broadcast_id, "totals.changed",
                   {"totals": compact_totals(session, broadcast_id), "flash_sales": flash_sales(session, broadcast_id)},
                   replace_key="totals")


def queue_order_changes(session: Session, changes: list[tuple[Order | PushedOrder, bool]], stock_skus: set[str]) -> None:
    """Queue order.created/order.updated for each (order, is_new), then stock and totals of their broadcasts."""
    broadcasts: set[int] = set()
    for order, created in changes:
        broadcasts.add(order.broadcast_id)
        pushed = isinstance(order, PushedOrder)
        payload = order.payload if pushed else order_payload(session, order)
        realtime.queue(session, order.broadcast_id, "order.created" if created else "order.updated",
                       {"order": payload}, replace_key=None if created else f"order:{order.id}")
        if order.status == "waitlisted":
            stock_skus = stock_skus | (order.skus if pushed else {line.sku for line in order.lines})
    queue_stock(session, broadcasts, stock_skus)
    for broadcast_id in broadcasts:
        queue_totals(session, broadcast_id)
