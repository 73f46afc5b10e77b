"""Opening, completing and cancelling follow-up tasks: each writes the task, a history note on the order and a
push to the assignee's pages; nothing here commits (the route or the signal's sender does)."""
from __future__ import annotations

import os
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app import realtime
from app.auth.models import User
from app.auth.sessions import user_room
from app.db.bulk import insert_ignoring
from orders import history
from orders.care.buyers import has_care_records
from orders.care.followups.models import FOLLOWUP_SOURCES, FollowUpTask
from orders.care.followups.policy import DeliveryRule, due_at, next_assignee, wants_delivery_followup
from orders.care.order_history import care_step
from orders.models import Order

ASSIGNABLE_ROLES = ("aftersales", "admin")
ROTATION_ROLE = "aftersales"  # tasks opened by signals go round the after-sales agents only
AUTO = object()  # assignee_id=AUTO: the next agent in the rotation
PUSH_EVENT = "followups.changed"
RETURNED = "The parcel went back to the sender after its delivery."  # the outcome of a call-back a return cancels


class FollowUpRefused(Exception):
    """A follow-up change that cannot be made: an HTTP status, a stable code, the field at fault and a message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def delivery_rule() -> DeliveryRule:
    """Return the configured delivery rule (FOLLOWUP_DELIVERY_MODE, FOLLOWUP_DELIVERY_MIN_TOTAL; app config or env)."""
    def setting(name: str):
        return current_app.config.get(name) or os.environ.get(name)

    return DeliveryRule.parse(setting("FOLLOWUP_DELIVERY_MODE"), setting("FOLLOWUP_DELIVERY_MIN_TOTAL"))


def rotation(session: Session) -> list[tuple[int, int]]:
    """Return (user id, open tasks) of every active after-sales agent."""
    open_count = sa.func.count(FollowUpTask.id)
    rows = session.execute(
        sa.select(User.id, open_count)
        .outerjoin(FollowUpTask, (FollowUpTask.assignee_id == User.id) & (FollowUpTask.status == "open"))
        .where(User.role == ROTATION_ROLE, User.disabled_at.is_(None)).group_by(User.id)).all()
    return [(user_id, int(count)) for user_id, count in rows]


def assignable_user(session: Session, user_id: int) -> User:
    """Return the active user of an assignable role, or raise FollowUpRefused naming assignee_id."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role not in ASSIGNABLE_ROLES:
        raise FollowUpRefused(400, "invalid_assignee", "the assignee must be an active after-sales agent or admin",
                              "assignee_id")
    return user


def _push(session: Session, task: FollowUpTask) -> None:
    """Queue the change to the assignee's pages (after commit); no buyer data in it."""
    if task.assignee_id is not None:
        realtime.queue_to_room(session, user_room(task.assignee_id), PUSH_EVENT,
                               {"id": task.id, "status": task.status, "due_at": task.due_at.isoformat()})


def open_task(session: Session, buyer_id: str, source: str, now: datetime, *, order: Order | None = None,
              source_key: str | None = None, due: datetime | None = None, assignee_id=AUTO, note: str | None = None,
              actor: str = history.SYSTEM, complaint_id: int | None = None, aftersale_case_id: int | None = None,
              response_id: int | None = None) -> FollowUpTask | None:
    """Return the new open task, or None when (source, source_key) has one already (a signal sent twice)."""
    if source not in FOLLOWUP_SOURCES:
        raise ValueError(f"unknown follow-up source {source!r}")
    if assignee_id is AUTO:
        assignee_id = next_assignee(rotation(session))
    elif assignee_id is not None:
        assignable_user(session, assignee_id)
    if order is not None and order.id is None:
        session.flush()
    row = {"buyer_id": buyer_id, "order_pk": order.id if order else None, "source": source, "source_key": source_key,
           "complaint_id": complaint_id, "aftersale_case_id": aftersale_case_id, "response_id": response_id,
           "assignee_id": assignee_id, "due_at": due or due_at(source, now), "status": "open", "note": note,
           "created_by": actor, "created_at": now}
    if source_key is None:
        table = FollowUpTask.__table__
        task_id = session.scalar(sa.insert(table).returning(table.c.id), row)
    else:
        task_id = session.scalar(insert_ignoring(session, FollowUpTask.__table__, ("source", "source_key"),
                                                 returning=("id",)), row)
    if task_id is None:
        return None
    task = session.get(FollowUpTask, task_id)
    if order is not None:
        care_step(session, order, "followup_opened", actor,
                  data={"followup_id": task_id, "source": source, "due_at": task.due_at.isoformat()})
    _push(session, task)
    return task


