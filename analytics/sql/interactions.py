"""Live-room interactions of a broadcast from its event log: gifts, likes and the platform's viewer counts.

Read straight from the event log (gift, like and viewer_count events are few next to chat and clicks; the
index on (broadcast_id, type, ts) serves each query). Definitions: docs/metrics.md, "Live-room interactions".
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.rollups.facts import minute_of, to_us, from_us
from live.models import EventLog

MAX_SERIES_MINUTES = 24 * 60  # the viewer-count series keeps the last day of minutes


def _of(broadcast_id: int, kind: str, start: datetime | None, end: datetime | None):
    """Return the WHERE clause of one event type of the broadcast within [start, end) when given."""
    clause = [EventLog.broadcast_id == broadcast_id, EventLog.type == kind]
    if start is not None:
        clause.append(EventLog.ts >= start)
    if end is not None:
        clause.append(EventLog.ts < end)
    return clause


def interactions(session: Session, broadcast_id: int, start: datetime | None = None,
                 end: datetime | None = None) -> dict:
    """Return the broadcast's gift totals (per unit), like totals and viewer-count series by minute."""
    count = EventLog.payload["count"].as_integer()
    unit = EventLog.payload["unit"].as_string()
    gifts = session.execute(
        sa.select(unit, sa.func.coalesce(sa.func.sum(count), 0), sa.func.sum(EventLog.payload["value"].as_integer()),
                  sa.func.count(), sa.func.count(sa.distinct(EventLog.viewer_id)))
        .where(*_of(broadcast_id, "gift", start, end)).group_by(unit).order_by(unit)).all()
    likes, likers = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(count), 0), sa.func.count(sa.distinct(EventLog.viewer_id)))
        .where(*_of(broadcast_id, "like", start, end))).one()
    givers = session.scalar(sa.select(sa.func.count(sa.distinct(EventLog.viewer_id)))
                            .where(*_of(broadcast_id, "gift", start, end))) or 0
    counts = session.execute(sa.select(EventLog.ts, count).where(*_of(broadcast_id, "viewer_count", start, end))
                             .order_by(EventLog.ts, EventLog.id)).all()
    return {
        "gifts": {"count": sum(int(row[1]) for row in gifts), "givers": int(givers),
                  "by_unit": [{"unit": row[0], "count": int(row[1]), "value": None if row[2] is None else int(row[2]),
                               "events": int(row[3])} for row in gifts]},
        "likes": {"count": int(likes), "likers": int(likers)},
        "viewer_count": viewer_count_series(counts),
    }


def viewer_count_series(reports: list[tuple[datetime, int]]) -> dict:
    """Return the peak and last reported viewer counts and, per minute, the last and highest report (pure)."""
    minutes: dict[int, dict] = {}
    for ts, value in reports:
        value = int(value)
        minute = minute_of(to_us(ts))
        entry = minutes.setdefault(minute, {"minute": from_us(minute).isoformat(), "last": value, "max": value})
        entry["last"], entry["max"] = value, max(entry["max"], value)
    series = [minutes[key] for key in sorted(minutes)][-MAX_SERIES_MINUTES:]
    return {"peak": max((int(v) for _ts, v in reports), default=None),
            "last": int(reports[-1][1]) if reports else None, "by_minute": series}
