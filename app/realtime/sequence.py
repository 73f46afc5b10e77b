"""Per-broadcast push numbering: the counter, the push_messages log, and reading back what a client missed."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import utcnow
from app.db.bulk import execute_rows
from app.realtime.models import PushMessage, PushSequence

# Core statements, built once: they run at every commit that pushes (the ORM's bulk paths cost more per call).
_SEQ, _LOG = PushSequence.__table__, PushMessage.__table__
_RAISE = (sa.update(_SEQ).where(_SEQ.c.broadcast_id == sa.bindparam("b_id"))
          .values(last_seq=_SEQ.c.last_seq + sa.bindparam("n", type_=sa.Integer)).returning(_SEQ.c.last_seq))
_INSERT = sa.insert(_LOG)


def ensure_sequence(session: Session, broadcast_id: int) -> None:
    """Create the push counter of a new broadcast."""
    session.add(PushSequence(broadcast_id=broadcast_id, last_seq=0))


def number_and_log(session: Session, pushes: list[tuple[int, str, dict]]) -> list[dict]:
    """Return the (broadcast_id, event, payload) pushes with sequence numbers, after logging them in push_messages."""
    session.flush()  # a broadcast's counter added in this transaction (ensure_sequence) must be there to raise
    numbered: list[dict] = []
    now = utcnow()
    by_broadcast: dict[int, list] = {}
    for broadcast_id, event, payload in pushes:
        by_broadcast.setdefault(broadcast_id, []).append((event, payload))
    for broadcast_id in sorted(by_broadcast):  # fixed order, so concurrent commits cannot deadlock
        items = by_broadcast[broadcast_id]
        last = session.execute(_RAISE, {"b_id": broadcast_id, "n": len(items)}).scalar_one()
        first = last - len(items) + 1
        rows = []
        for offset, (event, payload) in enumerate(items):
            body = {"seq": first + offset, **payload}
            rows.append({"broadcast_id": broadcast_id, "seq": first + offset, "event": event, "payload": body,
                         "created_at": now})
            numbered.append({"broadcast_id": broadcast_id, "event": event, "payload": body})
        execute_rows(session, _INSERT, rows)
    return numbered


def missed_since(session: Session, broadcast_id: int, last_seq: int, limit: int) -> tuple[list[PushMessage], bool]:
    """Return up to limit pushes after last_seq in order, and whether more were left out."""
    rows = session.scalars(
        sa.select(PushMessage)
        .where(PushMessage.broadcast_id == broadcast_id, PushMessage.seq > last_seq)
        .order_by(PushMessage.seq)
        .limit(limit + 1)
    ).all()
    return list(rows[:limit]), len(rows) > limit


def current_seq(session: Session, broadcast_id: int) -> int:
    """Return the last sequence number used for a broadcast (0 before its first push)."""
    value = session.scalar(sa.select(PushSequence.last_seq).where(PushSequence.broadcast_id == broadcast_id))
    return int(value or 0)
