"""Fulfilment tables: shipments with their lines and tracking checkpoints, carriers added by admins, ship-by policy.

Built-in carriers live in code (orders/fulfilment/carriers.py); the carriers table holds the ones an admin adds.
An order's status follows its shipments (orders/fulfilment/status.py); Order.shipments reads them.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from orders.models import STATUS_LENGTH, Order

SHIPMENT_STATUSES = ("shipped", "in_transit", "out_for_delivery", "delivered", "delivery_failed",
                     "returned_to_sender", "lost")
# What a checkpoint says about the parcel (the neutral form; providers' states are mapped onto these).
CHECKPOINT_STATUSES = ("picked_up", "in_transit", "out_for_delivery", "delivered", "exception", "delivery_failed",
                       "returned", "lost")
SHIP_BY_MODES = ("hours", "business_days")
CARRIER_CODE_LENGTH = 16
TRACKING_NO_LENGTH = 40
DESCRIPTION_LENGTH = 500


class Shipment(db.Model):
    """One parcel of an order handed to a carrier, with its tracking number and the status its checkpoints give."""

    __tablename__ = "shipments"
    __table_args__ = (
        # A tracking number names one parcel of one carrier. Orders of one buyer may share a parcel (合并发货), so
        # the pair is unique per order only; provider callbacks update every shipment of the parcel.
        sa.UniqueConstraint("order_pk", "carrier", "tracking_no", name="uq_shipments_order_parcel"),
        sa.Index("ix_shipments_carrier_tracking_no", "carrier", "tracking_no"),
        sa.Index("ix_shipments_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    carrier: Mapped[str] = mapped_column(sa.String(CARRIER_CODE_LENGTH))
    tracking_no: Mapped[str] = mapped_column(sa.String(TRACKING_NO_LENGTH))
    status: Mapped[str] = mapped_column(sa.String(STATUS_LENGTH), default="shipped")
    eta: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_checkpoint_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the stale-tracking sweeper when no checkpoint came for days; cleared by the next checkpoint.
    stale_since: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship()
    lines: Mapped[list["ShipmentLine"]] = relationship(
        back_populates="shipment", order_by="ShipmentLine.id", cascade="all, delete-orphan"
    )
    checkpoints: Mapped[list["TrackingCheckpoint"]] = relationship(
        back_populates="shipment", order_by="(TrackingCheckpoint.at, TrackingCheckpoint.id)",
        cascade="all, delete-orphan",
    )


class ShipmentLine(db.Model):
    """Units of one SKU that went into a shipment."""

    __tablename__ = "shipment_lines"
    __table_args__ = (sa.CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_pk: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64))
    qty: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="lines")


class TrackingCheckpoint(db.Model):
    """One scan of a parcel reported by a carrier or a person; stored once per shipment (dedupe_key)."""

    __tablename__ = "tracking_checkpoints"
    __table_args__ = (
        sa.UniqueConstraint("shipment_pk", "dedupe_key", name="uq_tracking_checkpoints_shipment_dedupe"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_pk: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(24))
    description: Mapped[str | None] = mapped_column(sa.String(DESCRIPTION_LENGTH))
    location: Mapped[str | None] = mapped_column(sa.String(200))
    # Who reported it: kuaidi100, kdniao, api (the neutral form) or a person on the page.
    provider: Mapped[str] = mapped_column(sa.String(16))
    # The provider's own state code as it came ("3", "301"), kept for the record.
    raw_state: Mapped[str | None] = mapped_column(sa.String(16))
    # A hash of (at, status, description): a redelivered callback or a repeated scan stores nothing new.
    dedupe_key: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shipment: Mapped[Shipment] = relationship(back_populates="checkpoints")


class CarrierRecord(db.Model):
    """A carrier an admin added to the built-in table; inactive ones are no longer offered for new shipments."""

    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(CARRIER_CODE_LENGTH), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(80))
    name_zh: Mapped[str] = mapped_column(sa.String(80))
    # A regular expression every tracking number of this carrier matches (fullmatch); None when unknown.
    tracking_pattern: Mapped[str | None] = mapped_column(sa.String(200))
    kuaidi100_code: Mapped[str | None] = mapped_column(sa.String(32))
    kdniao_code: Mapped[str | None] = mapped_column(sa.String(16))
    eta_days: Mapped[int] = mapped_column(default=3)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FulfilmentPolicyRecord(db.Model):
    """A broadcast's own ship-by deadline: so many hours, or so many business days, after payment."""

    __tablename__ = "fulfilment_policies"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(16), default="hours")
    amount: Mapped[int] = mapped_column(default=48)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))


# An order's shipments, oldest first; loaded only when read.
Order.shipments = relationship(Shipment, primaryjoin=Shipment.order_pk == Order.id, viewonly=True,
                               order_by=Shipment.id, lazy="select")
