"""After-sales tables: cases (returns, exchanges, reships, repairs, refunds), their lines, timeline and refunds.

A case belongs to one order. Its status moves only through orders/aftersales/actions.py (the allowed moves are
data in orders/aftersales/flow.py); every move appends a CaseEvent (the versioned change record) and an
OrderHistory row on the order. Refunds are a ledger: Order.refunded_amount is the sum of succeeded refunds.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_babel import lazy_gettext as _l

from app.db import Money, UTCDateTime, utcnow
from app.extensions import db
from orders.models import Order

CASE_TYPES = ("refund_only", "return_refund", "exchange", "reship", "repair")
CASE_REASONS = ("quality", "wrong_item", "missing_item", "size_fit", "logistics_damage", "no_reason_7d",
                "duplicate_payment", "payment_on_closed_order", "other")
# What a person reads for each reason (analytics shows them too, and may import only models).
REASON_LABELS = {"quality": _l("Quality problem"), "wrong_item": _l("Wrong item sent"),
                 "missing_item": _l("Item missing"), "size_fit": _l("Size or fit"),
                 "logistics_damage": _l("Damaged in transit"), "no_reason_7d": _l("7-day no-reason return"),
                 "duplicate_payment": _l("Duplicate payment"), "payment_on_closed_order": _l("Paid after closing"),
                 "other": _l("Other")}
# Reasons only the system gives (a payment that must go back): a person or a platform cannot open a case for them.
SYSTEM_REASONS = ("duplicate_payment", "payment_on_closed_order")
RESPONSIBILITIES = ("seller", "carrier", "buyer")
CASE_STATUSES = ("requested", "approved", "rejected", "awaiting_return", "return_shipped", "received", "inspected",
                 "refunded", "replacement_shipped", "completed", "cancelled", "closed")
# Where a case's deadline came from: our policy (orders/aftersales/timers.py) or the platform's event.
DEADLINE_SOURCES = ("policy", "platform")
REFUND_STATUSES = ("pending", "succeeded", "failed")
CASE_ID_LENGTH = 32
STATUS_LENGTH = 24


def payment_marker(payment_id: str) -> str:
    """Return the note that ties a system refund case to the payment it gives back (one case per payment)."""
    return f"payment:{payment_id}"[:200]


class AftersaleCase(db.Model):
    """One after-sales request of a buyer about an order, from request to its end.

    deadline_at/deadline_kind name the next timer (orders/aftersales/timers.py); the sweeper fires it once.
    platform/aftersale_id mirror a platform's own after-sales record (unique per platform). version is bumped
    by every change, so an API caller can send what it read and learn when someone else moved first.
    """

    __tablename__ = "aftersale_cases"
    __table_args__ = (
        sa.UniqueConstraint("platform", "aftersale_id", name="uq_aftersale_cases_platform_aftersale"),
        sa.Index("ix_aftersale_cases_status_deadline", "status", "deadline_at"),
        sa.Index("ix_aftersale_cases_broadcast_status", "broadcast_id", "status"),
        sa.CheckConstraint("freight_amount >= 0", name="freight_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(sa.String(CASE_ID_LENGTH), unique=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    type: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(24))
    # Who caused it: decides who pays the return freight (seller/carrier: not the buyer).
    responsibility: Mapped[str | None] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(STATUS_LENGTH), default="requested")
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_kind: Mapped[str | None] = mapped_column(sa.String(24))
    deadline_source: Mapped[str | None] = mapped_column(sa.String(8))
    # The platform's own after-sales record this case mirrors (None for cases opened here).
    platform: Mapped[str | None] = mapped_column(sa.String(32))
    aftersale_id: Mapped[str | None] = mapped_column(sa.String(128))
    # The platform time (event ts) of the last mirrored event: an older, late delivery changes nothing.
    platform_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_amount: Mapped[Decimal | None] = mapped_column(Money)
    freight_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), server_default="0")
    freight_payer: Mapped[str | None] = mapped_column(sa.String(8))
    note: Mapped[str | None] = mapped_column(sa.Text)
    appeal_used: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    return_carrier: Mapped[str | None] = mapped_column(sa.String(64))
    return_tracking: Mapped[str | None] = mapped_column(sa.String(64))
    replacement_carrier: Mapped[str | None] = mapped_column(sa.String(64))
    replacement_tracking: Mapped[str | None] = mapped_column(sa.String(64))
    # The after-sales queue claims cases as the audit queue claims held orders.
    claimed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_by: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order] = relationship()
    lines: Mapped[list["CaseLine"]] = relationship(back_populates="case", order_by="CaseLine.id",
                                                   cascade="all, delete-orphan")
    events: Mapped[list["CaseEvent"]] = relationship(order_by="CaseEvent.id", viewonly=True)
    refunds: Mapped[list["Refund"]] = relationship(order_by="Refund.id", viewonly=True)


class CaseLine(db.Model):
    """One SKU and quantity a case is about, with what came back and what of it can be sold again.

    The CHECKs are the last line of defence: never more received than asked, never more sellable than
    received, never more restocked than sellable.
    """

    __tablename__ = "aftersale_case_lines"
    __table_args__ = (
        sa.CheckConstraint("qty > 0", name="qty_positive"),
        sa.CheckConstraint("received_qty >= 0 AND received_qty <= qty", name="received_within_qty"),
        sa.CheckConstraint("sellable_qty >= 0 AND sellable_qty <= received_qty", name="sellable_within_received"),
        sa.CheckConstraint("restocked_qty >= 0 AND restocked_qty <= sellable_qty", name="restocked_within_sellable"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(sa.ForeignKey("aftersale_cases.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64))
    qty: Mapped[int]
    # The order line's unit price after promotions: what one unit refunds at most.
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    received_qty: Mapped[int] = mapped_column(default=0, server_default="0")
    sellable_qty: Mapped[int] = mapped_column(default=0, server_default="0")
    restocked_qty: Mapped[int] = mapped_column(default=0, server_default="0")

    case: Mapped[AftersaleCase] = relationship(back_populates="lines")


class CaseEvent(db.Model):
    """An append-only step of a case: from/to status, the action, who, why, with what data, when.

    timer_key is set when a timer fired the step ("respond@<deadline>"); unique per case, so a timer can fire
    only once even if two sweepers race past their row locks.
    """

    __tablename__ = "aftersale_case_events"
    __table_args__ = (sa.UniqueConstraint("case_pk", "timer_key", name="uq_aftersale_case_events_case_timer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(sa.ForeignKey("aftersale_cases.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(24))
    from_status: Mapped[str | None] = mapped_column(sa.String(STATUS_LENGTH))
    to_status: Mapped[str | None] = mapped_column(sa.String(STATUS_LENGTH))
    actor: Mapped[str] = mapped_column(sa.String(80))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    timer_key: Mapped[str | None] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(default=1)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Refund(db.Model):
    """Money paid back for a case: goods amount plus freight, per line in `lines` ([{sku, qty, amount}]).

    pending until the payout is confirmed (succeed/fail); only succeeded refunds count in
    Order.refunded_amount. A pending refund already holds its amount against what may still be refunded.
    """

    __tablename__ = "aftersale_refunds"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("freight >= 0", name="freight_not_negative"),
        sa.Index("ix_aftersale_refunds_order_status", "order_pk", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[str] = mapped_column(sa.String(CASE_ID_LENGTH), unique=True)
    case_pk: Mapped[int] = mapped_column(sa.ForeignKey("aftersale_cases.id"), index=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    freight: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), server_default="0")
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    lines: Mapped[list] = mapped_column(sa.JSON, default=list)
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[AftersaleCase] = relationship(viewonly=True)

    @property
    def total(self) -> Decimal:
        """Return goods amount plus freight."""
        return (self.amount or Decimal("0")) + (self.freight or Decimal("0"))


# The cases of an order, oldest first (order JSON lists them); loaded only when read.
Order.aftersale_cases = relationship(AftersaleCase, primaryjoin=AftersaleCase.order_pk == Order.id, viewonly=True,
                                     order_by=AftersaleCase.id, lazy="select")
