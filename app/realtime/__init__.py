"""Pushes on /live, sent only after commit: queued inside a transaction, numbered and logged at commit, then emitted.

A push is only ever emitted for data that is on disk. Sequenced pushes (``queue``) go to a broadcast's host
rooms with a per-broadcast sequence number, so clients can detect gaps and ask for what they missed (`join`
with `last_seq`); pushes to one room (``queue_to_room``) carry no seq. Both wait in the one queue of
``app.realtime.after_commit``, tied to their transaction or savepoint and dropped when it rolls back.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.realtime.after_commit import current_session, discard, queue, queue_all, queue_to_room, take_sequenced
from app.realtime.rooms import NAMESPACE, emit_all, emit_one, emit_to_room, room_for
from app.realtime.sequence import current_seq, ensure_sequence, missed_since, number_and_log

__all__ = [
    "NAMESPACE", "commit", "current_seq", "current_session", "discard", "emit_all",
    "emit_one", "emit_to_room", "ensure_sequence", "missed_since", "queue", "queue_all", "queue_to_room", "room_for",
]


def commit(session: Session) -> list[dict]:
    """Commit session together with its queued pushes, then emit them; return the sequenced pushes emitted.

    The sequenced pushes are numbered and logged inside the transaction; pushes to a room are emitted by
    the after-commit listener of app.realtime.after_commit, before the sequenced ones.
    """
    pending = take_sequenced(session)
    numbered = number_and_log(session, pending) if pending else []
    session.commit()
    emit_all(numbered)
    return numbered
