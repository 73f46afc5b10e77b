"""Rebuilding a broadcast's rollups from its event log (after a failure, for old data, or by command).

The rebuild feeds the logged events, in log order and in chunks, through the same incremental code
as ingestion, under the broadcast's state lock and inside the caller's transaction: ingestion of that
broadcast waits for it (on SQLite every writer does), and nothing half-built is ever visible.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.models import ROLLUP_TABLES, AnalyticsState
from analytics.rollups.facts import fact_from_log
from analytics.rollups.orders import ORDER_FACTS
from analytics.rollups.record import HEAD_COUNTS, apply_facts, lock_state, new_epoch
from app.db import utcnow
from live.models import EventLog

CHUNK_EVENTS = 50_000


def rebuild_rollups(session: Session, broadcast_id: int, chunk_events: int = CHUNK_EVENTS, force: bool = True) -> int:
    """Return how many logged events were applied after rebuilding the broadcast's rollups (not committed).

    force=False rebuilds only if the rollups are still stale once locked (another request may have just
    rebuilt them); it then returns 0.
    """
    if not lock_state(session, broadcast_id)["stale"] and not force:
        return 0
    for model in ROLLUP_TABLES:
        table = model.__table__
        session.execute(sa.delete(table).where(table.c.broadcast_id == broadcast_id))
    state = AnalyticsState.__table__
    session.execute(sa.update(state).where(state.c.broadcast_id == broadcast_id)
                    .values({name: 0 for name in HEAD_COUNTS} | {"epoch": new_epoch()}))
    applied, last_id = 0, 0
    # Raw columns: the payload is parsed only for order events, times without the ORM type's regex.
    payload = sa.case((EventLog.type.in_(sorted(ORDER_FACTS)), sa.type_coerce(EventLog.payload, sa.Text)), else_=None)
    columns = (EventLog.id, EventLog.event_id, EventLog.type, sa.type_coerce(EventLog.ts, sa.String),
               EventLog.viewer_id, EventLog.order_id, EventLog.sku, payload)
    while True:
        # "+ 0" keeps the planner on the primary key: the broadcast's index would sort every row each time.
        rows = session.execute(sa.select(*columns).where(EventLog.id > last_id, EventLog.broadcast_id + 0 == broadcast_id)
                               .order_by(EventLog.id).limit(chunk_events)).all()
        if not rows:
            break
        last_id = rows[-1][0]
        apply_facts(session, broadcast_id, [fact_from_log(*row[1:]) for row in rows], log_bound=last_id)
        applied += len(rows)
    session.execute(sa.update(state).where(state.c.broadcast_id == broadcast_id)
                    .values(stale=False, rebuilt_at=utcnow()))
    return applied


def needs_rebuild(session: Session, broadcast_id: int) -> bool:
    """Return True when the broadcast's rollups are missing or marked stale."""
    state = AnalyticsState.__table__
    stale = session.scalar(sa.select(state.c.stale).where(state.c.broadcast_id == broadcast_id))
    if stale is None:
        # No state yet: fine for a broadcast without events, otherwise its events predate the rollups.
        return session.scalar(sa.select(EventLog.id).where(EventLog.broadcast_id == broadcast_id).limit(1)) is not None
    return bool(stale)
