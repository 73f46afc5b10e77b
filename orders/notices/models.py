"""The buyer notice outbox: one row per message to a buyer, delivered and retried by orders.notices.service."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

NOTICE_STATUSES = ("pending", "sent", "failed")


class BuyerNotice(db.Model):
    """A templated message to the buyer of an order: pending until a channel takes it, then sent or failed."""

    __tablename__ = "buyer_notices"
    __table_args__ = (
        # Also the index for lookups by order: order_pk leads, so no separate index on it is needed.
        sa.UniqueConstraint("order_pk", "kind", "dedupe", name="uq_buyer_notices_order_pk_kind_dedupe"),
        sa.Index("ix_buyer_notices_status_next_attempt_at", "status", "next_attempt_at"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    # Tells apart several notices of one kind for one order (e.g. one per failed payment); "" for once-only kinds.
    dedupe: Mapped[str] = mapped_column(sa.String(64), default="")
    # The channel of the latest attempt (log, webhook); None until a channel has tried it.
    channel: Mapped[str | None] = mapped_column(sa.String(32))
    message: Mapped[dict] = mapped_column(sa.JSON)
    payload: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
