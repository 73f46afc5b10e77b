"""Registering a complaint, from any channel: the back office, a platform's event, an escalated chat message.

Every complaint is registered with who complained, when, the channel, the text and the order it is about, gets
its SLA due times from the business calendar, a first step on its timeline and (when linked to an order) a row
on that order's history. A platform's complaint id and an escalated chat message make one complaint each,
however often they arrive.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orders.actions import find_order
from orders.care.complaints import timeline
from orders.care.complaints.codes import CATEGORIES, CHANNELS, SEVERITIES
from orders.care.complaints.models import Complaint
from orders.care.complaints.order_history import complaint_step
from orders.care.complaints.push import queue_complaint_changed
from orders.care.complaints.rules import suggest_severity
from orders.care.sla.store import load_sla_settings

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read out on the phone to a buyer


class ComplaintRefused(Exception):
    """A complaint request that cannot be carried out: HTTP status, error code, field and a sentence."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass(frozen=True)
class NewComplaint:
    """What is known about a complaint when it arrives.

    strict_order: an order id that names no order is refused (a person typed it); otherwise it is kept as given
    (a platform's complaint about an order LiveDesk has not seen is still a complaint). A known order of another
    buyer is refused either way: linking it would send one buyer's complaint feedback to another.
    """

    text: str
    channel: str
    category: str
    buyer_id: str | None = None
    severity: str | None = None
    order_id: str | None = None
    sku: str | None = None
    broadcast_id: int | None = None
    received_at: datetime | None = None
    platform_complaint_id: str | None = None
    platform_category: str | None = None
    chat_message_id: int | None = None
    strict_order: bool = True


def new_complaint_id(now: datetime) -> str:
    """Return a fresh complaint id such as CP-261206-7K3QXM (date, then six random characters)."""
    return f"CP-{now:%y%m%d}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def _existing(session: Session, new: NewComplaint) -> Complaint | None:
    """Return the complaint this one repeats (same platform complaint id or chat message), if any."""
    if new.platform_complaint_id is not None:
        return session.scalar(sa.select(Complaint).where(Complaint.platform_complaint_id == new.platform_complaint_id))
    if new.chat_message_id is not None:
        return session.scalar(sa.select(Complaint).where(Complaint.chat_message_id == new.chat_message_id))
    return None


def _check(new: NewComplaint) -> None:
    if new.channel not in CHANNELS:
        raise ComplaintRefused(400, "invalid_choice", f"channel must be one of {', '.join(CHANNELS)}", "channel")
    if new.category not in CATEGORIES:
        raise ComplaintRefused(400, "invalid_choice", f"category must be one of {', '.join(CATEGORIES)}", "category")
    if new.severity is not None and new.severity not in SEVERITIES:
        raise ComplaintRefused(400, "invalid_choice", f"severity must be one of {', '.join(SEVERITIES)}", "severity")


def register_complaint(session: Session, new: NewComplaint, actor: str, now: datetime) -> tuple[Complaint, bool]:
    """Return (complaint, created): the new complaint, or the one this request repeats. Not committed."""
    _check(new)
    existing = _existing(session, new)
    if existing is not None:
        return existing, False
    order = find_order(session, new.order_id) if new.order_id else None
    if new.order_id and order is None and new.strict_order:
        raise ComplaintRefused(404, "unknown_order", f"no order {new.order_id}", "order_id")
    buyer_id = new.buyer_id or (order.buyer_id if order else None)
    if not buyer_id:
        raise ComplaintRefused(400, "missing_field", "buyer_id is required (or an order with a buyer)", "buyer_id")
    if order is not None and order.buyer_id and new.buyer_id and order.buyer_id != new.buyer_id:
        raise ComplaintRefused(400, "buyer_mismatch", f"order {order.order_id} belongs to another buyer", "buyer_id")
    severity = new.severity or suggest_severity(new.category, new.channel, new.text)
    received = min(new.received_at or now, now)
    settings = load_sla_settings(session)
    complaint = Complaint(
        complaint_id=new_complaint_id(now), platform_complaint_id=new.platform_complaint_id,
        chat_message_id=new.chat_message_id, buyer_id=buyer_id, order_pk=order.id if order else None,
        order_ref=order.order_id if order else new.order_id,
        broadcast_id=new.broadcast_id or (order.broadcast_id if order else None),
        sku=new.sku or (order.lines[0].sku if order is not None and order.lines else None),
        channel=new.channel, category=new.category, platform_category=new.platform_category, severity=severity,
        status="new", text=new.text, received_at=received, created_at=now, created_by=actor[:64], actions=[],
        first_response_due_at=settings.due_at(severity, "first_response", received),
        resolution_due_at=settings.due_at(severity, "resolution", received), updated_at=now)
    try:
        with session.begin_nested():
            session.add(complaint)
            session.flush()
    except IntegrityError:
        # The same platform complaint or chat message registered at the same moment by another request.
        existing = _existing(session, new)
        if existing is None:
            raise
        return existing, False
    timeline.record(session, complaint, "registered", actor, now, to_status="new",
                    data={"channel": new.channel, "severity": severity, "category": new.category})
    if order is not None:
        complaint_step(session, order, "complaint_opened", actor, complaint.complaint_id,
                       data={"category": new.category, "channel": new.channel})
    queue_complaint_changed(session, complaint)
    return complaint, True
