"""Moderator actions: approve or hide a message (one or many), time out, ban or unban a viewer, and undo: restore
a message to its status before the latest approve or hide, lift one sanction. Each one is logged.

A message is never deleted: approve and hide only change who sees it; their log row keeps the status it had
(``detail.from``), which is what restore returns it to. Pushes: the host is sent a message
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
from live.moderation.models import (
    SHOWN_STATUSES,
    ModeratedMessage,
    ModerationAction,
    ViewerSanction,
)
from live.moderation.push import queue_moderators
from live.moderation.queries import (
    host_message,
    linked_orders,
    message_to_dict,
    sanction_to_dict,
)

# Which statuses each decision may change: approving a visible message or hiding a hidden one is a conflict.
APPROVABLE = ("held", "hidden")
HIDEABLE = ("visible", "held", "approved")
DECISIONS = ("approve", "hide")
UNDOABLE = (*DECISIONS, "restore")  # the log rows that changed a message's status by hand


def get_message(session: Session, message_id: int) -> ModeratedMessage:
    """Return the stored message, locked for update, or raise 404 naming message_id."""
    message = session.scalar(sa.select(ModeratedMessage).where(ModeratedMessage.id == message_id).with_for_update())
    if message is None:
        raise ModerationError(404, "not_found", "message_id", f"no chat message {message_id}")
    return message


def _decide(session: Session, message: ModeratedMessage, status: str, allowed: tuple[str, ...], action: str,
            actor: str, reason: str | None, now: datetime, detail: dict | None = None) -> dict:
    """Return the message as moderators see it after moving it to status and logging the action."""
    if message.status not in allowed:
        raise ModerationError(409, "invalid_state", "message_id",
                              f"message {message.id} is {message.status}; {action} needs one of {', '.join(allowed)}")
    was_shown = message.status in SHOWN_STATUSES
    detail = {"from": message.status, **(detail or {})}
    message.status, message.decided_by, message.decided_at, message.decision_reason = status, actor, now, reason
    log_action(session, action, actor, now, reason=reason, broadcast_id=message.broadcast_id,
               message_id=message.id, viewer_id=message.viewer_id, detail=detail)
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


def hide_message(session: Session, message_id: int, actor: str, reason: str | None, now: datetime,
                 detail: dict | None = None) -> dict:
    """Return the message after hiding it (kept, moderators only); the host's copy is taken down."""
    return _decide(session, get_message(session, message_id), "hidden", HIDEABLE, "hide", actor, reason, now, detail)


def decide_many(session: Session, message_ids: list[int], decision: str, actor: str, reason: str | None,
                now: datetime) -> list[dict]:
    """Return one result per message after approving or hiding each: {message_id, ok, message | error}.

    A message that cannot take the decision (unknown, or in the wrong state) is refused before anything is
    written for it, so it needs no savepoint: the others still go through.
    """
    change = approve_message if decision == "approve" else hide_message
    results = []
    for message_id in message_ids:
        try:
            results.append({"message_id": message_id, "ok": True,
                            "message": change(session, message_id, actor, reason, now)})
        except ModerationError as error:
            results.append({"message_id": message_id, "ok": False,
                            "error": {"code": error.code, "field": error.field, "message": error.message}})
    return results


def _last_decision(session: Session, message_id: int) -> ModerationAction | None:
    """Return the latest logged approve, hide or restore of a message, or None."""
    return session.scalar(sa.select(ModerationAction).where(
        ModerationAction.message_id == message_id, ModerationAction.action.in_(UNDOABLE))
        .order_by(ModerationAction.id.desc()).limit(1))


def restore_message(session: Session, message_id: int, actor: str, reason: str | None, now: datetime,
                    expected_status: str | None = None) -> dict:
    """Return the message after undoing the latest approve or hide on it: back to the status it had before.

    With expected_status, 409 unless the message is still in it (someone else decided since: their decision
    is not undone by mistake). A restore is not undone by another restore (409 nothing_to_undo).
    """
    message = get_message(session, message_id)
    if expected_status is not None and message.status != expected_status:
        raise ModerationError(409, "invalid_state", "expected_status",
                              f"message {message.id} is {message.status}, not {expected_status}")
    last = _last_decision(session, message.id)
    previous = (last.detail or {}).get("from") if last is not None and last.action in DECISIONS else None
    if previous is None or previous == message.status:
        raise ModerationError(409, "nothing_to_undo", "message_id",
                              f"message {message.id} has no approve or hide to undo")
    return _decide(session, message, previous, (message.status,), "restore", actor, reason, now,
                   {"undid": last.id})


