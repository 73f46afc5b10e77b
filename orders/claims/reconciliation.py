"""Reconciliation of a broadcast's claims against its orders: what never became an order, drafts not completed,
orders not paid within the window (the 催付 list), orders whose comment was never seen, and the comment → order lag.

reconcile (pure) works on plain rows; load_reconciliation reads them (three queries) and calls it.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.moderation.models import ModeratedMessage
from orders.claims.status import CLAIM_STATUSES, claim_status
from orders.claims.models import ChatClaim
from orders.models import Order
from orders.notices.models import BuyerNotice

LIST_LIMIT = 1000  # rows per list in one answer; the counts are always whole
# Unpaid orders the 催付 list is about: accepted ones (payment timer running) and drafts holding units.
_DUE = ("accepted", "claimed")


@dataclass(frozen=True)
class ClaimRow:
    """A claim with its order's id, status and whether it holds stock (None when it has no order)."""

    comment_id: str
    viewer_id: str
    text: str
    at: datetime
    qty: int
    reason: str | None
    ordered_at: datetime | None
    order_id: str | None = None
    order_status: str | None = None
    order_reserved: bool = False


@dataclass(frozen=True)
class OrderRow:
    """An order of the broadcast as the reconciliation reads it."""

    order_id: str
    buyer_id: str | None
    status: str
    total: Decimal
    paid: bool
    reserved: bool
    comment_id: str | None
    placed_at: datetime
    reminded_at: datetime | None = None


def reconcile(claims: list[ClaimRow], orders: list[OrderRow], seen_comments: set[str], now: datetime,
              unpaid_minutes: int) -> dict:
    """Return the reconciliation of claims and orders: counts, the lists, and the comment → order lag in seconds."""
    counts = dict.fromkeys(CLAIM_STATUSES, 0)
    without_order, open_drafts, lags = [], [], []
    for claim in claims:
        status = claim_status(claim.reason, claim.order_status, claim.ordered_at)
        counts[status] += 1
        if claim.order_id is None:
            without_order.append({"comment_id": claim.comment_id, "viewer_id": claim.viewer_id, "text": claim.text,
                                  "at": claim.at.isoformat(), "status": status, "reason": claim.reason})
        elif claim.order_status == "claimed":
            open_drafts.append({"comment_id": claim.comment_id, "viewer_id": claim.viewer_id, "text": claim.text,
                                "at": claim.at.isoformat(), "order_id": claim.order_id,
                                "waiting": not claim.order_reserved})
        if claim.ordered_at is not None:
            lags.append((claim.ordered_at - claim.at).total_seconds())
    due_before = now - timedelta(minutes=unpaid_minutes)
    unpaid = [_unpaid(order, now) for order in orders
              if order.status in _DUE and not order.paid and order.placed_at <= due_before
              and (order.status != "claimed" or order.reserved)]
    unseen = [{"order_id": order.order_id, "comment_id": order.comment_id, "status": order.status,
               "placed_at": order.placed_at.isoformat()} for order in orders
              if order.comment_id and order.status != "claimed" and order.comment_id not in seen_comments]
    return {
        "counts": counts | {"total": len(claims)},
        "claims_without_order": {"total": len(without_order), "items": without_order[:LIST_LIMIT]},
        "open_drafts": {"total": len(open_drafts), "items": open_drafts[:LIST_LIMIT]},
        "unpaid": {"total": len(unpaid), "minutes": unpaid_minutes, "items": unpaid[:LIST_LIMIT]},
        "orders_without_comment": {"total": len(unseen), "items": unseen[:LIST_LIMIT]},
        "lag_seconds": _lag(lags),
    }


def _unpaid(order: OrderRow, now: datetime) -> dict:
    return {"order_id": order.order_id, "buyer_id": order.buyer_id, "status": order.status, "total": str(order.total),
            "comment_id": order.comment_id, "placed_at": order.placed_at.isoformat(),
            "minutes_unpaid": int((now - order.placed_at).total_seconds() // 60),
            "reminded_at": order.reminded_at.isoformat() if order.reminded_at else None}


def _lag(lags: list[float]) -> dict:
    """Return count, median, 90th percentile and max of the lags (None when there is none)."""
    if not lags:
        return {"count": 0, "median": None, "p90": None, "max": None}
    ordered = sorted(lags)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return {"count": len(ordered), "median": round(statistics.median(ordered), 3), "p90": round(p90, 3),
            "max": round(ordered[-1], 3)}


def load_reconciliation(session: Session, broadcast_id: int, now: datetime, unpaid_minutes: int) -> dict:
    """Return the broadcast's reconciliation as read now."""
    claims = [ClaimRow(c.comment_id, c.viewer_id, c.text, c.at, c.qty, c.reason, c.ordered_at, order_id, status,
                       bool(reserved))
              for c, order_id, status, reserved in session.execute(
                  sa.select(ChatClaim, Order.order_id, Order.status, Order.stock_reserved)
                  .outerjoin(Order, Order.id == ChatClaim.order_pk).where(ChatClaim.broadcast_id == broadcast_id)
                  .order_by(ChatClaim.at, ChatClaim.id))]
    reminded = (sa.select(BuyerNotice.order_pk, sa.func.max(BuyerNotice.created_at).label("at"))
                .where(BuyerNotice.kind == "payment_reminder").group_by(BuyerNotice.order_pk).subquery())
    orders = [OrderRow(*row) for row in session.execute(
        sa.select(Order.order_id, Order.buyer_id, Order.status, Order.total, Order.paid_amount.is_not(None),
                  Order.stock_reserved, Order.comment_id, Order.placed_at, reminded.c.at)
        .outerjoin(reminded, reminded.c.order_pk == Order.id).where(Order.broadcast_id == broadcast_id)
        .order_by(Order.placed_at, Order.id))]
    named = {order.comment_id for order in orders if order.comment_id}
    seen = set(session.scalars(sa.select(ModeratedMessage.event_id).where(
        ModeratedMessage.broadcast_id == broadcast_id, ModeratedMessage.event_id.in_(sorted(named))))) if named else set()
    return reconcile(claims, orders, seen, now, unpaid_minutes)
