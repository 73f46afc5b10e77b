"""Rollup tables of the broadcast metrics, kept current at ingestion by analytics.rollups.record.

Times are integer microseconds since the Unix epoch (``*_us``) so SQL can add and compare them the
same way on SQLite and PostgreSQL; money is exact decimal text (sums are made in Python, see
docs/metrics.md "How it is computed"). Every row belongs to one broadcast.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import db
from live.models import EventLog

TOGGLE_TYPES = ("viewer_join", "viewer_leave")
# Literal SQL (not bound parameters): SQLite uses a partial index only when the query repeats its condition.
TOGGLE_CONDITION = sa.text("type IN ('viewer_join', 'viewer_leave')")
CLICK_CONDITION = sa.text("type = 'product_click'")


class DecimalText(sa.types.TypeDecorator):
    """Stores a Decimal exactly as text (no float on SQLite, no overflow on sums of odd amounts)."""

    impl = sa.String(48)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Return the plain decimal text of value."""
        return None if value is None else format(Decimal(value), "f")

    def process_result_value(self, value, dialect):
        """Return the stored text as a Decimal."""
        return None if value is None else Decimal(value)


def _broadcast_fk() -> sa.ForeignKey:
    return sa.ForeignKey("broadcasts.id")


class AnalyticsState(db.Model):
    """Per-broadcast rollup state: whether the rollups can be trusted, and the monotone head counts.

    Its row is locked by every writer of the broadcast's rollups, which serialises them.
    """

    __tablename__ = "analytics_state"

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    stale: Mapped[bool] = mapped_column(default=False)
    unique_viewers: Mapped[int] = mapped_column(default=0)
    product_clickers: Mapped[int] = mapped_column(default=0)
    buyers: Mapped[int] = mapped_column(default=0)
    buyer_clickers: Mapped[int] = mapped_column(default=0)
    # The funnel's people: joined, clicked or ordered; those who placed an order (any status), and of them
    # how many clicked and how many joined.
    people: Mapped[int] = mapped_column(default=0)
    orderers: Mapped[int] = mapped_column(default=0)
    orderer_clickers: Mapped[int] = mapped_column(default=0)
    orderer_joiners: Mapped[int] = mapped_column(default=0)
    rebuilt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Issue 17: raised by every batch applied to the rollups, which stamps the minute rows it writes with it
    # (MinuteRollup.seq), so the live push re-reads only the minutes changed since it last looked. The epoch
    # is new for every state row and every rebuild: a reader's cache of another epoch is thrown away.
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    epoch: Mapped[str | None] = mapped_column(sa.String(32))


class ViewerRollup(db.Model):
    """One person of a broadcast (a viewer id, a buyer id, or both): flags, online state, paid orders."""

    __tablename__ = "analytics_viewer"
    __table_args__ = (sa.Index("ix_analytics_viewer_first_paid", "broadcast_id", "first_paid_placed_us"),
                      sa.Index("ix_analytics_viewer_first_placed", "broadcast_id", "first_placed_us"))

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    person_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    joined: Mapped[bool] = mapped_column(default=False)
    clicked: Mapped[bool] = mapped_column(default=False)
    online: Mapped[bool] = mapped_column(default=False)
    last_toggle_us: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_toggle_on: Mapped[bool | None]
    paid_orders: Mapped[int] = mapped_column(default=0)
    first_paid_placed_us: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Orders placed (paid or not) with this person as buyer, and the earliest placement of one.
    orders: Mapped[int] = mapped_column(default=0)
    first_placed_us: Mapped[int | None] = mapped_column(sa.BigInteger)


class OnlineEdge(db.Model):
    """A net change (+1 online, -1 offline) of one viewer's online state at one instant, unclipped."""

    __tablename__ = "analytics_online_edge"
    __table_args__ = (sa.Index("ix_analytics_online_edge_viewer", "broadcast_id", "viewer_id"),)

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    ts_us: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    viewer_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    delta: Mapped[int]


