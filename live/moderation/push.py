"""Pushes to moderators only (room ``broadcast:<id>:moderators``), queued through app.realtime.

``app.realtime.queue`` numbers its pushes and sends them to the host rooms, and ``join`` replays them to
anyone catching up, so a hidden or held message must never go through it. Moderator pushes go through
``app.realtime.queue_to_room`` instead: tied to the transaction they were queued in, emitted when the outer
transaction commits and dropped when that transaction, or a savepoint around them, rolls back. They carry no
seq: after a reconnect the console reloads its lists from the API rather than replaying.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app import realtime

MODERATOR_ROLES = frozenset({"moderator", "admin"})


def moderator_room(broadcast_id: int) -> str:
    """Return the Socket.IO room of a broadcast's moderators (joined by moderators and admins)."""
    return f"broadcast:{broadcast_id}:moderators"


def is_moderator(principal) -> bool:
    """Return True when the principal (user or token) may moderate chat."""
    return getattr(principal, "role", None) in MODERATOR_ROLES


def queue_moderators(session: Session, broadcast_id: int, event: str, payload: dict) -> None:
    """Queue a push to a broadcast's moderators, emitted after the current transaction commits."""
    realtime.queue_to_room(session, moderator_room(broadcast_id), event, payload)
