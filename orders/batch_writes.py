"""Writing many rows with one statement: dialect INSERTs (for ON CONFLICT) and the buyer notices of a batch."""
from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.conflicts import insert_ignoring_conflicts
from orders.notices.models import BuyerNotice
from orders.notices.service import _dedupe_key, json_safe
from orders.notices.templates import render
from orders.review_values import NoticeRequest


def insert_ignoring(session: Session, table: sa.Table, unique: tuple[str, ...], returning: tuple[str, ...] = ()):
    """Return INSERT INTO table ... ON CONFLICT (unique) DO NOTHING [RETURNING returning] for the session's dialect."""
    return _insert_ignoring(session.get_bind().dialect.name, table, unique, returning)


@functools.cache
def _insert_ignoring(dialect_name: str, table: sa.Table, unique: tuple[str, ...], returning: tuple[str, ...]):
    # Built once per dialect and table: building and caching a statement anew costs more than running it.
    statement = insert_ignoring_conflicts(dialect_name, table, unique)
    return statement.returning(*(table.c[name] for name in returning)) if returning else statement


def insert_rows(session: Session, table: sa.Table, rows: list[dict]) -> None:
    """Insert rows (dicts with the same keys) into table with one executemany."""
    if rows:
        session.execute(_insert(table), rows)


@functools.cache
def _insert(table: sa.Table):
    return sa.insert(table)


@dataclass(frozen=True)
class OrderNotice:
    """A buyer notice for a new order of a batch: the order's pk, platform id and buyer, and the notice."""

    order_pk: int
    order_id: str
    buyer_id: str | None
    notice: NoticeRequest


def queue_notices(session: Session, notices: Sequence[OrderNotice], now: datetime) -> None:
    """Queue the pending notices of a batch with one INSERT, the rows queue_notice would write one by one.

    ON CONFLICT DO NOTHING keeps (order, kind, dedupe) unique as queue_notice does; nothing is read back.
    """
    rows = []
    for item in notices:
        full = {"order_id": item.order_id, **item.notice.context}
        message = render(item.notice.kind, full)  # ValueError for an unknown kind or missing context, as queue_notice
        payload = {
            "id": uuid.uuid4().hex, "kind": item.notice.kind, "order_id": item.order_id, "buyer_id": item.buyer_id,
            "message": message, "data": json_safe(full), "created_at": now.isoformat(),
        }
        rows.append({"order_pk": item.order_pk, "kind": item.notice.kind, "dedupe": _dedupe_key(item.notice.dedupe),
                     "message": message, "payload": payload, "status": "pending", "attempts": 0,
                     "next_attempt_at": now, "created_at": now})
    if rows:
        session.execute(insert_ignoring(session, BuyerNotice.__table__, ("order_pk", "kind", "dedupe")), rows)
