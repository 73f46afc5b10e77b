"""Complaint tables: complaints (one per complaint, whatever its channel), their timeline and their SLA breaches.

A complaint is registered with who complained, when, through which channel, what they said and the order it is
about (if any); it then moves new → acknowledged → investigating → resolved → closed (reopen: back to
investigating), gathering a cause analysis, a resolution plan and the feedback sent to the buyer.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db
from orders.care.complaints.codes import CATEGORIES, CHANNELS, SEVERITIES, STATUSES, TARGETS


def _one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    """Return a CHECK that column holds one of values (named after the column)."""
    listed = ",".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(sa.text(f"{column} IN ({listed})"), name=f"{column}_known")


class Complaint(db.Model):
    """One complaint of a buyer: intake facts, SLA due times and breaches, cause analysis, resolution, feedback."""

    __tablename__ = "complaints"
    __table_args__ = (
        _one_of("status", STATUSES), _one_of("channel", CHANNELS), _one_of("category", CATEGORIES),
        _one_of("severity", SEVERITIES),
        # The sweeper's two look-ups: open complaints by first-response and by resolution due time.
        sa.Index("ix_complaints_status_first_response_due", "status", "first_response_due_at"),
        sa.Index("ix_complaints_status_resolution_due", "status", "resolution_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # The platform's id of a complaint mirrored from the events API: the same complaint sent twice is one.
    platform_complaint_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The chat message a moderator escalated: one complaint per message.
    chat_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chat_messages.id"), unique=True)
    buyer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    order_pk: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    order_ref: Mapped[str | None] = mapped_column(sa.String(64))  # the order id as given (kept if it is unknown)
    broadcast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("broadcasts.id"), index=True)
    sku: Mapped[str | None] = mapped_column(sa.String(64))
    channel: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(32))
    platform_category: Mapped[str | None] = mapped_column(sa.String(64))
    severity: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(16), default="new")
    text: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # when the buyer complained
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    assignee: Mapped[str | None] = mapped_column(sa.String(64))
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    investigating_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Each reopening starts a new round with its own resolution target (a breach is recorded once per round).
    reopen_count: Mapped[int] = mapped_column(default=0)
    first_response_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated: Mapped[bool] = mapped_column(default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    root_cause: Mapped[str | None] = mapped_column(sa.String(32))
    cause_note: Mapped[str | None] = mapped_column(sa.Text)
    # The resolution plan: [{"kind": one of ACTIONS, "note": text or None, "ref": after-sales case id or None,
    # "taken_at": ISO time of the resolution that carried it out, or None while only planned}]. Taken actions stay
    # through reopenings (rules.merge_plan).
    actions: Mapped[list] = mapped_column(sa.JSON, default=list)
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    feedback: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ComplaintEvent(db.Model):
    """One step of a complaint's timeline: who did what, when, from which status to which, with a note."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_pk: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    actor: Mapped[str] = mapped_column(sa.String(64))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    note: Mapped[str | None] = mapped_column(sa.Text)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ComplaintBreach(db.Model):
    """A missed SLA target: recorded exactly once per complaint, target and round (the unique key), and escalated."""

    __tablename__ = "complaint_breaches"
    __table_args__ = (
        sa.UniqueConstraint("complaint_pk", "target", "round", name="uq_complaint_breaches_complaint_target_round"),
        _one_of("target", TARGETS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_pk: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    target: Mapped[str] = mapped_column(sa.String(16))
    round: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who noticed: the sweeper, or the action that answered late ("acknowledge", "resolve").
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
