"""A customer as the page and API show them: live totals, RFM, tier and its history, tags, offers, blocklist flags,
orders and notices (contact masked), and what customer care recorded (complaints, surveys, follow-ups).

A buyer is one platform's buyer id, and their platforms are those of their orders. A buyer without an order is
known too when customer care holds a record of them (a complaint, say) or a customer row was stored for them: their
platforms are then those of the stored rows and of the broadcasts their complaints came from, maybe none (a
complaint registered in the back office), and their record has no order, zero totals and the care records.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.privacy import mask_address, mask_order, mask_phone
from live.models import Broadcast
from orders.audit.phone import normalize_phone
from orders.audit.risk import address_key, blocklist_key
from orders.care.buyers import has_care_records
from orders.customers import care
from orders.customers.models import Customer, CustomerEvent, CustomerTierChange, Offer, OfferGrant
from orders.customers.policy import load_cuts, load_policy, recalculated_at
from orders.customers.retention import TOMBSTONE
from orders.customers.rfm import score
from orders.customers.tiers import tier_for
from orders.customers.totals import BuyerTotals, buyer_totals, no_orders, platforms_of
from orders.models import BlocklistEntry, Order
from orders.notices.models import BuyerNotice
from orders.serialize import buyer_to_dict, order_dict_loads, order_to_dict

MAX_NOTICES = 100
MAX_HISTORY = 100
# The distinct phones and addresses compared with the blocklist: a buyer with more is checked on the latest ones.
MAX_CONTACTS = 50


def buyer_platforms(session: Session, buyer_id: str) -> list[str]:
    """Return the platforms of the buyer id, that of their newest order first; without an order, the platforms of
    their stored customer rows, then of the broadcasts their complaints came from (maybe none)."""
    platforms = platforms_of(session, buyer_id)
    if platforms:
        return platforms
    stored = session.scalars(sa.select(Customer.platform).where(Customer.buyer_id == buyer_id).order_by(Customer.id))
    return list(dict.fromkeys([*stored, *care.platforms(session, buyer_id)]))


def is_known(session: Session, buyer_id: str, platforms: list[str]) -> bool:
    """Return whether LiveDesk knows the buyer id: it has a platform (buyer_platforms) or a customer care record."""
    return bool(platforms) or has_care_records(session, buyer_id)


def resolve_platform(session: Session, buyer_id: str, platform: str | None,
                     platforms: list[str] | None = None) -> str | None:
    """Return the platform a request means: the one named (if the buyer is known there), else their newest order's
    (buyer_platforms: without an order, the first other one). None: not known there, or known on no platform."""
    platforms = buyer_platforms(session, buyer_id) if platforms is None else platforms
    if platform is not None:
        return platform if platform in platforms else None
    return platforms[0] if platforms else None


def _of_buyer(platform: str, buyer_id: str):
    """Return the condition of the buyer's orders on the platform (with Broadcast joined)."""
    return (Order.buyer_id == buyer_id) & (Broadcast.platform == platform)


def latest_order(session: Session, platform: str, buyer_id: str) -> Order | None:
    """Return the buyer's newest order on the platform (its name, tier and contact are the ones shown)."""
    return session.scalar(sa.select(Order).join(Broadcast, Broadcast.id == Order.broadcast_id)
                          .where(_of_buyer(platform, buyer_id)).order_by(Order.id.desc()).limit(1))


