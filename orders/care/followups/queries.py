"""Reading follow-up tasks: the list (mine, open, overdue, done, all), one task, and a buyer's tasks."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import utcnow
from orders.aftersales.models import AftersaleCase
from orders.care.complaints.models import Complaint
from orders.care.followups.models import FollowUpTask
from orders.care.followups.policy import is_overdue
from orders.care.surveys.models import SurveyResponse
from orders.models import Order

VIEWS = ("mine", "open", "overdue", "done", "all")
MAX_OF_BUYER = 100


def task_to_dict(task: FollowUpTask, order_id: str | None, assignee: str | None, rating: int | None,
                 case_id: str | None, complaint_ref: str | None, now: datetime) -> dict:
    """Return one task as JSON-ready data: rating is the survey score that opened it; case_id and complaint_ref the
    public ids (AS-…, CP-…) of the case and complaint it is about (complaint_id and aftersale_case_id are their
    row numbers, kept for older clients); note (staff's words, or the buyer's comment on a low rating) and outcome
    are text, shown as text."""
    return {"id": task.id, "buyer_id": task.buyer_id, "order_id": order_id, "source": task.source,
            "complaint_id": task.complaint_id, "aftersale_case_id": task.aftersale_case_id,
            "case_id": case_id, "complaint_ref": complaint_ref,
            "response_id": task.response_id, "rating": rating, "assignee_id": task.assignee_id, "assignee": assignee,
            "due_at": task.due_at.isoformat(), "overdue": is_overdue(task.status, task.due_at, now),
            "status": task.status, "note": task.note, "outcome": task.outcome, "created_by": task.created_by,
            "created_at": task.created_at.isoformat(),
            "closed_at": task.closed_at.isoformat() if task.closed_at else None, "closed_by": task.closed_by}


def _select(*conditions):
    """Return SELECT task, order id, assignee username, survey rating, case and complaint public ids with the
    conditions (the task keeps the case's and complaint's row numbers, without a foreign key)."""
    return (sa.select(FollowUpTask, Order.order_id, User.username, SurveyResponse.score, AftersaleCase.case_id,
                      Complaint.complaint_id).select_from(FollowUpTask)
            .outerjoin(Order, Order.id == FollowUpTask.order_pk).outerjoin(User, User.id == FollowUpTask.assignee_id)
            .outerjoin(SurveyResponse, SurveyResponse.id == FollowUpTask.response_id)
            .outerjoin(AftersaleCase, AftersaleCase.id == FollowUpTask.aftersale_case_id)
            .outerjoin(Complaint, Complaint.id == FollowUpTask.complaint_id).where(*conditions))


def view_conditions(view: str, user_id: int | None, now: datetime) -> list:
    """Return the conditions of a list view: mine (my open tasks), open, overdue, done (done or cancelled), all."""
    if view == "mine":
        return [FollowUpTask.assignee_id == user_id, FollowUpTask.status == "open"]
    if view == "open":
        return [FollowUpTask.status == "open"]
    if view == "overdue":
        return [FollowUpTask.status == "open", FollowUpTask.due_at < now]
    if view == "done":
        return [FollowUpTask.status.in_(("done", "cancelled"))]
    return []


def followups_page(session: Session, view: str, user_id: int | None, page: int, per_page: int,
                   buyer_id: str | None = None, now: datetime | None = None) -> tuple[list[dict], int]:
    """Return one page of a view's tasks and how many there are: open ones soonest due first, closed newest first."""
    now = now or utcnow()
    conditions = view_conditions(view, user_id, now)
    if buyer_id is not None:
        conditions.append(FollowUpTask.buyer_id == buyer_id)
    total = session.scalar(sa.select(sa.func.count(FollowUpTask.id)).where(*conditions)) or 0
    order = ((FollowUpTask.closed_at.desc(), FollowUpTask.id.desc()) if view == "done"
             else (sa.case((FollowUpTask.status == "open", 0), else_=1), FollowUpTask.due_at, FollowUpTask.id))
    rows = session.execute(_select(*conditions).order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()
    return [task_to_dict(*row, now) for row in rows], int(total)


def view_counts(session: Session, user_id: int | None, now: datetime | None = None) -> dict[str, int]:
    """Return how many tasks each view holds (for the tabs)."""
    now = now or utcnow()
    return {view: int(session.scalar(sa.select(sa.func.count(FollowUpTask.id))
                                     .where(*view_conditions(view, user_id, now))) or 0) for view in VIEWS}


def followup(session: Session, task_id: int, now: datetime | None = None) -> dict | None:
    """Return one task as a dict, or None."""
    row = session.execute(_select(FollowUpTask.id == task_id)).first()
    return task_to_dict(*row, now or utcnow()) if row else None


def followups_of_buyer(session: Session, buyer_id: str, now: datetime | None = None) -> list[dict]:
    """Return the buyer's follow-up tasks (at most 100): open ones soonest due first, then closed ones newest first."""
    now = now or utcnow()
    rows = session.execute(_select(FollowUpTask.buyer_id == buyer_id).order_by(
        sa.case((FollowUpTask.status == "open", 0), else_=1), FollowUpTask.due_at.desc(), FollowUpTask.id.desc())
        .limit(MAX_OF_BUYER)).all()
    found = [task_to_dict(*row, now) for row in rows]
    open_first = sorted((t for t in found if t["status"] == "open"), key=lambda t: (t["due_at"], t["id"]))
    return open_first + [t for t in found if t["status"] != "open"]
