"""Time geometry of a broadcast: its period, on/off intervals, concurrency, minute buckets.

Pure functions on plain data, shared by the reference, the pandas recompute and the SQL
path. Intervals are half-open ``[start, end)``: a viewer who leaves at ``t`` and one who
joins at ``t`` are never online together, which is the "leaves before joins" tie rule.
See docs/metrics.md.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

Interval = tuple[datetime, datetime]
Delta = tuple[datetime, int]

MINUTE = timedelta(minutes=1)
_MICROSECOND = timedelta(microseconds=1)
_SESSION = frozenset({"viewer_join", "viewer_leave"})
_PINNING = frozenset({"product_pin", "product_unpin"})


def resolve_period(
    started_at: datetime, ended_at: datetime | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """Return the broadcast's ``(start, end)``; a live broadcast (no ``ended_at``) ends at ``now``.

    An end before the start (clock skew while live) is moved to the start, giving an empty
    period rather than negative durations.
    """
    end = ended_at if ended_at is not None else now
    if end is None:
        raise ValueError("a live broadcast (ended_at=None) needs `now`")
    return started_at, max(end, started_at)


def clip(ts: datetime, start: datetime, end: datetime) -> datetime:
    """Return ``ts`` moved into ``[start, end]``."""
    return min(max(ts, start), end)


def toggle_intervals(
    toggles: Iterable[tuple[datetime, bool]], start: datetime, end: datetime
) -> list[Interval]:
    """Return the sorted, disjoint, non-empty ``[on, off)`` intervals of an on/off state.

    ``toggles`` are ``(ts, on)`` pairs: ``on=True`` switches an off state on, ``on=False``
    switches an on state off; switching to the current state changes nothing. At equal
    timestamps offs apply before ons. Times are clipped to ``[start, end]`` and a state still
    on at the end is switched off at ``end``. Adjacent intervals are merged.
    """
    # Order by the *unclipped* time: clipping first would make a pre-start leave tie with,
    # and so overtake, the earlier join it closes.
    ordered = sorted(toggles, key=lambda toggle: (toggle[0], toggle[1]))
    intervals: list[Interval] = []
    opened: datetime | None = None

    def close(at: datetime) -> None:
        assert opened is not None
        if at <= opened:
            return
        if intervals and intervals[-1][1] == opened:
            intervals[-1] = (intervals[-1][0], at)
        else:
            intervals.append((opened, at))

    for ts, on in ordered:
        if on and opened is None:
            opened = clip(ts, start, end)
        elif not on and opened is not None:
            close(clip(ts, start, end))
            opened = None
    if opened is not None:
        close(end)
    return intervals


def online_intervals(
    events: Iterable[Mapping[str, Any]], start: datetime, end: datetime
) -> list[Interval]:
    """Return one viewer's online intervals from their ``viewer_join``/``viewer_leave`` events."""
    return toggle_intervals(
        ((e["ts"], e["type"] == "viewer_join") for e in events if e["type"] in _SESSION),
        start,
        end,
    )


def pinned_intervals(
    events: Iterable[Mapping[str, Any]], start: datetime, end: datetime
) -> list[Interval]:
    """Return one SKU's pinned intervals from its ``product_pin``/``product_unpin`` events."""
    return toggle_intervals(
        ((e["ts"], e["type"] == "product_pin") for e in events if e["type"] in _PINNING),
        start,
        end,
    )


def single_pin_intervals(
    toggles: Iterable[tuple[datetime, bool, str, str]], start: datetime, end: datetime
) -> dict[str, list[Interval]]:
    """Return each product's pinned intervals when one product at most is pinned at a time.

    ``toggles`` are ``(ts, pin, event_id, product)``, applied by ``(ts, unpins first, event_id)``:
    pinning a product ends the pin of any other at that instant; pinning the pinned product, or
    unpinning one that is not pinned, changes nothing. Times are clipped as in toggle_intervals; a
    pin still on at the end lasts to ``end``. Every product named by a toggle has an entry.
    live.broadcasts.pinned_now applies the same rule to the line-up (live may not import analytics).
    """
    ordered = sorted(toggles, key=lambda t: (t[0], t[1], t[2]))
    intervals: dict[str, list[Interval]] = {t[3]: [] for t in ordered}
    current: str | None = None
    opened = start

    def close(at: datetime) -> None:
        assert current is not None
        a, b = clip(opened, start, end), clip(at, start, end)
        if b <= a:
            return
        spans = intervals[current]
        if spans and spans[-1][1] == a:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))

    for ts, pin, _event_id, product in ordered:
        if pin and current != product:
            if current is not None:
                close(ts)
            current, opened = product, ts
        elif not pin and current == product:
            close(ts)
            current = None
    if current is not None:
        close(end)
    return intervals


def peak_concurrency(items: Iterable[Interval | Delta]) -> int:
    """Return the largest number of intervals open at one instant.

    ``items`` are ``[start, end)`` intervals, or ``(ts, delta)`` changes of the count (for
    example per-timestamp sums from SQL), or a mix. All changes at one timestamp are applied
    together before the count is read, so an empty interval never counts.
    """
    net: dict[datetime, int] = defaultdict(int)
    for ts, other in items:
        if isinstance(other, datetime):
            net[ts] += 1
            net[other] -= 1
        else:
            net[ts] += other
    level = peak = 0
    for ts in sorted(net):
        level += net[ts]
        peak = max(peak, level)
    return peak


def online_at(
    sorted_starts: Sequence[datetime], sorted_ends: Sequence[datetime], at: datetime
) -> int:
    """Return how many intervals are open just before ``at`` (``start < at <= end``).

    This is the state after every event strictly before ``at``: a viewer leaving exactly at
    a minute's end still counts for that minute; their leave belongs to the next one.
    """
    return bisect_left(sorted_starts, at) - bisect_left(sorted_ends, at)


def total_seconds(intervals: Iterable[Interval]) -> Decimal:
    """Return the summed length of ``intervals`` in seconds, exact to the microsecond."""
    total = sum((end - start for start, end in intervals), timedelta())
    return micros_to_seconds(total // _MICROSECOND)


def micros_to_seconds(micros: int) -> Decimal:
    """Return a whole number of microseconds as exact Decimal seconds."""
    return Decimal(micros) / Decimal(1_000_000)


def floor_minute(ts: datetime) -> datetime:
    """Return ``ts`` truncated to its minute."""
    return ts.replace(second=0, microsecond=0)


def minute_buckets(start: datetime, end: datetime) -> list[datetime]:
    """Return the timeline's minutes: from ``start`` floored to the minute to ``end`` floored.

    The minute holding ``end`` is always included, so an event at exactly ``end`` has a row.
    """
    first, last = floor_minute(start), floor_minute(end)
    return [first + i * MINUTE for i in range((last - first) // MINUTE + 1)]


def bucket_close(minute: datetime, end: datetime) -> datetime:
    """Return the instant a minute's ``online`` is read at: its end, or the broadcast end."""
    return min(minute + MINUTE, end)
