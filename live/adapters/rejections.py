"""The log of what a connection refused: requests (bad signature, malformed, too large) and failed messages."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.adapters.models import AdapterRejection, PlatformConnection
from live.ingest.rejected import storable

KEPT_REJECTIONS = 1000  # per connection; older ones are pruned, so a flood of bad requests cannot fill the disk


def log_rejection(session: Session, connection_id: int, status: int, code: str, reason: str, now: datetime, *,
                  message_id: str | None = None, kind: str | None = None, excerpt: str | None = None) -> None:
    """Add one refusal to the connection's log and count it; keep the log to the newest KEPT_REJECTIONS.

    Its texts are what a platform sent (or an error quoting it): NUL and lone surrogates, which no column can
    hold, become U+FFFD, so logging a refusal can never fail the transaction that records its message's fate.
    """
    session.add(AdapterRejection(connection_id=connection_id, received_at=now, status=status,
                                 code=storable(code)[:32], reason=storable(reason)[:500],
                                 message_id=None if message_id is None else storable(message_id)[:128],
                                 kind=None if kind is None else storable(kind)[:64],
                                 excerpt=None if excerpt is None else storable(excerpt)))
    table = PlatformConnection.__table__
    session.execute(sa.update(table).where(table.c.id == connection_id).values(
        rejected_count=table.c.rejected_count + 1))
    session.flush()
    oldest_kept = session.scalar(sa.select(AdapterRejection.id).where(AdapterRejection.connection_id == connection_id)
                                 .order_by(AdapterRejection.id.desc()).offset(KEPT_REJECTIONS).limit(1))
    if oldest_kept is not None:
        session.execute(sa.delete(AdapterRejection).where(AdapterRejection.connection_id == connection_id,
                                                           AdapterRejection.id <= oldest_kept))


def rejections_page(session: Session, connection_id: int, page: int, per_page: int) -> tuple[list[dict], int]:
    """Return (one page of the connection's refusals, newest first, as JSON-ready dicts; how many there are)."""
    where = AdapterRejection.connection_id == connection_id
    total = session.scalar(sa.select(sa.func.count()).select_from(AdapterRejection).where(where)) or 0
    rows = session.scalars(sa.select(AdapterRejection).where(where).order_by(AdapterRejection.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return [rejection_to_dict(row) for row in rows], int(total)


def rejection_to_dict(row: AdapterRejection) -> dict:
    """Return one refusal as JSON-ready data."""
    return {"id": row.id, "received_at": row.received_at.isoformat(), "status": row.status, "code": row.code,
            "reason": row.reason, "message_id": row.message_id, "kind": row.kind, "excerpt": row.excerpt}
