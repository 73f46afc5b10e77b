"""Erasing a buyer's contact data on request (PIPL art. 47): name, phone and street address go, totals stay.

Every order of the buyer on the platform gets the tombstone of the retention (orders/customers/retention.py) in
its name, phone and street address, and so do the before/after values of its edit history; notices sent to the
buyer lose any copy of those values in their text and payload; the event log's copies are tombstoned by live,
and what the buyer wrote (complaints, survey comments, after-sale notes) by orders/care and orders/aftersales,
which also tombstone phone numbers typed there (all three listen to ``app.signals.customer_erased``). Buyer id, items, amounts, statuses and province/city/district
stay, so paid GMV, order count and refunds add up as before. Each order gets a ``contact_erased`` history row,
the customer row its ``erased_at`` and an event, and the PII access log an entry. Erasing again changes nothing
more than the log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app import realtime
from app.auth.pii import log_unmasked_view
from app.db.bulk import insert_rows
from app.signals import customer_erased
from live.models import Broadcast
from orders.customers import retention
from orders.customers.actions import record_event
from orders.customers.free_text import scrub
from orders.customers.recalculate import ensure_customer
from orders.customers.totals import order_pks
from orders.models import Order, OrderHistory
from orders.notices.models import BuyerNotice
from orders.push import order_payload

ACTION = "contact_erased"
# Shorter values are not searched for in notice texts: two digits would match amounts and dates, while a
# two-character Chinese name (张三) is a name.
MIN_SCRUBBED = 3
MIN_SCRUBBED_CJK = 2


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure changed: orders, history entries and notices that lost contact data."""

    orders: int
    history: int
    notices: int

    def as_dict(self) -> dict:
        """Return the counts as JSON."""
        return {"orders": self.orders, "history": self.history, "notices": self.notices}


def contact_values(rows) -> frozenset[str]:
    """Return the names, phones (as stored and as digits) and street addresses of order rows, tombstone left out."""
    found = set()
    for name, phone, digits, detail in rows:
        found |= {value for value in (name, phone, digits, detail) if value and value != retention.TOMBSTONE}
    return frozenset(value for value in found
                     if len(value) >= (MIN_SCRUBBED if value.isascii() else MIN_SCRUBBED_CJK))


def scrub_notices(session: Session, pks: list[int], secrets: frozenset[str]) -> int:
    """Replace the contact values in the notices of the orders (message and payload); return how many changed."""
    if not secrets or not pks:
        return 0
    changed = 0
    for notice_id, message, payload in session.execute(
            sa.select(BuyerNotice.id, BuyerNotice.message, BuyerNotice.payload).where(BuyerNotice.order_pk.in_(pks))):
        cleaned_message, cleaned_payload = scrub(message, secrets), scrub(payload, secrets)
        if (cleaned_message, cleaned_payload) != (message, payload):
            session.execute(sa.update(BuyerNotice).where(BuyerNotice.id == notice_id)
                            .values(message=cleaned_message, payload=cleaned_payload))
            changed += 1
    return changed


def erase_contact(session: Session, platform: str, buyer_id: str, principal, reason: str,
                  now: datetime) -> ErasureResult:
    """Erase the buyer's contact data everywhere LiveDesk keeps it, keep their totals; return the counts. No commit."""
    rows = session.execute(sa.select(Order.id, Order.order_id, Order.broadcast_id, Order.buyer_name, Order.buyer_phone,
                                     Order.buyer_phone_normalized, Order.address_detail)
                           .where(Order.id.in_(order_pks(session, platform, buyer_id))).order_by(Order.id)).all()
    pks = [row[0] for row in rows]
    secrets = contact_values([row[3:] for row in rows])
    history = notices = 0
    for start in range(0, len(pks), retention.CHUNK):
        chunk = pks[start:start + retention.CHUNK]
        history += retention.tombstone_history(session, chunk)
        notices += scrub_notices(session, chunk, secrets)
        retention.tombstone_orders(session, chunk)
    insert_rows(session, OrderHistory.__table__, [
        {"order_pk": pk, "action": ACTION, "from_status": status, "to_status": status, "actor": principal.username[:64],
         "reason": reason, "data": {"fields": list(retention.CONTACT_FIELDS)}, "at": now}
        for pk, status in session.execute(sa.select(Order.id, Order.status).where(Order.id.in_(pks)))])
    customer_erased.send(session, platform=platform, buyer_id=buyer_id,
                         orders=[(row[0], row[1], row[2]) for row in rows], secrets=secrets, at=now)
    customer = ensure_customer(session, platform, buyer_id)
    customer.erased_at = now
    result = ErasureResult(len(pks), history, notices)
    record_event(session, customer, ACTION, principal.username, now, {"reason": reason, **result.as_dict()})
    log_unmasked_view(session, principal, f"customer:{platform}:{buyer_id}", "erasure", buyer_id=buyer_id)
    _push_live_orders(session, pks)
    session.flush()
    return result


def _push_live_orders(session: Session, pks: list[int]) -> None:
    """Queue order.updated for the erased orders of broadcasts on air, so open consoles drop the contact."""
    if not pks:
        return
    live = session.scalars(sa.select(Order).join(Broadcast, Broadcast.id == Order.broadcast_id)
                           .where(Order.id.in_(pks), Broadcast.status == "live")
                           .options(selectinload(Order.lines)).execution_options(populate_existing=True))
    for order in live:
        realtime.queue(session, order.broadcast_id, "order.updated", {"order": order_payload(session, order)},
                       replace_key=f"order:{order.id}")
