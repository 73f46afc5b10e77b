"""The one after-commit push queue: every push waits in its session for the transaction it was queued in.

Two kinds of push are queued here the same way, each tied to the transaction or savepoint in progress:
sequenced pushes for a broadcast's host rooms (``queue``: numbered and logged by ``app.realtime.commit``,
replayed to clients catching up) and pushes to one named room (``queue_to_room``: no seq, never logged or
replayed, e.g. a broadcast's moderators). A push queued inside a transaction or savepoint that rolls back is
dropped with it; the rest are emitted only once the outer transaction has committed, so a push never speaks
of data that is not on disk. The two Session listeners below are registered when this module is imported.
"""
from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from app.realtime.rooms import emit_to_room

_PENDING = "livedesk_pending_pushes"


class _Push(NamedTuple):
    """One queued push: the transaction it belongs to, and where it goes (room None: sequenced, host rooms)."""

    transaction: SessionTransaction | None
    room: str | None
    broadcast_id: int | None
    event: str
    payload: dict
    replace_key: tuple | None


def current_session(session: Session | scoped_session) -> Session:
    """Return the Session itself (a scoped_session, like Flask-SQLAlchemy's db.session, proxies only part of it)."""
    return session() if isinstance(session, scoped_session) else session


def current_transaction(session: Session | scoped_session) -> SessionTransaction | None:
    """Return the innermost transaction in progress (a savepoint's, else the outer one), or None."""
    session = current_session(session)
    return session.get_nested_transaction() or session.get_transaction()


def queue(session: Session, broadcast_id: int, event: str, payload: dict, replace_key: str | None = None) -> None:
    """Queue a sequenced push for the current transaction; with replace_key, a later push replaces an earlier one.

    Queued before any transaction has begun, it waits for the next ``app.realtime.commit`` all the same.
    """
    key = None if replace_key is None else (broadcast_id, event, replace_key)
    push = _Push(current_transaction(session), None, broadcast_id, event, payload, key)
    session.info.setdefault(_PENDING, []).append(push)


def queue_to_room(session: Session, room: str, event: str, payload: dict) -> None:
    """Queue a push (no seq, not logged) to one room, emitted after the current transaction commits."""
    transaction = current_transaction(session)
    if transaction is None:  # nothing to wait for
        emit_to_room(room, event, payload)
        return
    session.info.setdefault(_PENDING, []).append(_Push(transaction, room, None, event, payload, None))


def queue_all(session: Session, pushes: list[tuple[str | None, int | None, str, dict]]) -> None:
    """Queue pushes, in order, as (room, broadcast_id, event, payload): room None for a sequenced push to the
    broadcast's host rooms (``queue``), else a push to that room (``queue_to_room``, broadcast_id unused).

    The same as queueing each alone, with one look-up of the transaction (a chat batch queues hundreds).
    """
    transaction = current_transaction(session)
    if transaction is None:
        for room, broadcast_id, event, payload in pushes:
            if room is None:
                queue(session, broadcast_id, event, payload)
            else:
                emit_to_room(room, event, payload)
        return
    session.info.setdefault(_PENDING, []).extend(
        _Push(transaction, room, broadcast_id if room is None else None, event, payload, None)
        for room, broadcast_id, event, payload in pushes)


def discard(session: Session) -> None:
    """Drop every push queued in session (called when its transaction is rolled back)."""
    session.info.pop(_PENDING, None)


def take_sequenced(session: Session) -> list[tuple[int, str, dict]]:
    """Return the sequenced pushes queued in session as (broadcast_id, event, payload), removing them.

    Of the pushes sharing a replace_key, only the last one queued is kept, in its place.
    """
    pending: list[_Push] = session.info.get(_PENDING) or []
    sequenced = [push for push in pending if push.room is None]
    if not sequenced:
        return []
    session.info[_PENDING] = [push for push in pending if push.room is not None]
    last = {push.replace_key: index for index, push in enumerate(sequenced) if push.replace_key is not None}
    return [(push.broadcast_id, push.event, push.payload) for index, push in enumerate(sequenced)
            if push.replace_key is None or last[push.replace_key] == index]


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    """Return True when transaction is ancestor or nested inside it."""
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@sa.event.listens_for(Session, "after_commit")
def _emit_after_commit(session: Session) -> None:
    """Emit the room pushes of the outer transaction that just committed (a savepoint release also lands here)."""
    if session.in_nested_transaction() or _PENDING not in session.info:
        return
    root = session.get_transaction()
    waiting = []
    for push in session.info.pop(_PENDING):
        if push.room is None:  # sequenced: numbered and emitted by app.realtime.commit only
            waiting.append(push)
        elif _within(push.transaction, root):  # anything older is left over from a closed session: drop it
            emit_to_room(push.room, push.event, push.payload)
    if waiting:
        session.info[_PENDING] = waiting


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    """Drop the pushes queued inside a transaction or savepoint that rolled back."""
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [push for push in pending if not _within(push.transaction, previous_transaction)]
