"""Recording a step of a case: the only writer of CaseEvent, and of the order history, pushes and signal that follow.

Every step bumps the case's version, appends a CaseEvent (the versioned change record) and an OrderHistory row
(action ``aftersale``) on the order, moves the case's timer on, and sends ``app.signals.aftersale_closed`` when
the case has just ended. Pushes are queued once per action, after its last step (queue_case_pushes).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app import realtime
from app.signals import aftersale_closed
from orders import history
from orders.aftersales.flow import is_ended
from orders.aftersales.models import AftersaleCase, CaseEvent
from orders.aftersales.serialize import case_to_dict
from orders.aftersales.timers import Timer, TimerPolicy, next_timer
from orders.models import Order
from orders.notices.service import queue_notice
from orders.push import queue_order_changes

SYSTEM = "system"


def record_step(session: Session, case: AftersaleCase, order: Order, action: str, actor: str, now: datetime,
                policy: TimerPolicy, *, to_status: str | None = None, reason: str | None = None,
                data: dict | None = None, timer_key: str | None = None, opening: bool = False) -> CaseEvent:
    """Return the CaseEvent of one step of case (moving it to to_status when given), with its order history row.

    opening: the step that created the case (it came from no status; the new case's version 0 becomes 1).
    """
    from_status = None if opening else case.status
    was_ended = is_ended(case.status, case.appeal_used)
    if to_status is not None:
        case.status = to_status
    case.version = (case.version or 0) + 1
    case.updated_at = now
    _move_timer(case, now, policy)
    event = CaseEvent(case_pk=case.id, action=action, from_status=from_status, to_status=case.status,
                      actor=actor[:80], reason=reason, data=data or None, timer_key=timer_key, version=case.version,
                      at=now)
    session.add(event)
    history.aftersale_changed(session, order, actor[:64], reason, {
        "case_id": case.case_id, "step": action, "from_status": from_status, "to_status": case.status,
        **(data or {})})
    if not was_ended and is_ended(case.status, case.appeal_used):
        case.closed_at = now
        case.deadline_at = case.deadline_kind = case.deadline_source = None
        case.claimed_by = case.claimed_at = None
        aftersale_closed.send(session, case=case, order=order, at=now)
    return event


def _move_timer(case: AftersaleCase, now: datetime, policy: TimerPolicy) -> None:
    """Set the case's deadline for its (new) status: kept when the same kind of timer runs on, else the policy's."""
    current = Timer(case.deadline_kind, case.deadline_at) if case.deadline_kind and case.deadline_at else None
    timer = next_timer(case.type, case.status, case.appeal_used, now, policy, current)
    if timer is None:
        case.deadline_at = case.deadline_kind = case.deadline_source = None
    elif timer is not current:
        case.deadline_at, case.deadline_kind, case.deadline_source = timer.at, timer.kind, "policy"


def set_platform_deadline(case: AftersaleCase, deadline_at: datetime, policy: TimerPolicy, now: datetime) -> bool:
    """Return True after replacing the case's deadline by the platform's (it wins) for the timer of its status."""
    timer = next_timer(case.type, case.status, case.appeal_used, now, policy)
    if timer is None:
        return False
    case.deadline_at, case.deadline_kind, case.deadline_source = deadline_at, timer.kind, "platform"
    return True


def notify_buyer(session: Session, case: AftersaleCase, order: Order, kind: str, context: dict | None = None) -> None:
    """Queue a buyer notice of an after-sales step (once per case and version), unless the platform runs the case."""
    if case.aftersale_id is not None:
        return  # a mirrored case: the platform tells its buyer itself
    queue_notice(session, order, kind, {"case_id": case.case_id, "type": case.type, **(context or {})},
                 dedupe=f"{case.case_id}:{case.version}")


CASE_IN_BRIEF = ("case_id", "order_id", "type", "reason", "status", "deadline_at", "version")


def queue_case_pushes(session: Session, case: AftersaleCase, order: Order, stock_skus: set[str] | None = None,
                      also_changed: list[Order] | None = None) -> None:
    """Queue aftersale.updated (unnumbered) to both rooms of its broadcast, and order.updated for order.

    The room of those who see buyer data (after-sales agents, auditors, admins) gets the case whole; the other
    room (hosts, moderators, analysts, display and other tokens, which may not read cases) gets it in brief, as
    the order's `cases` show it: enough for a list to say that a case changed, none of its notes, refunds or
    tracking numbers. Unnumbered: the case is a state that the next push or page load carries whole, and a
    numbered push the host page does not handle would hold its catch-up watermark back.
    """
    session.flush()
    session.expire(case, ["events", "refunds"])
    session.expire(order, ["aftersale_cases"])
    whole = case_to_dict(case)
    brief = {key: whole.get(key) for key in CASE_IN_BRIEF}
    for sees_pii, payload in ((True, whole), (False, brief)):
        realtime.queue_to_room(session, realtime.room_for(case.broadcast_id, sees_pii), "aftersale.updated",
                               {"case": payload})
    changes = [(order, False)] + [(other, False) for other in also_changed or []]
    queue_order_changes(session, changes, set(stock_skus or ()))
