"""Customer records: one row per buyer and platform, their tier history, events, the tier policy, offers and grants.

A ``Customer`` row is a snapshot written by the recalculation (orders/customers/recalculate.py): totals, RFM and
tier as of ``recalculated_at``. The customer page and API read a buyer's totals live from their orders; the row
adds what only LiveDesk knows (tier and its history, tags, offers, erasure). It holds no contact data.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Money, UTCDateTime, utcnow
from app.extensions import db

EVENT_KINDS = ("tags_changed", "contact_erased", "exported")


class Customer(db.Model):
    """A buyer of one platform, merged across broadcasts: stored totals, RFM, tier, tags and erasure."""

    __tablename__ = "customers"
    __table_args__ = (
        sa.UniqueConstraint("platform", "buyer_id", name="uq_customers_platform_buyer"),
        sa.Index("ix_customers_segment", "segment"),
        sa.Index("ix_customers_tier", "tier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(sa.String(32))
    buyer_id: Mapped[str] = mapped_column(sa.String(64))
    first_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_count: Mapped[int] = mapped_column(default=0)
    paid_orders: Mapped[int] = mapped_column(default=0)
    paid_gmv: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    refunded: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # The tier basis: paid orders placed in the policy window and their paid amount minus refunds.
    window_orders: Mapped[int] = mapped_column(default=0)
    window_spend: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tier: Mapped[str | None] = mapped_column(sa.String(32))
    tier_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recency_days: Mapped[int | None]
    frequency: Mapped[int] = mapped_column(default=0)
    monetary: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    r: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    f: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    m: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    segment: Mapped[str] = mapped_column(sa.String(24), default="prospect")
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Set when the buyer's contact data was erased on request (PIPL art. 47); totals stay.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recalculated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerTierChange(db.Model):
    """A change of a customer's tier (None = no tier) with the basis it was decided on; append-only."""

    __tablename__ = "customer_tier_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    from_tier: Mapped[str | None] = mapped_column(sa.String(32))
    to_tier: Mapped[str | None] = mapped_column(sa.String(32))
    spend: Mapped[Decimal] = mapped_column(Money)
    orders: Mapped[int]
    actor: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerEvent(db.Model):
    """Something a person did to a customer record (tags changed, contact erased, data exported); append-only."""

    __tablename__ = "customer_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerPolicyRecord(db.Model):
    """The one row of customer settings: tier rules (orders.customers.tiers JSON) and the last RFM cut points."""

    __tablename__ = "customer_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    tiers: Mapped[dict] = mapped_column(sa.JSON)
    rfm_cuts: Mapped[dict | None] = mapped_column(sa.JSON)
    recalculated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))


class Offer(db.Model):
    """A coupon (a promotion of kind coupon) issued to the customers of a segment or tier, with its window."""

    __tablename__ = "offers"
    __table_args__ = (sa.CheckConstraint("segment IS NOT NULL OR tier IS NOT NULL", name="target_set"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    promotion_id: Mapped[int] = mapped_column(sa.ForeignKey("promotions.id"))
    segment: Mapped[str | None] = mapped_column(sa.String(24))
    tier: Mapped[str | None] = mapped_column(sa.String(32))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    granted: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfferGrant(db.Model):
    """An offer given to one customer (shown on their page); one per offer and customer."""

    __tablename__ = "offer_grants"
    __table_args__ = (sa.UniqueConstraint("offer_id", "customer_id", name="uq_offer_grants_offer_customer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offers.id"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
