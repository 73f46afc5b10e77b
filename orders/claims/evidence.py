"""Raw evidence: the events a broadcast's platform delivered that the events API refused, as received, with the error
(kept by live ingestion in rejected_events). A comment that never turned up may be one of them."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.models import RejectedEvent


def rejected_events(session: Session, broadcast_id: int, page: int, per_page: int) -> tuple[list[dict], int]:
    """Return one page of the broadcast's rejected events, newest first, and how many there are."""
    where = RejectedEvent.broadcast_id == broadcast_id
    total = session.scalar(sa.select(sa.func.count()).select_from(RejectedEvent).where(where))
    rows = session.scalars(sa.select(RejectedEvent).where(where).order_by(RejectedEvent.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return [{"id": row.id, "source": row.source, "event_id": row.event_id, "type": row.type,
             "error": {"code": row.error_code, "field": row.error_field, "message": row.error_message},
             "payload": row.payload, "received_at": row.received_at.isoformat()} for row in rows], int(total or 0)
