"""Online state as edges (pure): +1 when a viewer comes online, -1 when they go offline, in microseconds.

A viewer's joins and leaves become net edges with the rules of analytics.metrics.online.toggle_intervals
(order by time, leaves before joins at one instant, repeats change nothing), but unclipped: the
broadcast period is applied only when metrics are read. The number of viewers online at ``t`` is the
sum of the edges at or before ``t``; the helpers below read it, its integral and its maximum over
part of one minute from that minute's edges and the level before the minute.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.rollups.facts import MINUTE_US

Toggle = tuple[int, bool]  # (ts_us, True for a join)
Point = tuple[int, int]  # (ts_us, summed delta at that instant)


def toggle_edges(toggles: Iterable[Toggle], online: bool = False) -> tuple[dict[int, int], bool]:
    """Return the net edges (ts -> +1/-1) of toggles applied in order from ``online``, and the final state.

    A leave and a join at one instant cancel out, so adjacent sessions merge as in toggle_intervals.
    """
    edges: dict[int, int] = {}
    for ts, join in sorted(toggles):
        if join and not online:
            edges[ts] = edges.get(ts, 0) + 1
            online = True
        elif not join and online:
            edges[ts] = edges.get(ts, 0) - 1
            online = False
    return {ts: delta for ts, delta in edges.items() if delta}, online


@dataclass(frozen=True)
class MinuteProfile:
    """A minute's edges summarised: net change, weighted sum, highest running sum (0 included), last edge."""

    net: int
    weighted: int
    max: int
    last_us: int | None


def minute_profile(minute_us: int, points: Sequence[Point]) -> MinuteProfile:
    """Return the profile of one minute from its (ts, delta) points sorted by ts."""
    end = minute_us + MINUTE_US
    running = best = weighted = 0
    for ts, delta in points:
        running += delta
        best = max(best, running)
        weighted += delta * (end - ts)
    return MinuteProfile(running, weighted, best, points[-1][0] if points else None)


def extend_profile(profile: MinuteProfile, minute_us: int, points: Sequence[Point]) -> MinuteProfile:
    """Return the profile after appending points that all come after ``profile.last_us``."""
    end = minute_us + MINUTE_US
    running, best, weighted = profile.net, profile.max, profile.weighted
    for ts, delta in points:
        running += delta
        best = max(best, running)
        weighted += delta * (end - ts)
    last = points[-1][0] if points else profile.last_us
    return MinuteProfile(running, weighted, best, last)


def level_before(level: int, points: Sequence[Point], at: int) -> int:
    """Return the online count just before ``at``: level before the points plus those strictly earlier."""
    return level + sum(delta for ts, delta in points if ts < at)


def integral(level: int, points: Sequence[Point], start: int, end: int) -> int:
    """Return the online viewer-microseconds over [start, end), given the level before all points."""
    current = level_before(level, points, start)
    total, cursor = 0, start
    for ts, delta in points:
        if ts < start:
            continue
        if ts >= end:
            break
        total += current * (ts - cursor)
        cursor, current = ts, current + delta
    return total + current * (end - cursor)


def peak(level: int, points: Sequence[Point], start: int, end: int) -> int:
    """Return the highest online count at an instant of [start, end) (0 when it is empty)."""
    if end <= start:
        return 0
    current = level + sum(delta for ts, delta in points if ts <= start)
    best = current
    for ts, delta in points:
        if start < ts < end:
            current += delta
            best = max(best, current)
    return max(best, 0)
