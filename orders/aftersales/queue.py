"""The after-sales queue page's reads: a page of cases by type, reason, status, deadline and broadcast, nearest
deadline first, with the counts the page heads with (open, overdue, due soon); and an order's cases.

The API lists cases too (orders/aftersales/queries.py); the page also filters by reason and by deadline.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders.aftersales.flow import ENDED_STATUSES
from orders.aftersales.models import AftersaleCase
from orders.models import Order

PER_PAGE = 50
# Status filter words besides the statuses themselves: every case still running (the default), or every case.
OPEN, ALL = "open", "all"
DEADLINES = ("due_soon", "overdue")


@dataclass(frozen=True)
class CaseFilter:
    """Which cases the queue shows; None is no filter. status: a case status, OPEN or ALL."""

    case_type: str | None = None
    reason: str | None = None
    status: str = OPEN
    deadline: str | None = None
    broadcast_id: int | None = None


@dataclass(frozen=True)
class CasePage:
    """One page of the queue: its cases (order loaded), how many match, and how many of those are overdue or due
    soon."""

    cases: list[AftersaleCase]
    total: int
    overdue: int
    due_soon: int


def still_open() -> sa.ColumnElement[bool]:
    """Return the condition of a case that has not ended (a rejection ends once its appeal is spent)."""
    return sa.and_(AftersaleCase.status.not_in(sorted(ENDED_STATUSES)),
                   sa.not_(sa.and_(AftersaleCase.status == "rejected", AftersaleCase.appeal_used.is_(True))))


def _matching(filters: CaseFilter, now: datetime, due_soon: timedelta) -> list[sa.ColumnElement[bool]]:
    """Return the conditions of the cases the filters select."""
    conditions = []
    if filters.status == OPEN:
        conditions.append(still_open())
    elif filters.status != ALL:
        conditions.append(AftersaleCase.status == filters.status)
    if filters.case_type is not None:
        conditions.append(AftersaleCase.type == filters.case_type)
    if filters.reason is not None:
        conditions.append(AftersaleCase.reason == filters.reason)
    if filters.broadcast_id is not None:
        conditions.append(AftersaleCase.broadcast_id == filters.broadcast_id)
    if filters.deadline == "overdue":
        conditions.append(AftersaleCase.deadline_at <= now)
    elif filters.deadline == "due_soon":
        conditions.append(sa.and_(AftersaleCase.deadline_at > now, AftersaleCase.deadline_at <= now + due_soon))
    return conditions


def case_page(session: Session, now: datetime, filters: CaseFilter = CaseFilter(), page: int = 1,
              per_page: int = PER_PAGE, due_soon: timedelta = timedelta(hours=24)) -> CasePage:
    """Return one page of the cases the filters select, nearest deadline first (none last, then newest first)."""
    conditions = _matching(filters, now, due_soon)
    deadline = AftersaleCase.deadline_at
    total, overdue, soon = session.execute(sa.select(
        sa.func.count(), sa.func.count().filter(deadline <= now),
        sa.func.count().filter(deadline > now, deadline <= now + due_soon)).where(*conditions)).one()
    cases = session.scalars(
        sa.select(AftersaleCase).where(*conditions)
        .order_by(deadline.is_(None), deadline, AftersaleCase.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
        .options(selectinload(AftersaleCase.lines), selectinload(AftersaleCase.order))).all()
    return CasePage(list(cases), int(total), int(overdue), int(soon))


def cases_of_order(session: Session, order_id: str) -> list[AftersaleCase]:
    """Return the cases of the order with this id, oldest first (none for an unknown order)."""
    return list(session.scalars(
        sa.select(AftersaleCase).join(Order, Order.id == AftersaleCase.order_pk).where(Order.order_id == order_id)
        .order_by(AftersaleCase.id).options(selectinload(AftersaleCase.lines), selectinload(AftersaleCase.refunds))))
