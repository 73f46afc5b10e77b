"""Comment selling tables: chat claims (one per comment) and each broadcast's claim policy.

Draft orders made from claims are Orders (status "claimed", orders/models.py); Order.chat_claim reads an order's claim.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from orders.models import Order

CLAIM_MODES = ("off", "draft")
CLAIM_REASONS = ("link_missing", "unknown_link", "variant_missing", "unknown_variant", "qty_over_limit",
                 "held_by_moderation", "hidden_by_moderation")


class ChatClaim(db.Model):
    """A purchase claim typed in the chat ("拍了 2件 3号"), as resolved against the line-up; one per comment.

    order_pk is the order it became (a draft, or the platform order that referred to its comment); reason says
    why it could not be resolved. Its status is read from both (orders/claims/status.py).
    """

    __tablename__ = "chat_claims"
    __table_args__ = (
        sa.UniqueConstraint("broadcast_id", "comment_id", name="uq_chat_claims_broadcast_comment"),
        sa.Index("ix_chat_claims_broadcast_at", "broadcast_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    comment_id: Mapped[str] = mapped_column(sa.String(128))
    viewer_id: Mapped[str] = mapped_column(sa.String(64))
    nickname: Mapped[str | None] = mapped_column(sa.String(100))
    text: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # the comment's time: first come, first served by it
    link: Mapped[str | None] = mapped_column(sa.String(64))  # what the viewer named: "3" (3号) or a code ("A12")
    product_sku: Mapped[str | None] = mapped_column(sa.String(64))
    variant_sku: Mapped[str | None] = mapped_column(sa.String(64))
    qty: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str | None] = mapped_column(sa.String(32))
    order_pk: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    # When the platform's order for it was placed (it completed the draft or referred to the comment).
    ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClaimPolicyRecord(db.Model):
    """How a broadcast treats chat claims: mode off (tag only) or draft, hold time and largest quantity."""

    __tablename__ = "claim_policies"

    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(8), default="draft")
    hold_minutes: Mapped[int] = mapped_column(default=10)
    max_qty: Mapped[int] = mapped_column(default=10)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))


# The claim an order came from or answers (a draft's, or the one whose comment it names); loaded only when read.
Order.chat_claim = relationship(ChatClaim, primaryjoin=ChatClaim.order_pk == Order.id, viewonly=True, uselist=False,
                                lazy="select")
