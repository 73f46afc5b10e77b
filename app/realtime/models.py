"""Per-broadcast push sequence counters and the push log clients catch up from."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class PushSequence(db.Model):
    """The last sequence number handed out for a broadcast's pushes."""

    __tablename__ = "push_sequences"

    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)


class PushMessage(db.Model):
    """One push sent on /live, kept so a reconnecting client can get what it missed."""

    __tablename__ = "push_messages"
    __table_args__ = (sa.UniqueConstraint("broadcast_id", "seq", name="uq_push_messages_broadcast_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    seq: Mapped[int]
    event: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
