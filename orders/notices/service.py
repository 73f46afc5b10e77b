"""The buyer notice outbox: queue once per event, deliver with leases, retry with backoff, list per order.

Delivery is at-least-once: a worker that dies after the channel accepted a notice but before its commit
leaves the row pending, and it is sent again when the lease runs out. Receivers dedupe on ``payload.id``.
"""
from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import utcnow
from app.db.bulk import insert_ignoring
from orders.models import Order
from orders.notices.channels import Channel
from orders.notices.models import BuyerNotice
from orders.notices.templates import render

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=10)
JITTER = 0.1
# Longer than any channel's timeout: a claimed notice is not offered to another worker while it is being sent.
LEASE = timedelta(seconds=60)
ERROR_LIMIT = 1000
DEDUPE_LENGTH = 64
_UNIQUE = ("order_pk", "kind", "dedupe")


def json_safe(value: Any) -> Any:
    """Return value with Decimals and datetimes turned into strings, ready for a JSON column."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _dedupe_key(dedupe: str) -> str:
    """Return dedupe as stored: as given when short, else a hash of it that still fits the column."""
    return dedupe if len(dedupe) <= DEDUPE_LENGTH else hashlib.sha256(dedupe.encode()).hexdigest()


@dataclass(frozen=True)
class PendingNotice:
    """A notice to queue for an order known by its pk, platform id and buyer: its kind, context and dedupe key."""

    order_pk: int
    order_id: str
    buyer_id: str | None
    kind: str
    context: Mapping[str, Any]
    dedupe: str = ""


def queue_notice(session: Session, order: Order, kind: str, context: Mapping[str, Any] | None = None,
                 dedupe: str = "", *, now: datetime | None = None) -> BuyerNotice | None:
    """Return the new pending notice of kind for order, or None when (order, kind, dedupe) was queued already.

    Renders the message first (ValueError for an unknown kind or missing context); the insert uses
    ON CONFLICT DO NOTHING, so concurrent callers for one event store exactly one row. Does not commit.
    """
    now = now or utcnow()
    message = render(kind, {"order_id": order.order_id, **(context or {})})
    if order.id is None:
        session.flush()
    row = _row(PendingNotice(order.id, order.order_id, order.buyer_id, kind, context or {}, dedupe), message, now)
    notice_id = session.scalar(insert_ignoring(session, BuyerNotice.__table__, _UNIQUE, returning=("id",)), row)
    return None if notice_id is None else session.get(BuyerNotice, notice_id)


def queue_notices(session: Session, notices: Sequence[PendingNotice], now: datetime) -> None:
    """Queue pending notices with one INSERT, the rows queue_notice would write one by one; nothing is read back.

    ON CONFLICT DO NOTHING keeps (order, kind, dedupe) unique as queue_notice does.
    """
    rows = [_row(item, render(item.kind, {"order_id": item.order_id, **item.context}), now) for item in notices]
    if rows:
        session.execute(insert_ignoring(session, BuyerNotice.__table__, _UNIQUE), rows)


def _row(item: PendingNotice, message: dict, now: datetime) -> dict[str, Any]:
    """Return the buyer_notices row of a notice whose message is rendered: pending, due now."""
    full = {"order_id": item.order_id, **item.context}
    payload = {
        "id": uuid.uuid4().hex, "kind": item.kind, "order_id": item.order_id, "buyer_id": item.buyer_id,
        "message": message, "data": json_safe(full), "created_at": now.isoformat(),
    }
    return {"order_pk": item.order_pk, "kind": item.kind, "dedupe": _dedupe_key(item.dedupe), "message": message,
            "payload": payload, "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """Return the wait after `attempts` failed tries: 2 s × 2^(attempts-1) plus up to 10 % jitter, capped at 10 min."""
    delay = BASE_DELAY * (2 ** min(max(attempts - 1, 0), 20))
    return min(delay * (1 + rng.uniform(0, JITTER)), MAX_DELAY)


def _pending(notice_id: int, attempts: int) -> tuple:
    """Return the conditions that the row is still the pending try `attempts` this worker knows."""
    return BuyerNotice.id == notice_id, BuyerNotice.status == "pending", BuyerNotice.attempts == attempts


def _update(session: Session, conditions: tuple, **values: Any) -> bool:
    """Return True when the conditional UPDATE changed the row; commits either way."""
    result = session.execute(sa.update(BuyerNotice).where(*conditions).values(**values)
                             .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


def _claim(session: Session, notice_id: int, attempts: int, now: datetime, channel: str) -> bool:
    """Return True when this worker leased the notice for one try (it is then invisible to others until the lease ends)."""
    return _update(session, (*_pending(notice_id, attempts), BuyerNotice.next_attempt_at <= now),
                   attempts=attempts + 1, next_attempt_at=now + LEASE, channel=channel)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LIMIT]


def deliver_due(session: Session, channel: Channel, now: datetime, batch: int = 100,
                rng: random.Random | None = None) -> dict[str, int]:
    """Return counts ``{"sent", "retrying", "failed", "skipped"}`` of one pass over notices due at now.

    Longest-due first (for fresh notices: oldest first). Each notice is leased with a conditional
    UPDATE and committed before the channel is called, and its outcome is committed right after,
    so two workers never send the same notice and a crash loses no sent state. Commits the session.
    """
    rng = rng or random.Random()
    due = session.execute(
        sa.select(BuyerNotice.id, BuyerNotice.attempts, BuyerNotice.payload)
        .where(BuyerNotice.status == "pending", BuyerNotice.next_attempt_at <= now)
        .order_by(BuyerNotice.next_attempt_at, BuyerNotice.id)
        .limit(batch)
    ).all()
    # End the read transaction before any network call: on SQLite it holds the write lock.
    session.commit()
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    for notice_id, attempts, payload in due:
        if not _claim(session, notice_id, attempts, now, channel.name):
            counts["skipped"] += 1
            continue
        tried = attempts + 1
        try:
            channel.send(payload)
        except Exception as error:  # channels are pluggable: any failure means "try again later"
            gave_up = tried >= MAX_ATTEMPTS
            outcome = {"status": "failed"} if gave_up else {"next_attempt_at": now + backoff(tried, rng)}
            _update(session, _pending(notice_id, tried), last_error=_describe(error), **outcome)
            counts["failed" if gave_up else "retrying"] += 1
        else:
            # Not conditional on attempts: even if our lease ran out meanwhile, this notice was delivered.
            _update(session, (BuyerNotice.id == notice_id, BuyerNotice.status == "pending"),
                    status="sent", sent_at=now, last_error=None)
            counts["sent"] += 1
    return counts


def notice_to_dict(notice: BuyerNotice) -> dict[str, Any]:
    """Return one notice as JSON-ready data for the order page and API."""
    return {
        "id": notice.id,
        "kind": notice.kind,
        "channel": notice.channel,
        "status": notice.status,
        "attempts": notice.attempts,
        "message": dict(notice.message),
        "created_at": notice.created_at.isoformat(),
        "sent_at": notice.sent_at.isoformat() if notice.sent_at else None,
        "next_attempt_at": notice.next_attempt_at.isoformat() if notice.status == "pending" else None,
        "last_error": notice.last_error,
    }


def notices_for_order(session: Session, order_pk: int) -> list[dict[str, Any]]:
    """Return the notices of one order, oldest first, as JSON-ready dicts."""
    rows = session.scalars(sa.select(BuyerNotice).where(BuyerNotice.order_pk == order_pk).order_by(BuyerNotice.id))
    return [notice_to_dict(row) for row in rows]
