"""Exporting everything LiveDesk keeps about one buyer (PIPL art. 45): unmasked, for the PII roles, logged.

The export is one JSON document: the customer row (totals, RFM, tier and its history, tags, offers, events), every
order with its items and history (contact in full), the notices sent, and what customer care recorded. Asking for
it writes a PII access log entry (channel ``export``) and a customer event.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.auth.pii import log_unmasked_view
from orders.customers import care
from orders.customers.actions import record_event
from orders.customers.queries import customer_events, customer_offers, find_customer, live_totals, tier_history
from orders.customers.recalculate import ensure_customer
from orders.customers.totals import order_pks
from orders.models import Order
from orders.notices.models import BuyerNotice
from orders.serialize import order_to_dict

# A buyer with more orders than this is exported in parts by the order look-up API; the document says so.
MAX_ORDERS = 10_000
FORMAT = "livedesk-customer-export/1"


def _stored(customer) -> dict | None:
    """Return the stored snapshot of a customer row as JSON."""
    if customer is None:
        return None
    return {"tier": customer.tier, "tier_since": _iso(customer.tier_since), "segment": customer.segment,
            "rfm": {"recency_days": customer.recency_days, "frequency": customer.frequency,
                    "monetary": f"{customer.monetary:.2f}", "r": customer.r, "f": customer.f, "m": customer.m},
            "tags": list(customer.tags or []), "erased_at": _iso(customer.erased_at),
            "recalculated_at": _iso(customer.recalculated_at), "created_at": _iso(customer.created_at)}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def export_customer(session: Session, platform: str, buyer_id: str, principal, now: datetime) -> dict:
    """Return the buyer's data as one JSON document, after logging who asked. No commit."""
    orders = session.scalars(sa.select(Order).where(Order.id.in_(order_pks(session, platform, buyer_id)))
                             .order_by(Order.id).limit(MAX_ORDERS + 1)
                             .options(selectinload(Order.lines), selectinload(Order.history))).all()
    pks = [order.id for order in orders[:MAX_ORDERS]]
    notices = session.execute(sa.select(BuyerNotice, Order.order_id).join(Order, Order.id == BuyerNotice.order_pk)
                              .where(BuyerNotice.order_pk.in_(pks)).order_by(BuyerNotice.id)).all()
    customer = find_customer(session, platform, buyer_id)
    totals = live_totals(session, platform, buyer_id, now)
    document = {
        "format": FORMAT, "exported_at": now.isoformat(), "exported_by": principal.username,
        "platform": platform, "buyer_id": buyer_id, "totals": totals.as_dict() if totals else None,
        "customer": _stored(customer), "tier_history": tier_history(session, customer),
        "offers": customer_offers(session, customer), "events": customer_events(session, customer),
        "orders": [order_to_dict(order, with_history=True) for order in orders[:MAX_ORDERS]],
        "orders_truncated": len(orders) > MAX_ORDERS,
        "notices": [{"order_id": order_id, "kind": notice.kind, "status": notice.status, "channel": notice.channel,
                     "message": notice.message, "created_at": notice.created_at.isoformat(),
                     "sent_at": _iso(notice.sent_at)} for notice, order_id in notices],
        "complaints": care.complaints(session, buyer_id), "surveys": care.surveys(session, buyer_id),
        "followups": care.followups(session, buyer_id),
    }
    log_unmasked_view(session, principal, f"customer:{platform}:{buyer_id}", "export", buyer_id=buyer_id)
    record_event(session, ensure_customer(session, platform, buyer_id), "exported", principal.username, now,
                 {"orders": len(document["orders"])})
    return document
