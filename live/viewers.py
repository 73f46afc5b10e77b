"""Viewer bookkeeping: the first and last time a platform viewer was seen, and their nickname."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from live.models import Viewer


def touch_viewer(session: Session, platform: str, viewer_id: str, nickname: str | None, at: datetime) -> None:
    """Record that a viewer was seen at `at`, creating them on first sight (one upsert, safe under concurrency)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"platform": platform, "viewer_id": viewer_id, "nickname": nickname, "first_seen_at": at, "last_seen_at": at}
    stmt = dialect.insert(Viewer).values(values)
    updates = {"last_seen_at": sa.func.max(Viewer.last_seen_at, stmt.excluded.last_seen_at)
               if dialect is sqlite else sa.func.greatest(Viewer.last_seen_at, stmt.excluded.last_seen_at)}
    if nickname:
        updates["nickname"] = stmt.excluded.nickname
    session.execute(stmt.on_conflict_do_update(index_elements=["platform", "viewer_id"], set_=updates))
