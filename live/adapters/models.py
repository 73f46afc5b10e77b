"""Platform connections, their durable inbox of received messages, and the log of what they refused.

A connection (made by an admin) names a platform, the seller's shop and the broadcast its events land in,
and holds the secret its requests are signed with. The inbox keeps each platform message once per
connection (the platform's message id is unique per connection: a redelivery finds its row), so a
message is acknowledged once stored and processed at least once; the event log's dedupe on event ids makes
the processing's effect happen once.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

INBOX_STATUSES = ("pending", "done", "ignored", "failed")


class PlatformConnection(db.Model):
    """One seller's shop (or live room) on one platform, feeding one broadcast.

    ``secret`` signs (or, for commerce platforms, is the platform's app secret that signs) its requests;
    after a rotation ``previous_secret`` stays valid until ``previous_expires_at`` (or is dropped at once when
    the old secret leaked). Secrets are kept to check
    signatures and are never shown again after they are made (pages and the API show a fingerprint).
    """

    __tablename__ = "platform_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(48), unique=True)
    platform: Mapped[str] = mapped_column(sa.String(16))
    shop_id: Mapped[str | None] = mapped_column(sa.String(64))
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"), index=True)
    app_key: Mapped[str | None] = mapped_column(sa.String(128))
    secret: Mapped[str] = mapped_column(sa.String(128))
    previous_secret: Mapped[str | None] = mapped_column(sa.String(128))
    previous_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Switched off by an admin: every request is refused (logged) until it is switched on again.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_by: Mapped[str | None] = mapped_column(sa.String(64))
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_count: Mapped[int] = mapped_column(default=0)
    duplicate_count: Mapped[int] = mapped_column(default=0)
    rejected_count: Mapped[int] = mapped_column(default=0)


class AdapterInboxMessage(db.Model):
    """One platform message as received, waiting for (or done with) its processing into events.

    ``lease_until``: while in the future, a worker (or the request that stored it) is processing the row, or
    it waits out its backoff after a failed attempt; a pending row whose lease has passed is free to take.
    """

    __tablename__ = "adapter_inbox"
    __table_args__ = (
        sa.UniqueConstraint("connection_id", "message_id", name="uq_adapter_inbox_connection_message"),
        sa.Index("ix_adapter_inbox_status_lease", "status", "lease_until"),
        sa.Index("ix_adapter_inbox_connection_received", "connection_id", "received_at"),
        sa.CheckConstraint("status IN ('pending', 'done', 'ignored', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(sa.ForeignKey("platform_connections.id"))
    message_id: Mapped[str] = mapped_column(sa.String(128))
    kind: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    events: Mapped[int] = mapped_column(default=0)  # events the message became (accepted or duplicate)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AdapterRejection(db.Model):
    """A request or message a connection refused, with the reason (signature failures keep no body)."""

    __tablename__ = "adapter_rejections"
    __table_args__ = (sa.Index("ix_adapter_rejections_connection_received", "connection_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(sa.ForeignKey("platform_connections.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[int] = mapped_column(sa.SmallInteger)  # what was answered (401, 400, 413), or 200 once stored
    code: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.String(500))
    message_id: Mapped[str | None] = mapped_column(sa.String(128))
    kind: Mapped[str | None] = mapped_column(sa.String(64))
    excerpt: Mapped[str | None] = mapped_column(sa.Text)  # the start of the body or message, never for bad signatures
