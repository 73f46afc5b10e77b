"""Viewer bookkeeping: the first and last time a platform viewer was seen, and their nickname."""
from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.bulk import execute_rows
from live.models import Viewer


def touch_viewer(session: Session, platform: str, viewer_id: str, nickname: str | None, at: datetime) -> None:
    """Record that a viewer was seen at `at`, creating them on first sight (one upsert, safe under concurrency)."""
    touch_viewers(session, platform, [(viewer_id, nickname, at)])


def touch_viewers(session: Session, platform: str, sightings: Iterable[tuple[str, str | None, datetime]]) -> None:
    """Record (viewer_id, nickname, at) sightings in order: one upsert row per distinct viewer, as if touched one by one.

    A new viewer is first seen at their first sighting; last seen is the latest time; the nickname is the last
    non-empty one (a sighting without one keeps the stored nickname). Rows go in viewer order, so concurrent
    batches lock viewers in the same order.
    """
    seen: dict[str, dict] = {}
    for viewer_id, nickname, at in sightings:
        row = seen.get(viewer_id)
        if row is None:
            seen[viewer_id] = {"platform": platform, "viewer_id": viewer_id, "nickname": nickname,
                               "first_seen_at": at, "last_seen_at": at, "renamed": bool(nickname)}
            continue
        row["last_seen_at"] = max(row["last_seen_at"], at)
        if nickname:
            row["nickname"], row["renamed"] = nickname, True
    dialect = session.get_bind().dialect.name
    for renamed in (True, False):
        rows = [row for _viewer, row in sorted(seen.items()) if row["renamed"] is renamed]
        if rows:
            execute_rows(session, _upsert(dialect, renamed), [{k: v for k, v in row.items() if k != "renamed"}
                                                              for row in rows])


@functools.cache
def _upsert(dialect_name: str, renamed: bool):
    """Return the viewer upsert (built once per dialect): last seen is the later time; the nickname only if renamed."""
    # On the table, not the mapped class: the ORM's bulk-insert path costs more per row than the statement itself.
    dialect, viewers = (postgresql if dialect_name == "postgresql" else sqlite), Viewer.__table__
    stmt = dialect.insert(viewers)
    latest = sa.func.max if dialect is sqlite else sa.func.greatest
    updates = {"last_seen_at": latest(viewers.c.last_seen_at, stmt.excluded.last_seen_at)}
    if renamed:
        updates["nickname"] = stmt.excluded.nickname
    return stmt.on_conflict_do_update(index_elements=["platform", "viewer_id"], set_=updates)
