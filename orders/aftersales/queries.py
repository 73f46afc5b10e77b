"""Reading cases: one page of cases by status, type, reason and broadcast; a case with its timeline; an order's cases."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders.aftersales.models import AftersaleCase
from orders.aftersales.queue import ALL, OPEN, still_open

MAX_PER_PAGE = 100


def list_cases(session: Session, status: str | None, case_type: str | None, broadcast_id: int | None, page: int,
               per_page: int = MAX_PER_PAGE, order_pk: int | None = None,
               reason: str | None = None) -> tuple[list[AftersaleCase], int]:
    """Return one page of cases, the nearest deadline first (cases with none after, newest first), and the count.

    status: a case status, OPEN (every case still running, as the queue page shows by default), ALL or None (every
    case)."""
    query = sa.select(AftersaleCase)
    if status == OPEN:
        query = query.where(still_open())
    elif status is not None and status != ALL:
        query = query.where(AftersaleCase.status == status)
    if case_type is not None:
        query = query.where(AftersaleCase.type == case_type)
    if reason is not None:
        query = query.where(AftersaleCase.reason == reason)
    if broadcast_id is not None:
        query = query.where(AftersaleCase.broadcast_id == broadcast_id)
    if order_pk is not None:
        query = query.where(AftersaleCase.order_pk == order_pk)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(AftersaleCase.deadline_at.is_(None), AftersaleCase.deadline_at, AftersaleCase.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
        .options(selectinload(AftersaleCase.lines), selectinload(AftersaleCase.order),
                 selectinload(AftersaleCase.refunds))).all()
    return list(rows), int(total or 0)


def case_detail(session: Session, case_id: str) -> AftersaleCase | None:
    """Return a case with its lines, refunds and timeline loaded, or None."""
    return session.scalar(sa.select(AftersaleCase).where(AftersaleCase.case_id == case_id).options(
        selectinload(AftersaleCase.lines), selectinload(AftersaleCase.refunds), selectinload(AftersaleCase.events)))