def known_buyer(session: Session, buyer_id: str) -> bool:
    """Return whether LiveDesk has heard of the buyer id: an order, a complaint, a survey or a follow-up of theirs."""
    return (session.scalar(sa.select(Order.id).where(Order.buyer_id == buyer_id).limit(1)) is not None
            or has_care_records(session, buyer_id))


def open_by_hand(session: Session, buyer_id: str, now: datetime, *, order: Order | None, due: datetime | None,
                 assignee_id, note: str | None, actor: str) -> FollowUpTask:
    """Return the task someone opened (source manual); FollowUpRefused 404 naming buyer_id, nothing written, when
    no order is given and LiveDesk knows nothing of the buyer (nobody to call, no record to call about)."""
    if order is None and not known_buyer(session, buyer_id):
        raise FollowUpRefused(404, "not_found", f"no order, complaint or survey of buyer {buyer_id!r}", "buyer_id")
    return open_task(session, buyer_id, "manual", now, order=order, due=due, assignee_id=assignee_id, note=note,
                     actor=actor)


def open_after_delivery(session: Session, order: Order, now: datetime) -> FollowUpTask | None:
    """Return the delivery follow-up of an order when the rule wants one (None: not wanted, or it exists)."""
    if not order.buyer_id:
        return None
    earlier = session.scalar(sa.select(sa.func.count(Order.id)).where(
        Order.buyer_id == order.buyer_id, Order.delivered_at.is_not(None), Order.id != order.id)) or 0
    if not wants_delivery_followup(delivery_rule(), order.total, int(earlier)):
        return None
    return open_task(session, order.buyer_id, "delivery", now, order=order, source_key=str(order.id))


def cancel_delivery_followup(session: Session, order: Order, now: datetime) -> FollowUpTask | None:
    """Return the open delivery call-back of order cancelled because its parcel went back to the sender (None:
    it had none open)."""
    task_id = session.scalar(sa.select(FollowUpTask.id).where(
        FollowUpTask.source == "delivery", FollowUpTask.source_key == str(order.id), FollowUpTask.status == "open"))
    if task_id is None:
        return None
    return _closing(session, task_id, "cancelled", RETURNED, history.SYSTEM, now, step="followup_withdrawn")


def _closing(session: Session, task_id: int, to_status: str, text: str | None, actor: str, now: datetime,
             step: str | None = None) -> FollowUpTask:
    """Move an open task to done or cancelled with a conditional UPDATE; refuse a missing or closed one. The order's
    history gets step (a code saying why), else followup_<status> with text as its reason."""
    changed = session.execute(
        sa.update(FollowUpTask).where(FollowUpTask.id == task_id, FollowUpTask.status == "open")
        .values(status=to_status, outcome=text, closed_at=now, closed_by=actor)
        .execution_options(synchronize_session=False)).rowcount
    task = session.get(FollowUpTask, task_id)
    if task is None:
        raise FollowUpRefused(404, "not_found", f"no follow-up {task_id}", "id")
    session.refresh(task)
    if not changed:
        raise FollowUpRefused(409, "invalid_state", f"the follow-up is {task.status} already", "status")
    order = session.get(Order, task.order_pk) if task.order_pk else None
    if order is not None:
        if step is not None:  # the system's reason: the step's label says it in the reader's language
            care_step(session, order, step, actor, data={"event": f"followup_{to_status}", "followup_id": task.id})
        else:
            care_step(session, order, f"followup_{to_status}", actor, reason=text, data={"followup_id": task.id})
    _push(session, task)
    return task


def complete(session: Session, task_id: int, outcome: str, actor: str, now: datetime) -> FollowUpTask:
    """Return the task marked done with its outcome note; 404 when missing, 409 when it is not open."""
    return _closing(session, task_id, "done", outcome, actor, now)


def cancel(session: Session, task_id: int, reason: str | None, actor: str, now: datetime) -> FollowUpTask:
    """Return the task cancelled (with an optional reason); 404 when missing, 409 when it is not open."""
    return _closing(session, task_id, "cancelled", reason, actor, now)
