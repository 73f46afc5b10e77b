"""After-sales in the metrics: refunds and returns of the paid orders a broadcast's GMV counts (docs/metrics.md
"Refunds and returns").

The event log knows nothing of after-sales: cases and refunds live in the back office's tables
(orders/aftersales/models.py). They are read at query time and matched to the orders the rollups count as paid
(attributed, paid, not cancelled), so net GMV and GMV always speak of the same orders.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.metrics.definitions import BaseCounts
from analytics.models import OrderRollup
from analytics.rollups.catalogue import product_skus
from orders.aftersales.models import AftersaleCase, CaseLine, Refund
from orders.models import Order

# A refund of a duplicate payment gives back money GMV never counted (only the first paid payment is GMV).
NOT_GMV_REASONS = ("duplicate_payment",)
# A return: the buyer sends the goods back rather than keeping them (a repair comes back to the buyer).
RETURNED_TYPES = ("return_refund", "exchange")
# From the seller's agreement on; a cancelled case, or one closed because nothing came back, is no return.
RETURNED_STATUSES = ("awaiting_return", "return_shipped", "received", "inspected", "refunded",
                     "replacement_shipped", "completed")


@dataclass(frozen=True)
class RefundCounts:
    """Refunds and returns of one broadcast's counted paid orders.

    refunded: succeeded refunds' goods amounts (each order's capped at its counted paid amount);
    refunded_orders / returned_orders: counted paid orders with a succeeded refund / with a return.
    """

    refunded: Decimal = Decimal(0)
    refunded_orders: int = 0
    returned_orders: int = 0


@dataclass
class ProductAftersales:
    """Refunds and returns of one product (variants rolled up) among a broadcast's counted paid orders."""

    refunded: Decimal = Decimal(0)
    refunded_orders: set = field(default_factory=set)
    returned_orders: set = field(default_factory=set)
    returned_units: int = 0
    reasons: dict = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class ReasonAftersales:
    """Cases of one reason among a broadcast's counted paid orders: all of them, the returns, and what was refunded."""

    cases: int = 0
    returns: int = 0
    refunded: Decimal = Decimal(0)


def _of_counted_orders(query: sa.Select, broadcast_id: int, cutoff_us: int) -> sa.Select:
    """Return query (over AftersaleCase) narrowed to the broadcast's cases on orders that count as paid.

    It starts from the broadcast's cases (an index), then each case's order and its rollup row (primary keys): a
    broadcast without cases costs one index look-up, whatever its number of orders.
    """
    roll = OrderRollup.__table__
    return (query.join(Order, Order.id == AftersaleCase.order_pk)
            .join(roll, sa.and_(roll.c.broadcast_id == Order.broadcast_id, roll.c.order_id == Order.order_id))
            .where(AftersaleCase.broadcast_id == broadcast_id, roll.c.placed_us.is_not(None),
                   roll.c.placed_us <= cutoff_us, roll.c.paid_us.is_not(None), sa.not_(roll.c.cancelled)))


def _succeeded_refunds(session: Session, broadcast_id: int, cutoff_us: int) -> list:
    """Return (order pk, counted paid amount, case reason, refund amount, refund lines) of every succeeded refund
    of the broadcast's counted paid orders."""
    paid = OrderRollup.__table__.c.paid_amount
    query = (sa.select(AftersaleCase.order_pk, paid, AftersaleCase.reason, Refund.amount, Refund.lines)
             .select_from(AftersaleCase).join(Refund, Refund.case_pk == AftersaleCase.id)
             .where(Refund.status == "succeeded").order_by(Refund.id))
    return session.execute(_of_counted_orders(query, broadcast_id, cutoff_us)).all()


def _cases(session: Session, broadcast_id: int, cutoff_us: int) -> list:
    """Return (case pk, order pk, type, status, reason) of every case of the broadcast's counted paid orders."""
    query = (sa.select(AftersaleCase.id, AftersaleCase.order_pk, AftersaleCase.type, AftersaleCase.status,
                       AftersaleCase.reason).order_by(AftersaleCase.id))
    return session.execute(_of_counted_orders(query, broadcast_id, cutoff_us)).all()


def is_return(case_type: str, status: str) -> bool:
    """Return True when a case of case_type in status is a return (the buyer sends the goods back for good)."""
    return case_type in RETURNED_TYPES and status in RETURNED_STATUSES


