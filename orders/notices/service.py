"""The buyer notice outbox: queue once per event, deliver with leases, retry with backoff, list per order.

Delivery is at-least-once: a pass commits outcomes in chunks, so a worker that dies after the channel accepted
notices but before their chunk's commit leaves up to one chunk pending, sent again when the lease runs out.
Every notice carries a unique ``payload.id``, the same on every try: receivers dedupe on it.
"""
from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import utcnow
from app.db.bulk import execute_rows, insert_ignoring
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
# A pass leases all its notices at once: no send starts after half the lease, so the last one ends before it does.
SEND_BUDGET = LEASE.total_seconds() / 2
# Outcomes are committed every 20 sends or half a second: a crash re-sends at most that many.
CHUNK_SENDS = 20
CHUNK_SECONDS = 0.5
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
        execute_rows(session, insert_ignoring(session, BuyerNotice.__table__, _UNIQUE), rows)


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


_TABLE = BuyerNotice.__table__
# An outcome is written only while the row is still the pending try this worker leased.
_STILL_OURS = (_TABLE.c.id == sa.bindparam("nid"), _TABLE.c.status == "pending",
               _TABLE.c.attempts == sa.bindparam("tried"))
_RETRY = sa.update(_TABLE).where(*_STILL_OURS).values(
    next_attempt_at=sa.bindparam("due", type_=_TABLE.c.next_attempt_at.type), last_error=sa.bindparam("error"))
_GIVE_UP = sa.update(_TABLE).where(*_STILL_OURS).values(status="failed", last_error=sa.bindparam("error"))
# A lease given back unused: the row is as it was before this pass.
_RELEASE = sa.update(_TABLE).where(*_STILL_OURS).values(
    attempts=_TABLE.c.attempts - 1, next_attempt_at=sa.bindparam("due", type_=_TABLE.c.next_attempt_at.type),
    channel=sa.bindparam("was", type_=_TABLE.c.channel.type))


@dataclass
class _Outcomes:
    """The outcomes of one pass not committed yet; commit() writes each kind with one statement, then commits once."""

    sent: list[int] = field(default_factory=list)
    retry: list[dict] = field(default_factory=list)
    give_up: list[dict] = field(default_factory=list)
    release: list[dict] = field(default_factory=list)

    def sends(self) -> int:
        """Return how many sends wait for their commit."""
        return len(self.sent) + len(self.retry) + len(self.give_up)

    def commit(self, session: Session, now: datetime) -> None:
        """Write and commit the waiting outcomes (no transaction at all when none wait), then forget them."""
        if self.sent:
            # Not conditional on attempts: even if our lease ran out meanwhile, these notices were delivered.
            session.execute(sa.update(_TABLE).where(_TABLE.c.id.in_(self.sent), _TABLE.c.status == "pending")
                            .values(status="sent", sent_at=now, last_error=None))
        for statement, rows in ((_RETRY, self.retry), (_GIVE_UP, self.give_up), (_RELEASE, self.release)):
            if rows:
                session.execute(statement, rows)
        session.commit()
        self.sent, self.retry, self.give_up, self.release = [], [], [], []


def _lease(session: Session, notice_ids: list[int], now: datetime, channel: str) -> dict[int, tuple[int, dict]]:
    """Return ``{id: (attempts, payload)}`` of the notices this worker leased for one try, with one UPDATE.

    The conditions are checked again by the UPDATE itself, so a notice another worker leased meanwhile
    (its next_attempt_at is then in the future) is not taken twice. Does not commit.
    """
    rows = session.execute(
        sa.update(BuyerNotice)
        .where(BuyerNotice.id.in_(notice_ids), BuyerNotice.status == "pending", BuyerNotice.next_attempt_at <= now)
        .values(attempts=BuyerNotice.attempts + 1, next_attempt_at=now + LEASE, channel=channel)
        .returning(BuyerNotice.id, BuyerNotice.attempts, BuyerNotice.payload)
        .execution_options(synchronize_session=False))
    return {notice_id: (attempts, payload) for notice_id, attempts, payload in rows}


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LIMIT]


def deliver_due(session: Session, channel: Channel, now: datetime, batch: int = 100,
                rng: random.Random | None = None, *, clock: Callable[[], float] = time.monotonic) -> dict[str, int]:
    """Return counts ``{"sent", "retrying", "failed", "skipped"}`` of one pass over notices due at now.

    Longest-due first (for fresh notices: oldest first). The pass leases every due notice it can with one
    conditional UPDATE and one commit before the channel is called, so two workers never send the same
    notice in a pass; it then commits outcomes every CHUNK_SENDS sends or CHUNK_SECONDS (clock), so a pass
    costs a few transactions whatever its size. Delivery is at least once: a worker that dies mid-pass
    leaves up to one chunk of sent notices pending, and they are sent again when their lease ends;
    receivers dedupe on ``payload["id"]``. No send starts after SEND_BUDGET: the rest is given back
    unchanged (counted as skipped). Commits the session.
    """
    rng = rng or random.Random()
    due = session.execute(
        sa.select(BuyerNotice.id, BuyerNotice.next_attempt_at, BuyerNotice.channel)
        .where(BuyerNotice.status == "pending", BuyerNotice.next_attempt_at <= now)
        .order_by(BuyerNotice.next_attempt_at, BuyerNotice.id)
        .limit(batch)
        .with_for_update(skip_locked=True)  # PostgreSQL: rows another worker is leasing now are left to it
    ).all()
    leased = _lease(session, [row.id for row in due], now, channel.name) if due else {}
    # End the transaction before any network call: on SQLite it holds the write lock.
    session.commit()
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": len(due) - len(leased)}
    outcomes, started = _Outcomes(), clock()
    last_commit = started
    for notice_id, due_at, was in (row for row in due if row.id in leased):
        tried, payload = leased[notice_id]
        if clock() - started >= SEND_BUDGET:
            outcomes.release.append({"nid": notice_id, "tried": tried, "due": due_at, "was": was})
            counts["skipped"] += 1
            continue
        try:
            channel.send(payload)
        except Exception as error:  # noqa: BLE001 -- channels are pluggable: any failure means "try again later"
            failure = {"nid": notice_id, "tried": tried, "error": _describe(error)}
            if tried >= MAX_ATTEMPTS:
                outcomes.give_up.append(failure)
                counts["failed"] += 1
            else:
                outcomes.retry.append({**failure, "due": now + backoff(tried, rng)})
                counts["retrying"] += 1
        except BaseException:
            outcomes.commit(session, now)  # the worker is going down: what it sent stays sent
            raise
        else:
            outcomes.sent.append(notice_id)
            counts["sent"] += 1
        if outcomes.sends() >= CHUNK_SENDS or clock() - last_commit >= CHUNK_SECONDS:
            outcomes.commit(session, now)
            last_commit = clock()
    outcomes.commit(session, now)
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
