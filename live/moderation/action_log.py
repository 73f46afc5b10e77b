"""The moderation action log: one append-only row per moderator action (actor, at, reason)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.moderation.models import ModerationAction


def log_action(session: Session, action: str, actor: str, at: datetime, reason: str | None = None,
               broadcast_id: int | None = None, message_id: int | None = None, viewer_id: str | None = None,
               detail: dict | None = None) -> None:
    """Append one action to the log in the current transaction."""
    session.execute(sa.insert(ModerationAction).values(
        action=action, actor=actor, at=at, reason=reason, broadcast_id=broadcast_id, message_id=message_id,
        viewer_id=viewer_id, detail=detail))


def action_to_dict(row: ModerationAction) -> dict:
    """Return a logged action as the API shows it."""
    return {"id": row.id, "action": row.action, "actor": row.actor, "at": row.at.isoformat(), "reason": row.reason,
            "broadcast_id": row.broadcast_id, "message_id": row.message_id, "viewer_id": row.viewer_id,
            "detail": row.detail}


def recent_actions(session: Session, broadcast_id: int | None, limit: int = 100) -> list[ModerationAction]:
    """Return the latest logged actions, newest first: of one broadcast (and global ones), or all."""
    query = sa.select(ModerationAction).order_by(ModerationAction.id.desc()).limit(limit)
    if broadcast_id is not None:
        query = query.where(sa.or_(ModerationAction.broadcast_id == broadcast_id,
                                   ModerationAction.broadcast_id.is_(None)))
    return list(session.scalars(query))