def blocklist_matches(session: Session, buyer_id: str) -> list[str]:
    """Return which of the buyer's identities are blocklisted: "buyer_id", "phone", "address" (the audit's rules)."""
    found = []
    contacts = session.execute(
        sa.select(Order.buyer_phone, Order.address_province, Order.address_city, Order.address_district,
                  Order.address_detail).where(Order.buyer_id == buyer_id).order_by(Order.id.desc()).limit(MAX_CONTACTS)
    ).all()
    # Only the entries these identities could match (blocklist.match_key), and any entry written without a key.
    keys = {blocklist_key("buyer_id", buyer_id)}
    keys |= {blocklist_key("phone", row[0]) for row in contacts}
    keys |= {blocklist_key("address", "".join(part or "" for part in row[1:])) for row in contacts}
    entries = session.execute(sa.select(BlocklistEntry.kind, BlocklistEntry.value).where(sa.or_(
        BlocklistEntry.match_key.in_(sorted(keys - {None})), BlocklistEntry.match_key.is_(None)))).all()
    if any(kind == "buyer_id" and value == buyer_id for kind, value in entries):
        found.append("buyer_id")
    phones = {normalize_phone(value) for kind, value in entries if kind == "phone"} - {None}
    if any(normalize_phone(row[0]) in phones for row in contacts if row[0]):
        found.append("phone")
    addresses = {address_key(value) for kind, value in entries if kind == "address"} - {""}
    if any(address_key("".join(part or "" for part in row[1:])) in addresses for row in contacts):
        found.append("address")
    return found


def customer_orders(session: Session, platform: str, buyer_id: str, page: int, per_page: int) -> list[dict]:
    """Return one page of the buyer's orders on the platform, newest first, contact masked."""
    rows = session.scalars(sa.select(Order).join(Broadcast, Broadcast.id == Order.broadcast_id)
                           .where(_of_buyer(platform, buyer_id)).order_by(Order.id.desc())
                           .offset((page - 1) * per_page).limit(per_page).options(*order_dict_loads()))
    return [mask_order(order_to_dict(row)) for row in rows]


def customer_notices(session: Session, platform: str, buyer_id: str) -> tuple[list[dict], int]:
    """Return the newest notices sent (or queued) to the buyer about any order, and how many there are in all."""
    joined = (sa.select(BuyerNotice, Order.order_id).join(Order, BuyerNotice.order_pk == Order.id)
              .join(Broadcast, Broadcast.id == Order.broadcast_id).where(_of_buyer(platform, buyer_id)))
    total = int(session.scalar(sa.select(sa.func.count()).select_from(joined.subquery())) or 0)
    rows = session.execute(joined.order_by(BuyerNotice.id.desc()).limit(MAX_NOTICES))
    return [{"id": notice.id, "order_id": order_id, "kind": notice.kind, "status": notice.status,
             "channel": notice.channel, "message": dict(notice.message), "created_at": notice.created_at.isoformat(),
             "sent_at": notice.sent_at.isoformat() if notice.sent_at else None} for notice, order_id in rows], total


def find_customer(session: Session, platform: str, buyer_id: str) -> Customer | None:
    """Return the stored customer row of a platform's buyer, or None before their first recalculation."""
    return session.scalar(sa.select(Customer).where(Customer.platform == platform, Customer.buyer_id == buyer_id))


def tier_history(session: Session, customer: Customer | None) -> list[dict]:
    """Return the customer's tier changes, newest first."""
    if customer is None:
        return []
    rows = session.scalars(sa.select(CustomerTierChange).where(CustomerTierChange.customer_id == customer.id)
                           .order_by(CustomerTierChange.id.desc()).limit(MAX_HISTORY))
    return [{"from": row.from_tier, "to": row.to_tier, "spend": f"{row.spend:.2f}", "orders": row.orders,
             "actor": row.actor, "at": row.at.isoformat()} for row in rows]


def customer_events(session: Session, customer: Customer | None) -> list[dict]:
    """Return what people did to the record (tags, export, erasure, offers), newest first."""
    if customer is None:
        return []
    rows = session.scalars(sa.select(CustomerEvent).where(CustomerEvent.customer_id == customer.id)
                           .order_by(CustomerEvent.id.desc()).limit(MAX_HISTORY))
    return [{"kind": row.kind, "actor": row.actor, "data": row.data, "at": row.at.isoformat()} for row in rows]


