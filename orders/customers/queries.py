"""A customer as the look-up shows them: totals, member tier, blocklist flags, orders and notices (contact masked)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.db import quantize_money
from app.privacy import mask_address, mask_order, mask_phone
from orders.audit.phone import normalize_phone
from orders.audit.risk import address_key
from orders.models import BlocklistEntry, Order
from orders.notices.models import BuyerNotice
from orders.serialize import buyer_to_dict, order_to_dict

MAX_NOTICES = 100
# The distinct phones and addresses compared with the blocklist: a buyer with more is checked on the latest ones.
MAX_CONTACTS = 50


def customer_totals(session: Session, buyer_id: str) -> dict | None:
    """Return a buyer's order counts, paid GMV and refunds due over every broadcast, or None when they have no order."""
    paid = Order.status == "paid"
    row = session.execute(sa.select(
        sa.func.count(Order.id), sa.func.count(sa.distinct(Order.broadcast_id)),
        sa.func.sum(sa.case((paid, 1), else_=0)), sa.func.sum(sa.case((paid, Order.paid_amount), else_=None)),
        sa.func.sum(Order.units), sa.func.sum(sa.case((Order.refund_due, 1), else_=0)),
        sa.func.min(Order.placed_at), sa.func.max(Order.placed_at),
    ).where(Order.buyer_id == buyer_id)).one()
    if not row[0]:
        return None
    return {"orders": row[0], "broadcasts": row[1], "paid_orders": int(row[2] or 0),
            "paid_gmv": str(quantize_money(Decimal(str(row[3] or 0)))), "units": int(row[4] or 0),
            "refund_due_orders": int(row[5] or 0),
            "first_order_at": row[6].isoformat() if row[6] else None,
            "last_order_at": row[7].isoformat() if row[7] else None}


def latest_order(session: Session, buyer_id: str) -> Order | None:
    """Return the buyer's newest order (its name, tier and contact are the ones shown)."""
    return session.scalar(sa.select(Order).where(Order.buyer_id == buyer_id).order_by(Order.id.desc()).limit(1))


def blocklist_matches(session: Session, buyer_id: str) -> list[str]:
    """Return which of the buyer's identities are blocklisted: "buyer_id", "phone", "address" (the audit's rules)."""
    entries = session.execute(sa.select(BlocklistEntry.kind, BlocklistEntry.value)).all()
    found = []
    if any(kind == "buyer_id" and value == buyer_id for kind, value in entries):
        found.append("buyer_id")
    contacts = session.execute(
        sa.select(Order.buyer_phone, Order.address_province, Order.address_city, Order.address_district,
                  Order.address_detail).where(Order.buyer_id == buyer_id).order_by(Order.id.desc()).limit(MAX_CONTACTS)
    ).all()
    phones = {normalize_phone(value) for kind, value in entries if kind == "phone"} - {None}
    if any(normalize_phone(row[0]) in phones for row in contacts if row[0]):
        found.append("phone")
    addresses = {address_key(value) for kind, value in entries if kind == "address"} - {""}
    if any(address_key("".join(part or "" for part in row[1:])) in addresses for row in contacts):
        found.append("address")
    return found


def customer_orders(session: Session, buyer_id: str, page: int, per_page: int) -> list[dict]:
    """Return one page of the buyer's orders, newest first, contact masked."""
    rows = session.scalars(sa.select(Order).where(Order.buyer_id == buyer_id).order_by(Order.id.desc())
                           .offset((page - 1) * per_page).limit(per_page).options(selectinload(Order.lines)))
    return [mask_order(order_to_dict(row)) for row in rows]


def customer_notices(session: Session, buyer_id: str) -> tuple[list[dict], int]:
    """Return the newest notices sent (or queued) to the buyer about any order, and how many there are in all."""
    of_buyer = (BuyerNotice.order_pk == Order.id) & (Order.buyer_id == buyer_id)
    total = int(session.scalar(sa.select(sa.func.count(BuyerNotice.id)).join(Order, of_buyer)) or 0)
    rows = session.execute(sa.select(BuyerNotice, Order.order_id).join(Order, of_buyer)
                           .order_by(BuyerNotice.id.desc()).limit(MAX_NOTICES))
    return [{"id": notice.id, "order_id": order_id, "kind": notice.kind, "status": notice.status,
             "channel": notice.channel, "message": dict(notice.message), "created_at": notice.created_at.isoformat(),
             "sent_at": notice.sent_at.isoformat() if notice.sent_at else None} for notice, order_id in rows], total


def customer_record(session: Session, buyer_id: str, page: int, per_page: int) -> dict | None:
    """Return everything the customer page and API show about a buyer, or None when they have no order."""
    totals = customer_totals(session, buyer_id)
    if totals is None:
        return None
    latest = latest_order(session, buyer_id)
    buyer = buyer_to_dict(latest)
    blocklist = blocklist_matches(session, buyer_id)
    notices, notices_total = customer_notices(session, buyer_id)
    return {
        "buyer_id": buyer_id, "name": buyer["name"], "member_tier": latest.member_tier,
        "contact": {"phone": mask_phone(buyer["phone"]), "address": mask_address(buyer["address"]),
                    "order_id": latest.order_id},
        "blocklisted": bool(blocklist), "blocklist": blocklist, "totals": totals,
        "orders": customer_orders(session, buyer_id, page, per_page), "page": page, "per_page": per_page,
        "notices": notices, "notices_total": notices_total,
    }
