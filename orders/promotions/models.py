"""Promotion definitions with their live counters, and the uses orders made of them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Money, UTCDateTime, utcnow
from app.extensions import db

KINDS = ("flash", "coupon", "threshold", "member")
STACKING = ("exclusive", "stackable")
COUPON_TYPES = ("fixed", "percent")


class Promotion(db.Model):
    """A flash sale, coupon, 满减 threshold or member price; changed only by orders.promotions.

    Columns of other kinds stay NULL. ``remaining`` (flash units left) and ``uses_left`` (coupon uses
    left, NULL = unlimited) are counters that only conditional UPDATEs decrement; the CHECKs are the
    last line of defence.
    """

    __tablename__ = "promotions"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('flash','coupon','threshold','member')", name="kind_known"),
        sa.CheckConstraint("stacking IN ('exclusive','stackable')", name="stacking_known"),
        sa.CheckConstraint("coupon_type IS NULL OR coupon_type IN ('fixed','percent')", name="coupon_type_known"),
        sa.CheckConstraint("remaining >= 0", name="remaining_not_negative"),
        sa.CheckConstraint("uses_left >= 0", name="uses_left_not_negative"),
        sa.CheckConstraint("per_buyer >= 1", name="per_buyer_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored upper-case: buyers' codes are matched ignoring case, and price_order needs unique codes.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    # NULL: the promotion applies in every broadcast.
    broadcast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("broadcasts.id"), index=True)
    stacking: Mapped[str] = mapped_column(sa.String(16), default="stackable")
    priority: Mapped[int] = mapped_column(default=100)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    # flash
    skus: Mapped[list | None] = mapped_column(sa.JSON)
    price: Mapped[Decimal | None] = mapped_column(Money)
    remaining: Mapped[int | None]
    # flash: units per buyer; coupon: uses per buyer
    per_buyer: Mapped[int | None]
    # coupon
    coupon_type: Mapped[str | None] = mapped_column(sa.String(16))
    value: Mapped[Decimal | None] = mapped_column(Money)
    max_discount: Mapped[Decimal | None] = mapped_column(Money)
    min_spend: Mapped[Decimal | None] = mapped_column(Money)
    uses_left: Mapped[int | None]
    # threshold (满减)
    every: Mapped[Decimal | None] = mapped_column(Money)
    off: Mapped[Decimal | None] = mapped_column(Money)
    cap: Mapped[Decimal | None] = mapped_column(Money)
    # member: {sku: "12.50"}
    tier: Mapped[str | None] = mapped_column(sa.String(32))
    member_prices: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by the management functions only: counter changes are not edits of the definition.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PromotionUse(db.Model):
    """Units (flash) or uses (coupon) an order took from a promotion; released_at set when given back."""

    __tablename__ = "promotion_uses"
    __table_args__ = (
        sa.CheckConstraint("units >= 1", name="units_positive"),
        sa.Index("ix_promotion_uses_buyer", "buyer_id", "promotion_id"),
        # One open use per order and promotion: consuming twice for one order is a bug, not a sale.
        sa.Index("uq_promotion_uses_open", "promotion_id", "order_pk", unique=True,
                 sqlite_where=sa.text("released_at IS NULL"), postgresql_where=sa.text("released_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promotion_id: Mapped[int] = mapped_column(sa.ForeignKey("promotions.id"))
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    buyer_id: Mapped[str | None] = mapped_column(sa.String(64))
    units: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
