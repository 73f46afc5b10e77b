"""Moderator actions: approve or hide a message, time out, ban or unban a viewer. Each one is logged.

A message is never deleted: approve and hide only change who sees it. Pushes: the host is sent a message
that becomes visible (``chat.message``) or stops being visible (``chat.hidden``); the moderators are sent
the changed message (``chat.moderated``) and sanctions (``viewer.sanctioned``).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from live.models import Broadcast
from live.moderation.action_log import log_action
from live.moderation.errors import ModerationError
from live.moderation.models import SHOWN_STATUSES, ModeratedMessage, ViewerSanction
from live.moderation.push import queue_moderators
from live.moderation.queries import host_message, linked_orders, message_to_dict, sanction_to_dict

# Which statuses each decision may change: approving a visible message or hiding a hidden one is a conflict.
APPROVABLE = ("held", "hidden")
HIDEABLE = ("visible", "held", "approved")


def get_message(session: Session, message_id: int) -> ModeratedMessage:
    """Return the stored message, locked for update, or raise 404 naming message_id."""
    message = session.scalar(sa.select(ModeratedMessage).where(ModeratedMessage.id == message_id).with_for_update())
    if message is None:
        raise ModerationError(404, "not_found", "message_id", f"no chat message {message_id}")
    return message


def _decide(session: Session, message: ModeratedMessage, status: str, allowed: tuple[str, ...], action: str,
            actor: str, reason: str | None, now: datetime) -> dict:
    """Return the message as moderators see it after moving it to status and logging the action."""
    if message.status not in allowed:
        raise ModerationError(409, "invalid_state", "message_id",
                              f"message {message.id} is {message.status}; {action} needs one of {', '.join(allowed)}")
    was_shown = message.status in SHOWN_STATUSES
    message.status, message.decided_by, message.decided_at, message.decision_reason = status, actor, now, reason
    log_action(session, action, actor, now, reason=reason, broadcast_id=message.broadcast_id,
               message_id=message.id, viewer_id=message.viewer_id)
    order = linked_orders(session, message.broadcast_id, [message.event_id]).get(message.event_id)
    full = message_to_dict(message, order)
    if status in SHOWN_STATUSES and not was_shown:
        realtime.queue(session, message.broadcast_id, "chat.message", {"message": host_message(full)})
    elif was_shown and status not in SHOWN_STATUSES:
        realtime.queue(session, message.broadcast_id, "chat.hidden", {"message_id": message.id, "id": message.event_id})
    queue_moderators(session, message.broadcast_id, "chat.moderated", {"message": full})
    return full


def approve_message(session: Session, message_id: int, actor: str, reason: str | None, now: datetime) -> dict:
    """Return the message after approving it (held or hidden → approved): the host sees it from now on."""
    return _decide(session, get_message(session, message_id), "approved", APPROVABLE, "approve", actor, reason, now)


def hide_message(session: Session, message_id: int, actor: str, reason: str | None, now: datetime) -> dict:
    """Return the message after hiding it (kept, moderators only); the host's copy is taken down."""
    return _decide(session, get_message(session, message_id), "hidden", HIDEABLE, "hide", actor, reason, now)


def moderator_rooms(session: Session, broadcast_id: int | None) -> list[int]:
    """Return the broadcasts whose moderators hear about a sanction: its own, or every live one for a global one."""
    if broadcast_id is not None:
        return [broadcast_id]
    return list(session.scalars(sa.select(Broadcast.id).where(Broadcast.status == "live")))


def sanction_viewer(session: Session, viewer_id: str, broadcast_id: int | None, kind: str, seconds: int | None,
                    actor: str, reason: str | None, now: datetime, message_id: int | None = None) -> dict:
    """Return the new timeout or ban of a viewer; with message_id, that message is hidden in the same step."""
    if message_id is not None:
        message = get_message(session, message_id)
        if message.viewer_id != viewer_id:
            raise ModerationError(400, "wrong_viewer", "message_id", f"message {message_id} is not from {viewer_id}")
        if message.status != "hidden":
            hide_message(session, message_id, actor, reason, now)
    until = now + timedelta(seconds=seconds) if kind == "timeout" and seconds else None
    sanction = ViewerSanction(viewer_id=viewer_id, broadcast_id=broadcast_id, kind=kind, until=until,
                              reason=reason, actor=actor, at=now, message_id=message_id)
    session.add(sanction)
    session.flush()
    log_action(session, kind, actor, now, reason=reason, broadcast_id=broadcast_id, message_id=message_id,
               viewer_id=viewer_id, detail={"seconds": seconds} if seconds else None)
    body = sanction_to_dict(sanction, now)
    for room in moderator_rooms(session, broadcast_id):
        queue_moderators(session, room, "viewer.sanctioned", {"sanction": body})
    return body


def lift_sanctions(session: Session, viewer_id: str, broadcast_id: int | None, actor: str, reason: str | None,
                   now: datetime) -> list[dict]:
    """Return the sanctions lifted: the viewer's active ones in that broadcast (and global ones), or all."""
    query = sa.select(ViewerSanction).where(
        ViewerSanction.viewer_id == viewer_id, ViewerSanction.lifted_at.is_(None),
        sa.or_(ViewerSanction.until.is_(None), ViewerSanction.until > now))
    if broadcast_id is not None:
        query = query.where(sa.or_(ViewerSanction.broadcast_id == broadcast_id, ViewerSanction.broadcast_id.is_(None)))
    lifted = []
    for sanction in session.scalars(query.with_for_update()):
        sanction.lifted_at, sanction.lifted_by = now, actor
        lifted.append(sanction_to_dict(sanction, now))
    log_action(session, "unban", actor, now, reason=reason, broadcast_id=broadcast_id, viewer_id=viewer_id,
               detail={"lifted": [s["id"] for s in lifted]})
    for room in moderator_rooms(session, broadcast_id):
        queue_moderators(session, room, "viewer.sanctioned", {"lifted": lifted, "viewer_id": viewer_id})
    return lifted
