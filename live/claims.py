"""Purchase claims made in the chat (`拍了 2件 A12`), looked up by the chat event's id."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.models import EventLog
from live.moderation.claims import parse_claim


def find_claim(session: Session, broadcast_id: int, comment_id: str) -> dict | None:
    """Return {"sku", "variant", "qty"} parsed from the chat message comment_id, or None when there is no such message."""
    text = session.scalar(sa.select(EventLog.payload["text"].as_string()).where(
        EventLog.broadcast_id == broadcast_id, EventLog.type == "chat", EventLog.event_id == comment_id))
    if text is None:
        return None
    claim = parse_claim(text)
    if claim is None:
        return {"sku": None, "variant": None, "qty": None}
    return {"sku": claim.sku, "variant": claim.variant, "qty": claim.qty}
