"""Offers for regular buyers: a coupon issued to the customers of a segment or tier, one grant per customer.

The coupon is a promotion of kind ``coupon`` (orders/promotions): issuing an offer with a new code creates it
(one use per buyer), naming an existing coupon's code reuses it. The audit's pricing applies it like any coupon
when a buyer enters the code on the platform; it does not check the grant (the platform hands the coupon to the
buyers LiveDesk granted it to). Customers are chosen from the stored segments and tiers (the last
recalculation); customers whose contact was erased are left out.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.bulk import insert_rows
from app.errors import ApiError
from app.http import validation
from orders.customers.models import Customer, Offer, OfferGrant
from orders.customers.policy import load_policy
from orders.customers.rfm import SEGMENTS
from orders.promotions.manage import create_promotion
from orders.promotions.models import Promotion
from orders.promotions.service import normalize_code

MAX_GRANTS = 100_000
MAX_LISTED = 200
OFFER_FIELDS = ("code", "title", "segment", "tier")
COUPON_FIELDS = ("coupon_type", "value", "max_discount", "min_spend", "starts_at", "ends_at")


def _target(session: Session, data: dict) -> tuple[str | None, str | None]:
    """Return the (segment, tier) an offer goes to; at least one, each known, or raise a 400 naming the field."""
    segment, tier = data.get("segment") or None, data.get("tier") or None
    if segment is not None and segment not in SEGMENTS:
        raise ApiError(400, "invalid_choice", f"segment must be one of {', '.join(SEGMENTS)}", "segment")
    codes = load_policy(session).codes()
    if tier is not None and tier not in codes:
        raise ApiError(400, "invalid_choice", f"tier must be one of {', '.join(codes)}", "tier")
    if segment is None and tier is None:
        raise ApiError(400, "missing_field", "an offer goes to a segment, a tier or both", "segment")
    return segment, tier


def _coupon(session: Session, data: dict) -> Promotion:
    """Return the coupon the offer hands out: the existing one of its code, or a new one from the coupon fields."""
    code = validation.text(data, "code", max_len=32)
    existing = session.scalar(sa.select(Promotion).where(Promotion.code == normalize_code(code)))
    if existing is None:
        body = {key: data[key] for key in COUPON_FIELDS if data.get(key) not in (None, "")}
        return create_promotion(session, {"code": code, "kind": "coupon", "per_buyer": 1, **body})
    if existing.kind != "coupon":
        raise ApiError(409, "not_a_coupon", f"promotion {existing.code} is a {existing.kind} promotion, not a coupon",
                       "code")
    given = [key for key in COUPON_FIELDS if data.get(key) not in (None, "")]
    if given:
        raise ApiError(409, "code_exists", f"coupon {existing.code} exists already: leave out {given[0]} to issue it "
                                           "as it is, or choose a new code", given[0])
    return existing


def issue_offer(session: Session, data: dict, actor: str, now: datetime) -> Offer:
    """Return a new offer after granting its coupon to every matching customer. No commit."""
    unknown = sorted(set(data) - set(OFFER_FIELDS) - set(COUPON_FIELDS))
    if unknown:
        raise ApiError(400, "unknown_field", f"unknown field {unknown[0]}", unknown[0])
    title = validation.text(data, "title", max_len=100)
    segment, tier = _target(session, data)
    chosen = sa.select(Customer.id).where(Customer.erased_at.is_(None))
    if segment is not None:
        chosen = chosen.where(Customer.segment == segment)
    if tier is not None:
        chosen = chosen.where(Customer.tier == tier)
    customer_ids = session.scalars(chosen.order_by(Customer.id).limit(MAX_GRANTS + 1)).all()
    if len(customer_ids) > MAX_GRANTS:
        raise ApiError(400, "too_many", f"an offer goes to at most {MAX_GRANTS} customers; narrow it", "segment")
    promotion = _coupon(session, data)
    offer = Offer(code=promotion.code, title=title, promotion_id=promotion.id, segment=segment, tier=tier,
                  starts_at=promotion.starts_at, ends_at=promotion.ends_at, granted=len(customer_ids),
                  created_by=actor[:64], created_at=now)
    session.add(offer)
    session.flush()
    insert_rows(session, OfferGrant.__table__,
                [{"offer_id": offer.id, "customer_id": customer_id, "granted_at": now} for customer_id in customer_ids])
    return offer


def list_offers(session: Session) -> list[Offer]:
    """Return the newest offers (at most MAX_LISTED)."""
    return list(session.scalars(sa.select(Offer).order_by(Offer.id.desc()).limit(MAX_LISTED)))


def offer_to_dict(offer: Offer) -> dict:
    """Return an offer as JSON."""
    return {"id": offer.id, "code": offer.code, "title": offer.title, "segment": offer.segment, "tier": offer.tier,
            "starts_at": _iso(offer.starts_at), "ends_at": _iso(offer.ends_at), "granted": offer.granted,
            "created_by": offer.created_by, "created_at": offer.created_at.isoformat()}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def audience(session: Session) -> dict[str, dict[str, int]]:
    """Return how many customers (contact not erased) each segment and each tier has now, for the offer form."""
    live = Customer.erased_at.is_(None)
    segments = dict(session.execute(sa.select(Customer.segment, sa.func.count()).where(live)
                                    .group_by(Customer.segment)).all())
    tiers = dict(session.execute(sa.select(Customer.tier, sa.func.count())
                                 .where(live, Customer.tier.is_not(None)).group_by(Customer.tier)).all())
    return {"segments": {name: int(segments.get(name, 0)) for name in SEGMENTS},
            "tiers": {code: int(count) for code, count in tiers.items()}}