def moderator_rooms(session: Session, broadcast_id: int | None) -> list[int]:
    """Return the broadcasts whose moderators hear about a sanction: its own, or every live one for a global one."""
    if broadcast_id is not None:
        return [broadcast_id]
    return list(session.scalars(sa.select(Broadcast.id).where(Broadcast.status == "live")))


def sanction_viewer(session: Session, viewer_id: str, broadcast_id: int | None, kind: str, seconds: int | None,
                    actor: str, reason: str | None, now: datetime, message_id: int | None = None) -> dict:
    """Return the new timeout or ban of a viewer; with message_id, that message is hidden in the same step.

    A ban of a viewer already banned in that scope answers the ban in force: a second one (a double click, two
    moderators at once) would keep the viewer banned after the first one is undone.
    """
    message = get_message(session, message_id) if message_id is not None else None
    if message is not None and message.viewer_id != viewer_id:
        raise ModerationError(400, "wrong_viewer", "message_id", f"message {message_id} is not from {viewer_id}")
    banned = _ban_in_force(session, viewer_id, broadcast_id) if kind == "ban" else None
    if banned is not None:
        if message is not None and message.status != "hidden":
            hide_message(session, message.id, actor, reason, now, {"sanction_id": banned.id})
        return sanction_to_dict(banned, now)
    until = now + timedelta(seconds=seconds) if kind == "timeout" and seconds else None
    sanction = ViewerSanction(viewer_id=viewer_id, broadcast_id=broadcast_id, kind=kind, until=until,
                              reason=reason, actor=actor, at=now, message_id=message_id)
    session.add(sanction)
    session.flush()
    if message is not None and message.status != "hidden":
        hide_message(session, message.id, actor, reason, now, {"sanction_id": sanction.id})
    log_action(session, kind, actor, now, reason=reason, broadcast_id=broadcast_id, message_id=message_id,
               viewer_id=viewer_id, detail={"seconds": seconds} if seconds else None)
    body = sanction_to_dict(sanction, now)
    for room in moderator_rooms(session, broadcast_id):
        queue_moderators(session, room, "viewer.sanctioned", {"sanction": body})
    return body


def _ban_in_force(session: Session, viewer_id: str, broadcast_id: int | None) -> ViewerSanction | None:
    """Return the viewer's unlifted ban of exactly that scope (one broadcast, or everywhere), or None."""
    scope = ViewerSanction.broadcast_id.is_(None) if broadcast_id is None else ViewerSanction.broadcast_id == broadcast_id
    return session.scalar(sa.select(ViewerSanction).where(
        ViewerSanction.viewer_id == viewer_id, ViewerSanction.kind == "ban", ViewerSanction.lifted_at.is_(None), scope)
        .order_by(ViewerSanction.id).limit(1).with_for_update())


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


def lift_sanction(session: Session, viewer_id: str, sanction_id: int, actor: str, reason: str | None,
                  now: datetime) -> dict:
    """Return {"lifted": the sanction, "message": the message it hid, restored, or None}: the undo of one sanction."""
    sanction = session.scalar(sa.select(ViewerSanction).where(ViewerSanction.id == sanction_id).with_for_update())
    if sanction is None or sanction.viewer_id != viewer_id:
        raise ModerationError(404, "not_found", "sanction_id", f"no sanction {sanction_id} of viewer {viewer_id}")
    if sanction.lifted_at is not None:
        raise ModerationError(409, "invalid_state", "sanction_id", f"sanction {sanction_id} is lifted already")
    sanction.lifted_at, sanction.lifted_by = now, actor
    log_action(session, "lift", actor, now, reason=reason, broadcast_id=sanction.broadcast_id,
               message_id=sanction.message_id, viewer_id=viewer_id,
               detail={"sanction_id": sanction.id, "kind": sanction.kind})
    body = sanction_to_dict(sanction, now)
    for room in moderator_rooms(session, sanction.broadcast_id):
        queue_moderators(session, room, "viewer.sanctioned", {"lifted": [body], "viewer_id": viewer_id})
    restored = None
    if sanction.message_id is not None:
        last = _last_decision(session, sanction.message_id)
        hid_it = last is not None and last.action == "hide" and (last.detail or {}).get("sanction_id") == sanction.id
        if hid_it and get_message(session, sanction.message_id).status == "hidden":
            restored = restore_message(session, sanction.message_id, actor, reason, now)
    return {"lifted": body, "message": restored}
