"""Rows for the survey and follow-up tests: a broadcast with paid, delivered orders, and the signals sent for them.

The senders of the after-sale signals (fulfilment, after-sales, complaints) are other domains; these helpers
send the signals as those senders do (inside a transaction, then commit), with real order rows.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

from app.db import utcnow
from app.extensions import db
from app.signals import aftersale_closed, complaint_resolved, order_delivered
from live.models import Broadcast
from orders.models import Order, OrderLine

_numbers = itertools.count(1)


def broadcast(title: str = "Spring tea") -> Broadcast:
    """Return a new ended broadcast (flushed, not committed)."""
    row = Broadcast(title=title, platform="douyin", status="ended", started_at=utcnow() - timedelta(hours=2))
    db.session.add(row)
    db.session.flush()
    return row


def paid_order(broadcast_id: int, buyer_id: str = "B-1", total: str = "99.00", skus: tuple[str, ...] = ("TEA-1",),
               paid_at: datetime | None = None, status: str = "paid") -> Order:
    """Return a new paid order of buyer_id with one unit of each SKU (flushed, not committed)."""
    n = next(_numbers)
    at = paid_at or utcnow() - timedelta(days=1)
    order = Order(order_id=f"SV-{n}", broadcast_id=broadcast_id, source="in_stream", status=status,
                  buyer_id=buyer_id, buyer_name="张三", buyer_phone="13812345678", units=len(skus),
                  subtotal=Decimal(total), total=Decimal(total), paid_amount=Decimal(total), placed_at=at, paid_at=at)
    share = (Decimal(total) / len(skus)).quantize(Decimal("0.01"))
    order.lines = [OrderLine(sku=sku, qty=1, unit_price=share, line_total=share) for sku in skus]
    db.session.add(order)
    db.session.flush()
    return order


def deliver(order: Order, at: datetime | None = None, commit: bool = True) -> None:
    """Mark order delivered and send order_delivered as orders.fulfilment does; commit unless told not to."""
    at = at or utcnow()
    order.status, order.delivered_at = "delivered", at
    order_delivered.send(db.session, order=order, at=at)
    if commit:
        db.session.commit()


def close_case(order: Order, case_id: int, reason: str = "quality", agent_id: int | None = None,
               at: datetime | None = None) -> SimpleNamespace:
    """Send aftersale_closed for a case of order with the attributes orders.aftersales gives; commit."""
    case = SimpleNamespace(id=case_id, order_pk=order.id, order=order, reason=reason, claimed_by=agent_id,
                           status="completed")
    aftersale_closed.send(db.session, case=case, order=order, at=at or utcnow())
    db.session.commit()
    return case


def resolve_complaint(order: Order | None, complaint_id: int, category: str = "service_attitude",
                      assignee: str | None = None, buyer_id: str | None = None, reopen_count: int = 0) -> SimpleNamespace:
    """Send complaint_resolved for a complaint about order with the attributes orders.care gives; commit."""
    complaint = SimpleNamespace(id=complaint_id, order_pk=order.id if order else None,
                                buyer_id=buyer_id or (order.buyer_id if order else None), category=category,
                                assignee=assignee, reopen_count=reopen_count, status="resolved")
    complaint_resolved.send(db.session, complaint=complaint, at=utcnow())
    db.session.commit()
    return complaint


def days_ago(days: float) -> datetime:
    """Return the aware UTC time `days` ago."""
    return datetime.now(timezone.utc) - timedelta(days=days)
