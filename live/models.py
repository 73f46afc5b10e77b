"""Broadcast, line-up, viewer and raw event log models of the live domain."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, UTCDateTime, utcnow
from app.extensions import db

BROADCAST_STATUSES = ("scheduled", "live", "ended")
# What each status reads as on a page, in the user's language (the live and analytics pages show it).
BROADCAST_LABELS = {"scheduled": _l("scheduled"), "live": _l("live"), "ended": _l("ended")}


class Broadcast(db.Model):
    """One live-selling broadcast on one platform."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    platform: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16), default="scheduled")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the show is announced to start (set by the host); started_at is when it went live.
    planned_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lineup: Mapped[list["BroadcastProduct"]] = relationship(
        order_by="BroadcastProduct.position", cascade="all, delete-orphan"
    )


def broadcast_choices(session, limit: int = 100) -> list[Broadcast]:
    """Return the broadcasts a page offers as a filter: every live one first, then the newest others, limit in all.

    Two reads that each stop after limit rows on the primary key, so a year of broadcasts costs what a week does.
    """
    live = list(session.scalars(sa.select(Broadcast).where(Broadcast.status == "live")
                                .order_by(Broadcast.id.desc()).limit(limit)))
    if len(live) == limit:
        return live
    others = session.scalars(sa.select(Broadcast).where(Broadcast.status != "live")
                             .order_by(Broadcast.id.desc()).limit(limit - len(live)))
    return live + list(others)


class BroadcastProduct(db.Model):
    """A product in a broadcast's line-up: its place on the rail, its link number and the live price said on air.

    ``link_no`` is what the host says ("3号链接", link 3): unique in the broadcast, kept when the rail is reordered.
    """

    __tablename__ = "broadcast_products"
    __table_args__ = (
        sa.UniqueConstraint("broadcast_id", "product_id", name="uq_broadcast_products_pair"),
        sa.UniqueConstraint("broadcast_id", "link_no", name="uq_broadcast_products_link_no"),
        sa.CheckConstraint("link_no >= 1", name="link_no_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    live_price: Mapped[Decimal | None] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)
    link_no: Mapped[int]
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Viewer(db.Model):
    """A platform viewer, known by the platform's string id."""

    __tablename__ = "viewers"
    __table_args__ = (sa.UniqueConstraint("platform", "viewer_id", name="uq_viewers_platform_viewer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(sa.String(32))
    viewer_id: Mapped[str] = mapped_column(sa.String(64))
    nickname: Mapped[str | None] = mapped_column(sa.String(100))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventLog(db.Model):
    """Every accepted, normalised event exactly once, keyed by its source and the source's event id."""

    __tablename__ = "event_log"
    __table_args__ = (
        sa.UniqueConstraint("source", "event_id", name="uq_event_log_source_event"),
        sa.Index("ix_event_log_broadcast_type_ts", "broadcast_id", "type", "ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    source: Mapped[str] = mapped_column(sa.String(64))
    event_id: Mapped[str] = mapped_column(sa.String(128))
    type: Mapped[str] = mapped_column(sa.String(32))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    viewer_id: Mapped[str | None] = mapped_column(sa.String(64))
    order_id: Mapped[str | None] = mapped_column(sa.String(64))
    sku: Mapped[str | None] = mapped_column(sa.String(64))
    payload: Mapped[dict] = mapped_column(sa.JSON)


class RejectedEvent(db.Model):
    """An event the events API refused, kept as received with the error, so a platform's bad deliveries can be found."""

    __tablename__ = "rejected_events"
    __table_args__ = (sa.Index("ix_rejected_events_broadcast_received", "broadcast_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    source: Mapped[str] = mapped_column(sa.String(64))
    event_id: Mapped[str | None] = mapped_column(sa.String(128))  # the id when the event had a usable one
    type: Mapped[str | None] = mapped_column(sa.String(32))
    error_code: Mapped[str] = mapped_column(sa.String(32))
    error_field: Mapped[str | None] = mapped_column(sa.String(100))
    error_message: Mapped[str] = mapped_column(sa.String(500))
    payload: Mapped[dict | None] = mapped_column(sa.JSON)  # any JSON value, as it came
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