def refund_counts(session: Session, broadcast_id: int, cutoff_us: int) -> RefundCounts:
    """Return the refunds and returns of the broadcast's paid orders placed up to cutoff_us (its GMV's orders)."""
    per_order: dict[int, Decimal] = defaultdict(Decimal)
    paid_of: dict[int, Decimal] = {}
    for pk, paid, reason, amount, _lines in _succeeded_refunds(session, broadcast_id, cutoff_us):
        if reason in NOT_GMV_REASONS:
            continue
        per_order[pk] += amount
        paid_of[pk] = paid or Decimal(0)
    refunded = sum((min(amount, paid_of[pk]) for pk, amount in per_order.items()), Decimal(0))
    returned = {order_pk for _pk, order_pk, case_type, status, _reason in _cases(session, broadcast_id, cutoff_us)
                if is_return(case_type, status)}
    return RefundCounts(refunded=refunded, refunded_orders=sum(1 for amount in per_order.values() if amount > 0),
                        returned_orders=len(returned))


def with_refunds(session: Session, counts: BaseCounts, broadcast_id: int, cutoff_us: int) -> BaseCounts:
    """Return counts with the broadcast's refunds and returns filled in (refund_counts)."""
    found = refund_counts(session, broadcast_id, cutoff_us)
    return replace(counts, refunded=found.refunded, refunded_orders=found.refunded_orders,
                   returned_orders=found.returned_orders)


def by_product(session: Session, broadcast_id: int, cutoff_us: int) -> dict[str, ProductAftersales]:
    """Return the refunds and returns of each product (variants rolled up) among the broadcast's counted orders.

    A refund counts for the products of its lines (a refund of a case without lines counts for the broadcast
    only); a return for the products of its case's lines, its units and its reason.
    """
    refunds = [row for row in _succeeded_refunds(session, broadcast_id, cutoff_us) if row[2] not in NOT_GMV_REASONS]
    cases = [row for row in _cases(session, broadcast_id, cutoff_us) if is_return(row[2], row[3])]
    lines = session.execute(sa.select(CaseLine.case_pk, CaseLine.sku, CaseLine.qty).where(
        CaseLine.case_pk.in_([row[0] for row in cases]))).all() if cases else []
    skus = {line["sku"] for row in refunds for line in (row[4] or []) if line.get("sku")}
    skus |= {sku for _case, sku, _qty in lines}
    products = product_skus(session, skus)
    found: dict[str, ProductAftersales] = defaultdict(ProductAftersales)
    for order_pk, _paid, _reason, _amount, refund_lines in refunds:
        for line in refund_lines or []:
            product = found[products.get(line["sku"], line["sku"])]
            product.refunded += Decimal(str(line.get("amount") or 0))
            product.refunded_orders.add(order_pk)
    case_of = {row[0]: row for row in cases}
    case_products: set[tuple[int, str]] = set()
    for case_pk, sku, qty in lines:
        _pk, order_pk, _type, _status, reason = case_of[case_pk]
        product_sku = products.get(sku, sku)
        product = found[product_sku]
        product.returned_orders.add(order_pk)
        product.returned_units += qty
        if (case_pk, product_sku) not in case_products:  # a reason counts once per case and product
            case_products.add((case_pk, product_sku))
            product.reasons[reason] += 1
    return dict(found)


def by_reason(session: Session, broadcast_id: int, cutoff_us: int) -> dict[str, ReasonAftersales]:
    """Return, per case reason, the cases of the broadcast's counted orders, the returns among them and the goods
    amount their succeeded refunds gave back."""
    cases: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _pk, _order, case_type, status, reason in _cases(session, broadcast_id, cutoff_us):
        cases[reason][0] += 1
        cases[reason][1] += int(is_return(case_type, status))
    refunded: dict[str, Decimal] = defaultdict(Decimal)
    for _pk, _paid, reason, amount, _lines in _succeeded_refunds(session, broadcast_id, cutoff_us):
        refunded[reason] += amount
    return {reason: ReasonAftersales(cases[reason][0], cases[reason][1], refunded.get(reason, Decimal(0)))
            for reason in sorted(set(cases) | set(refunded))}
