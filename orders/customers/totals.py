"""A buyer's totals read live from their orders, per platform: counts, paid GMV, refunds, and the window's spend.

Definitions (docs/customers.md): an order is *paid* when a payment was received for it (``paid_amount`` set),
whatever happened to it later; ``paid_gmv`` sums those amounts and ``refunded`` the succeeded refunds of every
order (``refunded_amount``). The tier and RFM window counts paid orders *placed* in the last ``window_days`` and
their paid amount minus their refunds (never below 0), where a refund first gives back what was paid on top of the
order's amount (a duplicate payment): a buyer who paid twice and got the second payment back still spent the
order's amount. A buyer is one platform's buyer id: the same id on two
platforms is two customers.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import cents_to_money
from live.models import Broadcast
from orders.customers.rfm import RfmValues
from orders.customers.tiers import TierBasis
from orders.models import Order, OrderPayment

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BuyerTotals:
    """What one buyer of one platform did, over every broadcast (platform None: a buyer known on none, orderless)."""

    platform: str | None
    buyer_id: str
    orders: int
    broadcasts: int
    units: int
    paid_orders: int
    paid_gmv: Decimal
    refunded: Decimal
    refund_due_orders: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    last_paid_at: datetime | None
    window_orders: int
    window_spend: Decimal

    def rfm_values(self, now: datetime) -> RfmValues:
        """Return the RFM inputs: days since the last paid order, paid orders and spend in the window."""
        return RfmValues(recency_days(self.last_paid_at, now), self.window_orders, self.window_spend)

    def tier_basis(self) -> TierBasis:
        """Return the tier inputs: spend and paid orders in the window."""
        return TierBasis(self.window_spend, self.window_orders)

    def as_dict(self) -> dict:
        """Return the totals as the customer record shows them (money as strings, times ISO-8601)."""
        return {"orders": self.orders, "broadcasts": self.broadcasts, "paid_orders": self.paid_orders,
                "paid_gmv": f"{self.paid_gmv:.2f}", "refunded": f"{self.refunded:.2f}", "units": self.units,
                "refund_due_orders": self.refund_due_orders,
                "first_order_at": _iso(self.first_order_at), "last_order_at": _iso(self.last_order_at),
                "last_paid_at": _iso(self.last_paid_at), "window_orders": self.window_orders,
                "window_spend": f"{self.window_spend:.2f}"}


def no_orders(platform: str | None, buyer_id: str) -> BuyerTotals:
    """Return the totals of a buyer LiveDesk knows without an order (a complaint, say): every count and sum zero."""
    return BuyerTotals(platform=platform, buyer_id=buyer_id, orders=0, broadcasts=0, units=0, paid_orders=0,
                       paid_gmv=ZERO, refunded=ZERO, refund_due_orders=0, first_order_at=None, last_order_at=None,
                       last_paid_at=None, window_orders=0, window_spend=ZERO)


def recency_days(last_paid_at: datetime | None, now: datetime) -> int | None:
    """Return the whole days from the last paid order to now (None: never paid; never below 0)."""
    return None if last_paid_at is None else max(0, (now - last_paid_at).days)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _cents(column):
    """Return column read as raw integer cents, so SQL sums stay exact integers (orders.push does the same)."""
    return sa.type_coerce(column, sa.BigInteger)


def buyer_totals(session: Session, now: datetime, window_days: int, platform: str | None = None,
                 buyer_id: str | None = None, buyer_ids: Collection[str] | None = None) -> list[BuyerTotals]:
    """Return the totals of every buyer with an order, one per platform and buyer id.

    platform and buyer_id narrow it to one platform's buyer; buyer_ids to those ids (on every platform)."""
    paid = Order.paid_amount.is_not(None)
    in_window = paid & (Order.placed_at >= now - timedelta(days=window_days))
    # Per order, by its index (a grouped subquery of every payment would cost what the whole shop paid, per buyer).
    payments = (sa.select(sa.func.sum(_cents(OrderPayment.amount))).where(
        OrderPayment.order_pk == Order.id, OrderPayment.status == "paid").scalar_subquery())
    query = (sa.select(
        Broadcast.platform, Order.buyer_id, sa.func.count(Order.id), sa.func.count(sa.distinct(Order.broadcast_id)),
        sa.func.coalesce(sa.func.sum(Order.units), 0), sa.func.count(Order.id).filter(paid),
        sa.func.coalesce(sa.func.sum(_cents(Order.paid_amount)).filter(paid), 0),
        sa.func.coalesce(sa.func.sum(_cents(Order.refunded_amount)), 0),
        sa.func.count(Order.id).filter(Order.refund_due.is_(True)),
        sa.func.min(Order.placed_at), sa.func.max(Order.placed_at),
        sa.func.max(sa.func.coalesce(Order.paid_at, Order.placed_at)).filter(paid),
        sa.func.count(Order.id).filter(in_window),
        sa.func.coalesce(sa.func.sum(_cents(Order.paid_amount) - _purchase_refunded(payments))
                         .filter(in_window), 0))
        .join(Broadcast, Broadcast.id == Order.broadcast_id)
        .where(Order.buyer_id.is_not(None))
        .group_by(Broadcast.platform, Order.buyer_id).order_by(Broadcast.platform, Order.buyer_id))
    if platform is not None:
        query = query.where(Broadcast.platform == platform)
    if buyer_id is not None:
        query = query.where(Order.buyer_id == buyer_id)
    if buyer_ids is not None:
        query = query.where(Order.buyer_id.in_(sorted(buyer_ids)))
    return [_totals(row) for row in session.execute(query)]


def _purchase_refunded(payments_total):
    """Return, as SQL in cents, what an order's refunds gave back of its amount: its succeeded refunds minus what was
    paid over the amount (a duplicate payment, refunded first), never below 0."""
    paid, refunded = _cents(Order.paid_amount), _cents(Order.refunded_amount)
    over = sa.case((sa.func.coalesce(payments_total, paid) > paid, sa.func.coalesce(payments_total, paid) - paid),
                   else_=0)
    return sa.case((refunded > over, refunded - over), else_=0)


def _totals(row) -> BuyerTotals:
    """Return the totals of one aggregate row (times typed by the column's UTCDateTime)."""
    return BuyerTotals(
        platform=row[0], buyer_id=row[1], orders=int(row[2]), broadcasts=int(row[3]), units=int(row[4] or 0),
        paid_orders=int(row[5]), paid_gmv=cents_to_money(row[6]), refunded=cents_to_money(row[7]),
        refund_due_orders=int(row[8]), first_order_at=row[9], last_order_at=row[10], last_paid_at=row[11],
        window_orders=int(row[12]), window_spend=max(ZERO, cents_to_money(row[13])))


def platforms_of(session: Session, buyer_id: str) -> list[str]:
    """Return the platforms on which the buyer id has orders, the one of their newest order first."""
    rows = session.execute(
        sa.select(Broadcast.platform, sa.func.max(Order.id).label("newest"))
        .join(Broadcast, Broadcast.id == Order.broadcast_id).where(Order.buyer_id == buyer_id)
        .group_by(Broadcast.platform).order_by(sa.desc("newest"))).all()
    return [platform for platform, _newest in rows]


def order_pks(session: Session, platform: str, buyer_id: str) -> sa.Select:
    """Return a SELECT of the ids of the buyer's orders on the platform (for IN clauses)."""
    return (sa.select(Order.id).join(Broadcast, Broadcast.id == Order.broadcast_id)
            .where(Order.buyer_id == buyer_id, Broadcast.platform == platform))
