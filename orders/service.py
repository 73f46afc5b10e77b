"""Order lifecycle services: receive an order event, record payments and cancellations, report totals."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.db import cents_to_money, quantize_money
from orders import history, inventory
from orders.catalog import price_lookup
from orders.models import Order, OrderLine
from orders.review import review_order

# Orders in these statuses no longer count towards the live totals.
CLOSED_STATUSES = ("rejected", "cancelled", "expired")


class OrderRejected(Exception):
    """An order event that cannot be applied; answered as a rejected event with code and field."""

    def __init__(self, code: str, field: str, message: str):
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


@dataclass
class OrderOutcome:
    """What a service did to one order: the order, whether it is new, and the SKUs whose stock moved."""

    order: Order
    created: bool
    stock_skus: list[str] = field(default_factory=list)


def receive_order(session: Session, broadcast_id: int, data: dict, placed_at, event_id: str) -> OrderOutcome | None:
    """Return the outcome of storing and reviewing a new order, or None when that order_id already exists."""
    prices = price_lookup(session, broadcast_id, [item["sku"] for item in data["items"]])
    buyer, address = data["buyer"], data["buyer"]["address"]
    order = Order(
        order_id=data["order_id"], broadcast_id=broadcast_id, source=data["source"], status="received",
        buyer_id=buyer["id"], buyer_name=buyer["name"], buyer_phone=buyer["phone"],
        address_province=address["province"], address_city=address["city"],
        address_district=address["district"], address_detail=address["detail"],
        comment_id=data["comment_id"], coupon_codes=data["coupon_codes"], placed_at=placed_at,
    )
    total, units = Decimal("0"), 0
    for item in data["items"]:
        unit_price = item["unit_price"] if item["unit_price"] is not None else prices.get(item["sku"], Decimal("0"))
        line_total = quantize_money(unit_price * item["qty"])
        order.lines.append(OrderLine(sku=item["sku"], qty=item["qty"], unit_price=quantize_money(unit_price),
                                     line_total=line_total))
        total += line_total
        units += item["qty"]
    order.total, order.units = quantize_money(total), units
    savepoint = session.begin_nested()
    try:
        session.add(order)
        session.flush()
    except IntegrityError:
        # Another delivery of the same order (possibly committed by a concurrent request) got here first.
        savepoint.rollback()
        return None
    savepoint.commit()
    history.order_received(session, order, event_id)
    stock_skus = review_order(session, order)
    return OrderOutcome(order=order, created=True, stock_skus=stock_skus)


def find_order(session: Session, order_id: str) -> Order | None:
    """Return the order with this platform order id, lines loaded, or None."""
    return session.scalar(sa.select(Order).where(Order.order_id == order_id).options(selectinload(Order.lines)))


def _require(session: Session, order_id: str) -> Order:
    order = find_order(session, order_id)
    if order is None:
        raise OrderRejected("unknown_order", "order_id", f"no order {order_id!r} has been received")
    return order


def _quantities(order: Order) -> dict[str, int]:
    return inventory.requested_by_sku([(line.sku, line.qty) for line in order.lines])


def record_payment(session: Session, data: dict) -> OrderOutcome:
    """Return the outcome of a platform payment report: paid turns reserved units into sold ones."""
    order = _require(session, data["order_id"])
    amount = str(quantize_money(data["amount"]))
    if data["status"] == "failed":
        history.payment_recorded(session, order, "failed", amount, data["method"])
        return OrderOutcome(order=order, created=False)
    if order.status == "paid":
        history.payment_recorded(session, order, "paid", amount, data["method"])
        history.note_added(session, order, "system", "second paid payment for this order: refund it",
                           data={"amount": amount, "refund": True})
        return OrderOutcome(order=order, created=False)
    if order.status != "accepted":
        # Paid before stock was reserved (held or waitlisted): keep the money on record for a person to settle.
        history.payment_recorded(session, order, "paid", amount, data["method"])
        order.paid_amount = quantize_money(data["amount"])
        return OrderOutcome(order=order, created=False)
    inventory.sell(session, _quantities(order))
    order.paid_amount = quantize_money(data["amount"])
    history.payment_recorded(session, order, "paid", amount, data["method"], to_status="paid")
    return OrderOutcome(order=order, created=False, stock_skus=sorted(_quantities(order)))


def cancel_order(session: Session, order_id: str, reason: str | None, actor: str = "platform") -> OrderOutcome:
    """Return the outcome of cancelling an order; its reserved or sold units go back to available."""
    order = _require(session, order_id)
    if order.status in CLOSED_STATUSES:
        history.note_added(session, order, actor, f"cancel ignored: order is already {order.status}")
        return OrderOutcome(order=order, created=False)
    moved: list[str] = []
    if order.status == "accepted":
        inventory.release(session, _quantities(order))
        moved = sorted(_quantities(order))
    elif order.status == "paid":
        inventory.restore_sold(session, _quantities(order))
        moved = sorted(_quantities(order))
    history.status_changed(session, order, "cancelled", actor=actor, reason=reason)
    return OrderOutcome(order=order, created=False, stock_skus=moved)


def _cents(column):
    """Return column read as raw integer cents, so SQL sums stay exact integers."""
    return sa.type_coerce(column, sa.BigInteger)


def broadcast_totals(session: Session, broadcast_id: int) -> dict:
    """Return the live totals of a broadcast: open orders, units and GMV, and the paid part of them."""
    open_orders = sa.and_(Order.broadcast_id == broadcast_id, Order.status.not_in(CLOSED_STATUSES))
    row = session.execute(
        sa.select(
            sa.func.count(Order.id),
            sa.func.coalesce(sa.func.sum(Order.units), 0),
            sa.func.coalesce(sa.func.sum(_cents(Order.total)), 0),
            sa.func.count(Order.id).filter(Order.status == "paid"),
            sa.func.coalesce(sa.func.sum(_cents(Order.paid_amount)).filter(Order.status == "paid"), 0),
        ).where(open_orders)
    ).one()
    return {
        "orders": int(row[0]), "units": int(row[1]), "gmv": str(cents_to_money(row[2])),
        "paid_orders": int(row[3]), "paid_gmv": str(cents_to_money(row[4])),
    }


def list_orders(session: Session, broadcast_id: int | None, status: str | None, page: int, per_page: int) -> tuple[list[Order], int]:
    """Return one page of orders, newest first, and the total count for the filters."""
    query = sa.select(Order)
    if broadcast_id is not None:
        query = query.where(Order.broadcast_id == broadcast_id)
    if status is not None:
        query = query.where(Order.status == status)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Order.id.desc()).offset((page - 1) * per_page).limit(per_page).options(selectinload(Order.lines))
    ).all()
    return list(rows), int(total or 0)