def customer_offers(session: Session, customer: Customer | None) -> list[dict]:
    """Return the offers granted to the customer, newest first."""
    if customer is None:
        return []
    rows = session.execute(sa.select(Offer, OfferGrant.granted_at).join(OfferGrant, OfferGrant.offer_id == Offer.id)
                           .where(OfferGrant.customer_id == customer.id).order_by(OfferGrant.id.desc())
                           .limit(MAX_HISTORY))
    return [{"offer_id": offer.id, "code": offer.code, "title": offer.title,
             "starts_at": _iso(offer.starts_at), "ends_at": _iso(offer.ends_at),
             "granted_at": granted_at.isoformat()} for offer, granted_at in rows]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _masked(value: str | None, mask) -> str | None:
    """Return a contact value masked, or the erasure tombstone as it is."""
    return value if value in (None, TOMBSTONE) else mask(value)


def _masked_address(address: dict | None) -> dict | None:
    """Return an address masked down to the district, its street detail kept when it is the erasure tombstone."""
    if not address:
        return address
    masked = mask_address(address)
    return dict(masked, detail=TOMBSTONE) if address.get("detail") == TOMBSTONE else masked


def live_totals(session: Session, platform: str, buyer_id: str, now: datetime) -> BuyerTotals | None:
    """Return the buyer's totals on the platform, read from their orders now (None: no order)."""
    found = buyer_totals(session, now, load_policy(session).window_days, platform, buyer_id)
    return found[0] if found else None


def customer_record(session: Session, buyer_id: str, page: int, per_page: int, now: datetime,
                    platform: str | None = None) -> dict | None:
    """Return everything the customer page and API show about a buyer, or None when LiveDesk does not know them
    (on the platform named). A buyer known without an order has no orders, zero totals and their care records."""
    platforms = buyer_platforms(session, buyer_id)
    named, platform = platform, resolve_platform(session, buyer_id, platform, platforms)
    totals = None if platform is None else live_totals(session, platform, buyer_id, now)
    if totals is None:
        if (named is not None and platform is None) or not is_known(session, buyer_id, platforms):
            return None
        totals = no_orders(platform, buyer_id)
    policy = load_policy(session)
    latest = latest_order(session, platform, buyer_id) if totals.orders else None
    buyer = buyer_to_dict(latest) if latest else {"name": None, "phone": None, "address": None}
    blocklist = blocklist_matches(session, buyer_id)
    notices, notices_total = customer_notices(session, platform, buyer_id) if totals.orders else ([], 0)
    customer = find_customer(session, platform, buyer_id) if platform else None
    stored_tier = customer.tier if customer else None
    due = tier_for(totals.tier_basis(), policy)
    names = {rule.code: rule.name for rule in policy.tiers}
    return {
        "buyer_id": buyer_id, "platform": platform, "platforms": platforms,
        "name": buyer["name"], "member_tier": latest.member_tier if latest else None,
        "contact": {"phone": _masked(buyer["phone"], mask_phone),
                    "address": _masked_address(buyer["address"]),
                    "order_id": latest.order_id if latest else None},
        "blocklisted": bool(blocklist), "blocklist": blocklist, "totals": totals.as_dict(),
        "order_count": totals.orders, "paid_gmv": f"{totals.paid_gmv:.2f}", "refunded": f"{totals.refunded:.2f}",
        "orders": customer_orders(session, platform, buyer_id, page, per_page) if totals.orders else [],
        "page": page, "per_page": per_page,
        "notices": notices, "notices_total": notices_total,
        "complaints": care.complaints(session, buyer_id), "complaint_count": care.complaint_count(session, buyer_id),
        "surveys": care.surveys(session, buyer_id), "followups": care.followups(session, buyer_id),
        "tier": stored_tier, "tier_name": names.get(stored_tier),
        "tier_since": _iso(customer.tier_since) if customer else None,
        "tier_due": due, "tier_history": tier_history(session, customer),
        "rfm": score(totals.rfm_values(now), load_cuts(session)).as_dict(),
        "tags": list(customer.tags or []) if customer else [], "offers": customer_offers(session, customer),
        "events": customer_events(session, customer), "erased_at": _iso(customer.erased_at) if customer else None,
        "recalculated_at": _iso(recalculated_at(session)),
    }
