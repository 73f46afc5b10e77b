"""Reads of fulfilment: orders to pack by deadline, the packing list by SKU, overdue orders, the late-dispatch rate
per broadcast, and parcels whose tracking went quiet or reported trouble.

Units refunded before they shipped are not left to ship; an order whose refund is asked for and not decided is on
hold: listed to pack (flagged), left off the packing list (orders/fulfilment/refunded.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from live.models import Broadcast
from orders.fulfilment.models import Shipment, ShipmentLine
from orders.fulfilment.refunded import refund_states, withdrawn_by_order
from orders.fulfilment.rules import (SHIPMENT_EXCEPTIONS, SHIPPABLE_STATUSES, late_dispatch_rate, remaining_units,
                                     to_deliver)
from orders.models import Order, Product, ProductVariant

LIST_LIMIT = 500
TO_PACK_FILTERS = ("paid", "packing", "partially_shipped")


@dataclass
class PackingListRow:
    """One SKU to pick: its name, the units to pack and the orders that want them."""

    sku: str
    name: str | None
    units: int = 0
    order_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the row as JSON-ready data."""
        return {"sku": self.sku, "name": self.name, "units": self.units, "orders": len(self.order_ids),
                "order_ids": self.order_ids}


def _open_orders(broadcast_id: int | None, statuses: tuple[str, ...]) -> sa.Select:
    query = sa.select(Order).where(Order.status.in_(statuses))
    if broadcast_id is not None:
        query = query.where(Order.broadcast_id == broadcast_id)
    return query


def orders_to_pack(session: Session, broadcast_id: int | None = None, status: str | None = None,
                   overdue_at: datetime | None = None, limit: int = LIST_LIMIT) -> list[Order]:
    """Return paid, packing and partly shipped orders, earliest deadline first (filters: broadcast, status, overdue)."""
    query = _open_orders(broadcast_id, (status,) if status else TO_PACK_FILTERS)
    if overdue_at is not None:
        query = query.where(Order.ship_by_at < overdue_at)
    query = query.order_by(Order.ship_by_at.is_(None), Order.ship_by_at, Order.id).limit(limit)
    return list(session.scalars(query.options(selectinload(Order.lines))))


def shipped_by_order(session: Session, order_pks: list[int]) -> dict[int, dict[str, int]]:
    """Return the units shipped so far per SKU of each order."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if order_pks:
        rows = session.execute(sa.select(Shipment.order_pk, ShipmentLine.sku, sa.func.sum(ShipmentLine.qty))
                               .join(ShipmentLine, ShipmentLine.shipment_pk == Shipment.id)
                               .where(Shipment.order_pk.in_(order_pks)).group_by(Shipment.order_pk, ShipmentLine.sku))
        for order_pk, sku, qty in rows:
            found[order_pk][sku] = int(qty)
    return found


def left_to_ship(session: Session, orders: list[Order]) -> dict[int, dict[str, int]]:
    """Return, per order, the units per SKU ordered and not shipped yet, less those refunded before they shipped."""
    shipped = shipped_by_order(session, [order.id for order in orders])
    withdrawn = withdrawn_by_order(session, orders)
    result = {}
    for order in orders:
        ordered: dict[str, int] = defaultdict(int)
        for line in order.lines:
            ordered[line.sku] += line.qty
        result[order.id] = remaining_units(to_deliver(ordered, withdrawn[order.id]), shipped.get(order.id, {}))
    return result


def to_pick(session: Session, orders: list[Order]) -> list[Order]:
    """Return the orders whose goods may be picked now: those whose shipping no undecided refund holds."""
    states = refund_states(session, orders)
    return [order for order in orders if not states[order.id].held_by]


def sku_names(session: Session, skus: list[str]) -> dict[str, str]:
    """Return the catalogue name of each SKU (a variant as "product · variant")."""
    names = dict(session.execute(sa.select(Product.sku, Product.name).where(Product.sku.in_(skus))).all())
    variants = session.execute(sa.select(ProductVariant.sku, Product.name, ProductVariant.name)
                               .join(Product, Product.id == ProductVariant.product_id)
                               .where(ProductVariant.sku.in_(skus)))
    for sku, product, variant in variants:
        names[sku] = f"{product} · {variant}"
    return names


def packing_list(session: Session, broadcast_id: int | None, status: str | None = None) -> list[PackingListRow]:
    """Return the units left to ship, grouped by SKU (most units first), over the orders to pack that may be picked
    now (to_pick)."""
    orders = to_pick(session, orders_to_pack(session, broadcast_id, status, limit=100_000))
    return packing_rows(session, orders, left_to_ship(session, orders))


def packing_rows(session: Session, orders: list[Order], left: dict[int, dict[str, int]]) -> list[PackingListRow]:
    """Return the packing list of orders already loaded, with their units left to ship (left_to_ship), by SKU.

    The printable page lists the orders too: it loads them once and passes them here rather than reading twice."""
    rows: dict[str, PackingListRow] = {}
    for order in orders:
        for sku, units in sorted(left[order.id].items()):
            row = rows.setdefault(sku, PackingListRow(sku, None))
            row.units += units
            row.order_ids.append(order.order_id)
    names = sku_names(session, sorted(rows))
    for row in rows.values():
        row.name = names.get(row.sku)
    return sorted(rows.values(), key=lambda r: (-r.units, r.sku))


def late_dispatch(session: Session, broadcast_id: int | None = None) -> list[dict]:
    """Return per broadcast: orders fully shipped, how many shipped after their deadline, and the rate (0..1)."""
    late = sa.and_(Order.ship_by_at.is_not(None), Order.shipped_at > Order.ship_by_at)
    query = (sa.select(Order.broadcast_id, Broadcast.title, sa.func.count(Order.id), sa.func.count(Order.id).filter(late))
             .join(Broadcast, Broadcast.id == Order.broadcast_id).where(Order.shipped_at.is_not(None))
             .group_by(Order.broadcast_id, Broadcast.title).order_by(Order.broadcast_id.desc()))
    if broadcast_id is not None:
        query = query.where(Order.broadcast_id == broadcast_id)
    return [{"broadcast_id": bid, "title": title, "shipped": int(shipped), "late": int(late_count),
             "rate": late_dispatch_rate(int(shipped), int(late_count))}
            for bid, title, shipped, late_count in session.execute(query)]


def troubled_shipments(session: Session, limit: int = LIST_LIMIT) -> list[Shipment]:
    """Return shipments whose tracking went quiet (stale) or reported trouble, oldest news first."""
    query = (sa.select(Shipment).where(sa.or_(Shipment.stale_since.is_not(None), Shipment.status.in_(SHIPMENT_EXCEPTIONS)))
             .order_by(Shipment.last_checkpoint_at.is_(None).desc(), Shipment.last_checkpoint_at, Shipment.id)
             .limit(limit).options(selectinload(Shipment.order), selectinload(Shipment.lines)))
    return list(session.scalars(query))


def count_open(session: Session, now: datetime, broadcast_id: int | None = None) -> dict[str, int]:
    """Return how many orders wait to be packed, to be shipped, and are overdue."""
    def count(*conditions) -> int:
        query = sa.select(sa.func.count(Order.id)).where(*conditions)
        if broadcast_id is not None:
            query = query.where(Order.broadcast_id == broadcast_id)
        return int(session.scalar(query) or 0)

    return {"to_pack": count(Order.status == "paid"), "packed": count(Order.status == "packing"),
            "partly_shipped": count(Order.status == "partially_shipped"),
            "overdue": count(Order.status.in_(SHIPPABLE_STATUSES), Order.ship_by_at < now)}
