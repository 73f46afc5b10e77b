"""Pushes to moderators only (room ``broadcast:<id>:moderators``), emitted once the transaction commits.

``app.realtime.queue`` numbers its pushes and sends them to the host rooms, and ``join`` replays them to
anyone catching up, so a hidden or held message must never go through it. Moderator pushes are queued here
instead, in ``session.info``, each tied to the transaction it was queued in: they are emitted when the outer
transaction commits and dropped when that transaction, or a savepoint around them, rolls back. They carry no
seq: after a reconnect the console reloads its lists from the API rather than replaying.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from app.extensions import socketio
from app.realtime import NAMESPACE

MODERATOR_ROLES = frozenset({"moderator", "admin"})
_PENDING = "livedesk_moderator_pushes"


def moderator_room(broadcast_id: int) -> str:
    """Return the Socket.IO room of a broadcast's moderators (joined by moderators and admins)."""
    return f"broadcast:{broadcast_id}:moderators"


def is_moderator(principal) -> bool:
    """Return True when the principal (user or token) may moderate chat."""
    return getattr(principal, "role", None) in MODERATOR_ROLES


def current_session(session: Session | scoped_session) -> Session:
    """Return the Session itself (a scoped_session, like Flask-SQLAlchemy's db.session, proxies only part of it)."""
    return session() if isinstance(session, scoped_session) else session


def current_transaction(session: Session | scoped_session) -> SessionTransaction | None:
    """Return the innermost transaction in progress (a savepoint's, else the outer one), or None."""
    session = current_session(session)
    return session.get_nested_transaction() or session.get_transaction()


def queue_moderators(session: Session, broadcast_id: int, event: str, payload: dict) -> None:
    """Queue a push to a broadcast's moderators, emitted after the current transaction commits."""
    transaction = current_transaction(session)
    if transaction is None:  # nothing to wait for
        emit_moderators(broadcast_id, event, payload)
        return
    session.info.setdefault(_PENDING, []).append((transaction, broadcast_id, event, payload))


def emit_moderators(broadcast_id: int, event: str, payload: dict) -> None:
    """Emit one push to a broadcast's moderators now."""
    socketio.emit(event, payload, to=moderator_room(broadcast_id), namespace=NAMESPACE)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    """Return True when transaction is ancestor or nested inside it."""
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@sa.event.listens_for(Session, "after_commit")
def _emit_after_commit(session: Session) -> None:
    """Emit the pushes of the outer transaction that just committed (a savepoint release also lands here)."""
    if session.in_nested_transaction() or _PENDING not in session.info:
        return
    root = session.get_transaction()
    pending = session.info.pop(_PENDING)
    for transaction, broadcast_id, event, payload in pending:
        if _within(transaction, root):  # anything older is left over from a closed session: drop it
            emit_moderators(broadcast_id, event, payload)


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    """Drop the pushes queued inside a transaction or savepoint that rolled back."""
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [item for item in pending if not _within(item[0], previous_transaction)]
