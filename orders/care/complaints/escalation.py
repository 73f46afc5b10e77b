"""A chat message a moderator escalates as a complaint (channel chat): the viewer is the complainant, the message
its text; one complaint per message."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from live.moderation.models import ModeratedMessage
from orders.care.complaints.codes import TEXT_LIMIT
from orders.care.complaints.intake import ComplaintRefused, NewComplaint, register_complaint
from orders.care.complaints.models import Complaint


def escalate_message(session: Session, message_id: int, actor: str, now: datetime, category: str = "other",
                     severity: str | None = None, order_id: str | None = None) -> tuple[Complaint, bool]:
    """Return (complaint, created) for the chat message: a new complaint, or the one it was escalated as before."""
    message = session.get(ModeratedMessage, message_id)
    if message is None:
        raise ComplaintRefused(404, "not_found", f"no chat message {message_id}", "message_id")
    new = NewComplaint(text=message.text[:TEXT_LIMIT], channel="chat", category=category, buyer_id=message.viewer_id,
                       severity=severity, order_id=order_id, broadcast_id=message.broadcast_id,
                       received_at=message.at, chat_message_id=message.id, strict_order=True)
    return register_complaint(session, new, actor, now)
