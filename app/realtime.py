"""Sequenced pushes on /live: queued inside a transaction, numbered and logged at commit, emitted after it.

A push is only ever emitted for data that is on disk, and every push has a per-broadcast sequence number so
clients can detect gaps and ask for what they missed (`join` with `last_seq`).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import socketio
from app.privacy import mask_payload
from app.realtime_models import PushMessage, PushSequence

NAMESPACE = "/live"
_PENDING = "livedesk_pending_pushes"


def room_for(broadcast_id: int, sees_pii: bool) -> str:
    """Return the Socket.IO room of a broadcast for clients that see buyer data in full or masked."""
    return f"broadcast:{broadcast_id}:{'full' if sees_pii else 'masked'}"


def queue(session: Session, broadcast_id: int, event: str, payload: dict, replace_key: str | None = None) -> None:
    """Queue a push for the current transaction; with replace_key, a later push replaces an earlier one."""
    pending: list = session.info.setdefault(_PENDING, [])
    if replace_key is not None:
        key = (broadcast_id, event, replace_key)
        pending[:] = [p for p in pending if p[3] != key]
        pending.append((broadcast_id, event, payload, key))
    else:
        pending.append((broadcast_id, event, payload, None))


def discard(session: Session) -> None:
    """Drop the pushes queued in session (called when its transaction is rolled back)."""
    session.info.pop(_PENDING, None)


def ensure_sequence(session: Session, broadcast_id: int) -> None:
    """Create the push counter of a new broadcast."""
    session.add(PushSequence(broadcast_id=broadcast_id, last_seq=0))


def _number(session: Session, pending: list) -> list[dict]:
    """Return the pending pushes with sequence numbers, after logging them in push_messages."""
    numbered: list[dict] = []
    by_broadcast: dict[int, list] = {}
    for broadcast_id, event, payload, _key in pending:
        by_broadcast.setdefault(broadcast_id, []).append((event, payload))
    for broadcast_id in sorted(by_broadcast):  # fixed order, so concurrent commits cannot deadlock
        items = by_broadcast[broadcast_id]
        last = session.execute(
            sa.update(PushSequence)
            .where(PushSequence.broadcast_id == broadcast_id)
            .values(last_seq=PushSequence.last_seq + len(items))
            .returning(PushSequence.last_seq)
        ).scalar_one()
        first = last - len(items) + 1
        rows = []
        for offset, (event, payload) in enumerate(items):
            body = {"seq": first + offset, **payload}
            rows.append({"broadcast_id": broadcast_id, "seq": first + offset, "event": event, "payload": body})
            numbered.append({"broadcast_id": broadcast_id, "event": event, "payload": body})
        session.execute(sa.insert(PushMessage), rows)
    return numbered


def commit(session: Session) -> list[dict]:
    """Commit session together with its queued pushes, then emit them; return what was emitted."""
    pending = session.info.pop(_PENDING, [])
    numbered = _number(session, pending) if pending else []
    session.commit()
    emit_all(numbered)
    return numbered


def emit_all(messages: list[dict]) -> None:
    """Emit numbered pushes to the full and the masked room of their broadcast."""
    for message in messages:
        emit_one(message["broadcast_id"], message["event"], message["payload"])


def emit_one(broadcast_id: int, event: str, payload: dict, to: str | None = None, sees_pii: bool = False) -> None:
    """Emit one push to a broadcast's rooms, or only to one client (sid) with masking for its role."""
    if to is not None:
        socketio.emit(event, payload if sees_pii else mask_payload(payload), to=to, namespace=NAMESPACE)
        return
    socketio.emit(event, payload, to=room_for(broadcast_id, True), namespace=NAMESPACE)
    socketio.emit(event, mask_payload(payload), to=room_for(broadcast_id, False), namespace=NAMESPACE)


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