class MinuteRollup(db.Model):
    """Counts of one raw (unclipped) minute, and its online profile built from the edges in it."""

    __tablename__ = "analytics_minute"
    __table_args__ = (sa.Index("ix_analytics_minute_seq", "broadcast_id", "seq"),)

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    minute_us: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    joins: Mapped[int] = mapped_column(default=0)
    chat: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)
    orders: Mapped[int] = mapped_column(default=0)
    paid_orders: Mapped[int] = mapped_column(default=0)
    paid_gmv: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    online_net: Mapped[int] = mapped_column(default=0)
    # Sum of delta x (minute end - ts): the minute's online microseconds are online_before x 60 s + this.
    online_weighted: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Highest running sum of the minute's edges (0 included), read after all changes at one instant.
    online_max: Mapped[int] = mapped_column(default=0)
    online_last_us: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The AnalyticsState.version of the batch that last wrote this row (issue 17: the live push's change marker).
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class OrderRollup(db.Model):
    """One order of a broadcast: its defining order event, first paid payment and whether it was cancelled."""

    __tablename__ = "analytics_order"
    __table_args__ = (
        sa.Index("ix_analytics_order_placed", "broadcast_id", "placed_us"),
        sa.Index("ix_analytics_order_buyer", "broadcast_id", "buyer_id"),
    )

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    order_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    placed_us: Mapped[int | None] = mapped_column(sa.BigInteger)
    placed_event_id: Mapped[str | None] = mapped_column(sa.String(128))
    source: Mapped[str | None] = mapped_column(sa.String(32))
    buyer_id: Mapped[str | None] = mapped_column(sa.String(64))
    paid_us: Mapped[int | None] = mapped_column(sa.BigInteger)
    paid_event_id: Mapped[str | None] = mapped_column(sa.String(128))
    paid_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    cancelled: Mapped[bool] = mapped_column(default=False)


class OrderLineRollup(db.Model):
    """The lines of one SKU in one order (qty and qty x unit_price summed), its product, the order's paid state."""

    __tablename__ = "analytics_order_line"
    __table_args__ = (sa.Index("ix_analytics_order_line_product", "broadcast_id", "product_sku", "placed_us"),)

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    order_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    product_sku: Mapped[str] = mapped_column(sa.String(64))
    placed_us: Mapped[int] = mapped_column(sa.BigInteger)
    units: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    paid: Mapped[bool] = mapped_column(default=False)


class ProductMinuteRollup(db.Model):
    """Clicks of one product (variants included) in one raw minute, and its paid orders placed in that minute."""

    __tablename__ = "analytics_product_minute"

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    minute_us: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    clicks: Mapped[int] = mapped_column(default=0)
    paid_orders: Mapped[int] = mapped_column(default=0)
    paid_units: Mapped[int] = mapped_column(default=0)
    paid_gmv: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))


class ProductRollup(db.Model):
    """One product over the whole broadcast: its minutes summed, and the distinct viewers who clicked it."""

    __tablename__ = "analytics_product"

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    clickers: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)
    paid_orders: Mapped[int] = mapped_column(default=0)
    paid_units: Mapped[int] = mapped_column(default=0)
    paid_gmv: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))


class VariantRollup(db.Model):
    """Paid orders, units and line amounts of one variant SKU of a product over the whole broadcast."""

    __tablename__ = "analytics_variant"

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    variant: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    paid_orders: Mapped[int] = mapped_column(default=0)
    paid_units: Mapped[int] = mapped_column(default=0)
    paid_gmv: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))


class ProductClicker(db.Model):
    """That one viewer clicked one product (its SKU or a variant's, at least once)."""

    __tablename__ = "analytics_product_clicker"

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    viewer_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class SourceRollup(db.Model):
    """Paid orders of one order source and their counted paid amounts (whatever their placement time)."""

    __tablename__ = "analytics_source"

    broadcast_id: Mapped[int] = mapped_column(_broadcast_fk(), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    paid_orders: Mapped[int] = mapped_column(default=0)
    paid_gmv: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))


# Two partial indexes on the event log: a viewer's joins and leaves (re-reading one viewer when an
# event arrives out of order), and a SKU's clicks by time (clicks in part of a minute of a pinned interval).
# `type` is in the first index so that SQLite prefers it to ix_event_log_broadcast_type_ts (and covers the query).
sa.Index("ix_event_log_viewer_toggles", EventLog.broadcast_id, EventLog.viewer_id, EventLog.type, EventLog.ts,
         sqlite_where=TOGGLE_CONDITION, postgresql_where=TOGGLE_CONDITION)
sa.Index("ix_event_log_sku_clicks", EventLog.broadcast_id, EventLog.sku, EventLog.ts,
         sqlite_where=CLICK_CONDITION, postgresql_where=CLICK_CONDITION)

ROLLUP_TABLES = (
    OnlineEdge, MinuteRollup, OrderLineRollup, OrderRollup, ProductMinuteRollup, ProductClicker, ProductRollup,
    SourceRollup, VariantRollup, ViewerRollup,
)
