"""A complaint's status moves, each one function: change the row, add a timeline step and an order history row,
record a breach when the answer came late, queue the pushes; resolving also tells the buyer and the listeners.

new → acknowledged → investigating → resolved → closed; reopen takes a resolved or closed complaint back to
investigating with a new resolution target. None of these commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.signals import complaint_resolved
from orders.actions import OrderRejected
from orders.care.complaints import timeline
from orders.care.complaints.aftersales_link import open_refund_case, refund_under_way
from orders.care.complaints.breaches import record_breach
from orders.care.complaints.codes import OPEN_STATUSES, ROOT_CAUSES
from orders.care.complaints.intake import ComplaintRefused
from orders.care.complaints.models import Complaint
from orders.care.complaints.order_history import complaint_step
from orders.care.complaints.push import queue_complaint_changed
from orders.care.complaints.rules import MoveRefused, mark_taken, merge_plan, next_status
from orders.models import Order
from orders.notices.service import queue_notice


@dataclass(frozen=True)
class Resolution:
    """How a complaint was resolved: the root cause, what was done, the plan's actions and the buyer's feedback.

    actions None: none were sent, so the plan the analysis saved is the one carried out; a tuple (even empty)
    replaces what is planned and not yet taken."""

    root_cause: str
    resolution: str
    feedback: str
    actions: tuple[dict, ...] | None = None
    cause_note: str | None = None


def _move(session: Session, complaint: Complaint, action: str, actor: str, now: datetime,
          note: str | None = None, data: dict | None = None) -> str:
    """Change the complaint's status by action (ComplaintRefused 409 when it cannot), record the step; return
    the status it came from."""
    try:
        target = next_status(complaint.status, action)
    except MoveRefused as refused:
        raise ComplaintRefused(409, refused.code, refused.message, "status") from None
    before = complaint.status
    complaint.status, complaint.updated_at = target, now
    timeline.record(session, complaint, target if action != "reopen" else "reopened", actor, now,
                    from_status=before, to_status=target, note=note, data=data)
    order = _order(session, complaint)
    if order is not None:
        kind = "complaint_reopened" if action == "reopen" else f"complaint_{target}"
        complaint_step(session, order, kind, actor, complaint.complaint_id, reason=note)
    return before


def _unknown_root_cause() -> ComplaintRefused:
    return ComplaintRefused(400, "invalid_choice", f"root_cause must be one of {', '.join(ROOT_CAUSES)}", "root_cause")


def _order(session: Session, complaint: Complaint) -> Order | None:
    return session.get(Order, complaint.order_pk) if complaint.order_pk is not None else None


def _answered(session: Session, complaint: Complaint, actor: str, now: datetime) -> None:
    """Mark the first response as given now (if it was not), recording a breach when it came late."""
    if complaint.acknowledged_at is not None:
        return
    complaint.acknowledged_at = now
    complaint.assignee = complaint.assignee or actor[:64]
    if now > complaint.first_response_due_at:
        record_breach(session, complaint, "first_response", now, actor)


def acknowledge(session: Session, complaint: Complaint, actor: str, now: datetime,
                note: str | None = None) -> Complaint:
    """Acknowledge a new complaint (the first response; the agent becomes its assignee if it has none)."""
    _move(session, complaint, "acknowledge", actor, now, note)
    _answered(session, complaint, actor, now)
    queue_complaint_changed(session, complaint)
    return complaint


def investigate(session: Session, complaint: Complaint, actor: str, now: datetime,
                note: str | None = None) -> Complaint:
    """Start the investigation of a new or acknowledged complaint (a new one counts as answered now)."""
    _move(session, complaint, "investigate", actor, now, note)
    complaint.investigating_at = now
    _answered(session, complaint, actor, now)
    queue_complaint_changed(session, complaint)
    return complaint


def save_analysis(session: Session, complaint: Complaint, actor: str, now: datetime, root_cause: str | None,
                  cause_note: str | None, actions: list[dict] | None) -> Complaint:
    """Save the cause analysis (root cause, note) and the planned actions of an open complaint; a new or
    acknowledged one moves to investigating."""
    if complaint.status not in OPEN_STATUSES:
        raise ComplaintRefused(409, "invalid_status", f"a {complaint.status} complaint is reopened before it is "
                                                      "analysed again", "status")
    if root_cause is not None and root_cause not in ROOT_CAUSES:
        raise _unknown_root_cause()
    if complaint.status != "investigating":
        investigate(session, complaint, actor, now)
    if root_cause is not None:
        complaint.root_cause = root_cause
    if cause_note is not None:
        complaint.cause_note = cause_note
    if actions is not None:
        complaint.actions = merge_plan(list(complaint.actions or []), actions)
    complaint.updated_at = now
    timeline.record(session, complaint, "analysis", actor, now, note=cause_note,
                    data={"root_cause": complaint.root_cause, "actions": [a["kind"] for a in complaint.actions]})
    queue_complaint_changed(session, complaint)
    return complaint


def _kept_ref(complaint: Complaint, kind: str) -> str | None:
    """Return the reference an action of the plan already has (the after-sales case it opened), if any."""
    return next((a.get("ref") for a in complaint.actions or [] if a.get("kind") == kind), None)


def _round_plan(complaint: Complaint, sent: tuple[dict, ...] | None) -> list[dict]:
    """Return the plan a resolve carries out: the actions sent, or (None sent) those the analysis planned and no
    earlier round took, as read_plan gives them ({"kind", "note"})."""
    if sent is not None:
        return [dict(a) for a in sent]
    return [{"kind": a["kind"], "note": a.get("note")} for a in complaint.actions or [] if not a.get("taken_at")]


def resolve(session: Session, complaint: Complaint, actor: str, now: datetime, outcome: Resolution) -> Complaint:
    """Resolve the complaint: root cause, resolution and feedback saved, this round's plan (the actions sent, else
    the one the analysis saved) added to those earlier rounds took and marked taken (the timeline's step keeps this
    round's plan); a refund via after-sales opens a case on the order once; the feedback goes to the buyer through
    the notice outbox; complaint_resolved is sent."""
    if outcome.root_cause not in ROOT_CAUSES:
        raise _unknown_root_cause()
    order = _order(session, complaint)
    plan = _round_plan(complaint, outcome.actions)
    kinds = {a["kind"] for a in plan}
    if "refund_via_aftersales" in kinds and order is None:
        raise ComplaintRefused(400, "no_order", "a refund via after-sales needs a complaint linked to an order",
                               "actions")
    _move(session, complaint, "resolve", actor, now, outcome.resolution,
          data={"root_cause": outcome.root_cause, "actions": plan})
    _answered(session, complaint, actor, now)
    if now > complaint.resolution_due_at:
        record_breach(session, complaint, "resolution", now, actor)
    complaint.root_cause, complaint.resolution = outcome.root_cause, outcome.resolution
    complaint.feedback = outcome.feedback
    if outcome.cause_note is not None:
        complaint.cause_note = outcome.cause_note
    complaint.actions = merge_plan(list(complaint.actions or []), plan)
    complaint.resolved_at = now
    if "refund_via_aftersales" in kinds:
        _open_refund(session, complaint, order, actor, now)
    complaint.actions = mark_taken(complaint.actions, now.isoformat())
    if order is not None:
        queue_notice(session, order, "complaint_feedback", {"complaint_id": complaint.complaint_id,
                                                            "feedback": outcome.feedback},
                     dedupe=f"{complaint.complaint_id}:{complaint.reopen_count}", now=now)
        timeline.record(session, complaint, "feedback_sent", actor, now, note=outcome.feedback)
    # A refund case still running: the survey and call-back wait for its end (aftersales_link.complaints_after_refund).
    complaint_resolved.send(session, complaint=complaint, at=now, refund_pending=refund_under_way(session, complaint))
    queue_complaint_changed(session, complaint)
    return complaint


def _open_refund(session: Session, complaint: Complaint, order: Order, actor: str, now: datetime) -> None:
    """Open (once) the after-sales refund case of the plan and keep its id on the plan's action."""
    if _kept_ref(complaint, "refund_via_aftersales"):
        return
    try:
        case_id = open_refund_case(session, order, complaint, actor, now)
    except OrderRejected as rejected:  # e.g. not paid, nothing left to refund: the whole resolve is refused
        raise ComplaintRefused(rejected.status, rejected.code, f"refund via after-sales: {rejected.message}",
                               "actions") from None
    complaint.actions = [dict(a, ref=case_id) if a["kind"] == "refund_via_aftersales" else a for a in complaint.actions]
    timeline.record(session, complaint, "aftersales_case", actor, now, data={"case_id": case_id})


def close(session: Session, complaint: Complaint, actor: str, now: datetime, note: str | None = None) -> Complaint:
    """Close a resolved complaint."""
    _move(session, complaint, "close", actor, now, note)
    complaint.closed_at = now
    queue_complaint_changed(session, complaint)
    return complaint


def reopen(session: Session, complaint: Complaint, actor: str, now: datetime, reason: str | None,
           resolution_due_at: datetime) -> Complaint:
    """Reopen a resolved or closed complaint: back to investigating, a new round with resolution due at
    resolution_due_at (the caller counts it from now in business hours)."""
    _move(session, complaint, "reopen", actor, now, reason)
    # What the resolution planned was carried out (rows resolved before actions carried taken_at are marked now).
    complaint.actions = mark_taken(list(complaint.actions or []), (complaint.resolved_at or now).isoformat())
    complaint.reopen_count += 1
    complaint.reopened_at, complaint.resolved_at, complaint.closed_at = now, None, None
    complaint.investigating_at = now
    complaint.resolution_due_at, complaint.resolution_breached_at = resolution_due_at, None
    queue_complaint_changed(session, complaint)
    return complaint
