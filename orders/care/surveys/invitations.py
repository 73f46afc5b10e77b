"""Inviting buyers to a CSAT survey once per trigger: a delivered order, an ended case, a resolved complaint.

The invitation row is inserted with ON CONFLICT (trigger, subject_key) DO NOTHING: a signal delivered twice,
or two workers racing, make one invitation and one notice. The notice goes through the buyer outbox
(orders.notices) with the signed link; the order's history records it. Nothing here commits.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.db.bulk import insert_ignoring
from orders import history
from orders.care.order_history import care_step
from orders.care.surveys.links import survey_url
from orders.care.surveys.models import SurveyInvitation, SurveyResponse
from orders.care.surveys.subjects import Subject
from orders.models import Order
from orders.notices.service import queue_notice

DEFAULT_LINK_DAYS = 30
NOTICE_KIND = "survey_invitation"
_UNIQUE = ("trigger", "subject_key")


def link_days() -> int:
    """Return how many days a survey link stays open (SURVEY_LINK_DAYS, default 30)."""
    value = current_app.config.get("SURVEY_LINK_DAYS") or os.environ.get("SURVEY_LINK_DAYS") or DEFAULT_LINK_DAYS
    return max(1, min(int(value), 365))


def invitation_row(kind: str, trigger: str, subject_key: str, order: Order, now: datetime, **extra) -> dict:
    """Return the survey_invitations row of an invitation about order made at now (extra: campaign, case, …)."""
    return {"kind": kind, "trigger": trigger, "subject_key": subject_key, "order_pk": order.id,
            "buyer_id": order.buyer_id, "broadcast_id": order.broadcast_id, "campaign_id": extra.get("campaign_id"),
            "aftersale_case_id": extra.get("aftersale_case_id"), "complaint_id": extra.get("complaint_id"),
            "agent": extra.get("agent"), "reason": extra.get("reason"), "created_at": now,
            "expires_at": now + timedelta(days=link_days())}


def invite(session: Session, kind: str, trigger: str, subject_key: str, order: Order, now: datetime,
           **extra) -> SurveyInvitation | None:
    """Return the new invitation (its notice queued, the order's history noted), or None when the trigger had one."""
    if order.id is None:
        session.flush()
    row = invitation_row(kind, trigger, subject_key, order, now, **extra)
    new_id = session.scalar(insert_ignoring(session, SurveyInvitation.__table__, _UNIQUE, returning=("id",)), row)
    if new_id is None:
        return None
    queue_notice(session, order, NOTICE_KIND, {"url": survey_url(new_id), "survey": kind, "days": link_days()},
                 dedupe=f"{trigger}:{subject_key}", now=now)
    care_step(session, order, "survey_invited", history.SYSTEM,
              data={"invitation_id": new_id, "kind": kind, "trigger": trigger})
    return session.get(SurveyInvitation, new_id)


def invite_after_delivery(session: Session, order: Order, now: datetime) -> SurveyInvitation | None:
    """Return the CSAT invitation of a delivered order (None: it had one, or the order names no buyer)."""
    if not order.buyer_id:
        return None
    return invite(session, "csat", "delivery", str(order.id), order, now)


def withdraw_delivery_invitation(session: Session, order: Order) -> bool:
    """Return True when the delivery invitation of order, not answered yet, was withdrawn (deleted, its link
    then answers that it is not valid, and a later delivery invites afresh), with a note on the order's history."""
    answered = sa.select(SurveyResponse.id).where(SurveyResponse.invitation_id == SurveyInvitation.id).exists()
    withdrawn = session.execute(sa.delete(SurveyInvitation).where(
        SurveyInvitation.trigger == "delivery", SurveyInvitation.subject_key == str(order.id), ~answered)
        .execution_options(synchronize_session=False)).rowcount
    if withdrawn:
        care_step(session, order, "survey_withdrawn", history.SYSTEM, data={"kind": "csat", "trigger": "delivery"})
    return bool(withdrawn)


def invite_after_case(session: Session, subject: Subject, now: datetime) -> SurveyInvitation | None:
    """Return the CSAT invitation of an after-sales case that ended (None: had one, or no order/buyer to ask)."""
    if subject.order is None or not subject.buyer_id:
        return None
    return invite(session, "csat", "aftersale", str(subject.id), subject.order, now,
                  aftersale_case_id=subject.id, agent=subject.agent, reason=subject.reason)


def invite_after_complaint(session: Session, subject: Subject, now: datetime) -> SurveyInvitation | None:
    """Return the CSAT invitation of a resolved complaint (None: had one, or no order to send it through)."""
    if subject.order is None or not subject.buyer_id:
        return None
    return invite(session, "csat", "complaint", str(subject.id), subject.order, now,
                  complaint_id=subject.id, agent=subject.agent, reason=subject.reason)
