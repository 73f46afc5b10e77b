"""Writing a batch's edge changes and minute counts, keeping each minute's online profile exact."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.metrics.edges import MinuteProfile, extend_profile, minute_profile
from analytics.models import MinuteRollup, OnlineEdge
from analytics.rollups import store
from analytics.rollups.changes import Changes
from analytics.rollups.facts import MINUTE_US, minute_of


def minute_points(session: Session, broadcast_id: int, start_us: int, end_us: int) -> list[tuple[int, int]]:
    """Return the (ts, summed delta) of every instant with edges in [start_us, end_us), by time."""
    edge = OnlineEdge.__table__
    rows = session.execute(sa.select(edge.c.ts_us, sa.func.sum(edge.c.delta)).where(
        edge.c.broadcast_id == broadcast_id, edge.c.ts_us >= start_us, edge.c.ts_us < end_us,
    ).group_by(edge.c.ts_us).order_by(edge.c.ts_us))
    return [(int(ts), int(total)) for ts, total in rows]


def _write_edges(session: Session, broadcast_id: int, changes: Changes) -> dict[int, dict[int, int]]:
    """Apply the edge changes; return, per minute, the summed change at each touched instant."""
    deltas = {key: d for key, d in changes.edges.items() if d}
    touched: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if not deltas:
        return touched
    existing = store.load(session, OnlineEdge, broadcast_id, deltas)
    keep, gone = {}, []
    for (ts, viewer_id), delta in deltas.items():
        row = dict(existing.get((ts, viewer_id)) or {"broadcast_id": broadcast_id, "ts_us": ts,
                                                       "viewer_id": viewer_id, "delta": 0})
        row["delta"] += delta
        if row["delta"]:
            keep[(ts, viewer_id)] = row
        elif (ts, viewer_id) in existing:
            gone.append((ts, viewer_id))
        touched[minute_of(ts)][ts] += delta
    store.delete(session, OnlineEdge, broadcast_id, gone)
    store.save(session, OnlineEdge, keep, existing)
    return touched


def write_minutes(session: Session, broadcast_id: int, changes: Changes, seq: int = 0) -> None:
    """Write the edge changes, then add the minute counts and bring the touched minutes' profiles up to date.

    Every minute row written is stamped with seq (the batch's state version: analytics.sql.live reads by it).
    """
    touched = _write_edges(session, broadcast_id, changes)
    keys = set(changes.minutes) | set(touched)
    if not keys:
        return
    existing = store.load(session, MinuteRollup, broadcast_id, [(m,) for m in keys])
    rows = {}
    for minute in keys:
        row = dict(existing.get((minute,)) or store.blank(MinuteRollup, broadcast_id, (minute,)))
        for column, value in changes.minutes.get(minute, {}).items():
            row[column] = row[column] + value
        if minute in touched:
            profile = _profile(session, broadcast_id, minute, row, touched[minute])
            row.update(online_net=profile.net, online_weighted=profile.weighted, online_max=profile.max,
                       online_last_us=profile.last_us)
        row["seq"] = seq
        rows[(minute,)] = row
    store.save(session, MinuteRollup, rows, existing)


def _profile(session: Session, broadcast_id: int, minute: int, row: dict, changed: dict[int, int]) -> MinuteProfile:
    """Return the minute's new profile: extended in place when every change is after its last edge."""
    last = row["online_last_us"]
    if last is None or min(changed) > last:
        current = MinuteProfile(row["online_net"], row["online_weighted"], row["online_max"], last)
        return extend_profile(current, minute, sorted(changed.items()))
    return minute_profile(minute, minute_points(session, broadcast_id, minute, minute + MINUTE_US))
