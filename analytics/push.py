"""The metrics-push job: every 4.5 s, each live broadcast's metrics go to its /live rooms as `metrics.changed`.

Runs start on a fixed grid (app/background.next_due), so a page sees a push at least every 5 s even when a run
or the server's other work delays one by a few hundred milliseconds.

Not sequenced: each push is a full snapshot and the latest wins, so a client that missed one waits for
the next instead of asking for a replay.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask

from analytics import service
from analytics.sql import live
from app import background, realtime
from app.extensions import db
from live.models import Broadcast

JOB_NAME = "metrics-push"
INTERVAL_SECONDS = 4.5
EVENT = "metrics.changed"

logger = logging.getLogger("livedesk.analytics")


def push_metrics(app: Flask) -> int:
    """Return how many live broadcasts got their metrics pushed (one failing broadcast does not stop the others)."""
    ids = db.session.scalars(sa.select(Broadcast.id).where(Broadcast.status == "live",
                                                           Broadcast.started_at.is_not(None))).all()
    with live.LOCK:
        live.forget_others(db.engine, set(ids))  # the kept caches are those of live broadcasts only
    pushed = 0
    for broadcast_id in ids:
        try:
            payload = service.live_view(db.session, db.session.get(Broadcast, broadcast_id))
            db.session.rollback()  # end the read transaction: SQLite holds its write lock until then
        except Exception:  # a broken broadcast must not silence the others
            logger.exception("metrics push of broadcast %s failed", broadcast_id)
            db.session.rollback()
            continue
        realtime.emit_one(broadcast_id, EVENT, payload)
        pushed += 1
    return pushed


background.register(JOB_NAME, INTERVAL_SECONDS, push_metrics)
