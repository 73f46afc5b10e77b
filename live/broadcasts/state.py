"""Broadcasts themselves: create, edit, start and end them, list them by status and date, and their JSON form."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from app.db import utcnow
from live.models import Broadcast

# A planned start is announced ahead (up to a year) or corrected shortly after (a week back); anything further
# is a typo in the year, refused like the platform times of live.events.at_window.
PLAN_PAST = timedelta(days=7)
PLAN_AHEAD = timedelta(days=366)
MAX_LISTED = 200


class BroadcastError(Exception):
    """A broadcast request that cannot be carried out; carries the HTTP status, code and field."""

    def __init__(self, status: int, code: str, field: str | None, message: str):
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message


def planned_window(now: datetime) -> tuple[datetime, datetime]:
    """Return (earliest, latest) a broadcast's planned start may be set to."""
    return now - PLAN_PAST, now + PLAN_AHEAD


def create_broadcast(session: Session, title: str, platform: str,
                     planned_start_at: datetime | None = None) -> Broadcast:
    """Return a new scheduled broadcast with its push counter."""
    broadcast = Broadcast(title=title, platform=platform, status="scheduled", planned_start_at=planned_start_at)
    session.add(broadcast)
    session.flush()
    realtime.ensure_sequence(session, broadcast.id)
    return broadcast


def update_broadcast(session: Session, broadcast: Broadcast, changes: dict) -> Broadcast:
    """Return the broadcast after applying changes ({"title"?, "planned_start_at"?}; None clears the plan).

    The planned start only means something before the show: once it started, changing it answers 409.
    """
    if "planned_start_at" in changes and broadcast.status != "scheduled":
        raise BroadcastError(409, "invalid_state", "planned_start_at",
                             f"a {broadcast.status} broadcast has started: its planned start cannot change")
    if "title" in changes:
        broadcast.title = changes["title"]
    if "planned_start_at" in changes:
        broadcast.planned_start_at = changes["planned_start_at"]
    session.flush()
    return broadcast


def _described(broadcast: Broadcast) -> str:
    """Return "a scheduled broadcast", "a live broadcast" or "an ended broadcast" (the start of a state error)."""
    article = "an" if broadcast.status[:1] in "aeiou" else "a"
    return f"{article} {broadcast.status} broadcast"


def start_broadcast(session: Session, broadcast: Broadcast, at: datetime | None) -> Broadcast:
    """Return the broadcast after marking it live from at (now when None)."""
    if broadcast.status != "scheduled":
        raise BroadcastError(409, "invalid_state", "status", f"{_described(broadcast)} cannot be started")
    broadcast.status, broadcast.started_at = "live", at or utcnow()
    return broadcast


def end_broadcast(session: Session, broadcast: Broadcast, at: datetime | None) -> Broadcast:
    """Return the broadcast after marking it ended at at (now when None)."""
    if broadcast.status != "live":
        raise BroadcastError(409, "invalid_state", "status", f"{_described(broadcast)} cannot be ended")
    ended = at or utcnow()
    if broadcast.started_at and ended < broadcast.started_at:
        raise BroadcastError(400, "invalid_ts", "at", "a broadcast cannot end before it started")
    broadcast.status, broadcast.ended_at = "ended", ended
    return broadcast


def broadcast_day():
    """Return the SQL expression of when a broadcast happens: its start, else its planned start, else its creation."""
    return sa.func.coalesce(Broadcast.started_at, Broadcast.planned_start_at, Broadcast.created_at)


def list_broadcasts(session: Session, status: str | None = None, since: datetime | None = None,
                    until: datetime | None = None, live_first: bool = False) -> list[Broadcast]:
    """Return at most MAX_LISTED broadcasts, newest first (live, then scheduled, first when live_first).

    since/until bound when the broadcast happens (broadcast_day), since included and until excluded.
    """
    query = sa.select(Broadcast)
    if status is not None:
        query = query.where(Broadcast.status == status)
    if since is not None:
        query = query.where(broadcast_day() >= since)
    if until is not None:
        query = query.where(broadcast_day() < until)
    order = [Broadcast.id.desc()]
    if live_first:
        order.insert(0, sa.case((Broadcast.status == "live", 0), (Broadcast.status == "scheduled", 1), else_=2))
    return list(session.scalars(query.order_by(*order).limit(MAX_LISTED)))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def broadcast_to_dict(broadcast: Broadcast) -> dict:
    """Return a broadcast as JSON-ready data."""
    return {
        "id": broadcast.id,
        "title": broadcast.title,
        "platform": broadcast.platform,
        "status": broadcast.status,
        "started_at": _iso(broadcast.started_at),
        "ended_at": _iso(broadcast.ended_at),
        "planned_start_at": _iso(broadcast.planned_start_at),
    }
