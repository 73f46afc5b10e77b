"""The live push's reads, kept incrementally per process: a push costs what changed since the last one (issue 17).

Every batch applied to the rollups raises its broadcast's ``analytics_state.version`` and stamps the minute rows
it writes with it (``analytics_minute.seq``, analytics.rollups.record). A :class:`LiveBroadcast` keeps, in the
process that pushes, the broadcast's minute rows and the version it has read up to: a push reads only the rows
with a higher seq (one index range read), updates its running totals by their differences, and keeps the
while-pinned counts of the pinned intervals whose minutes did not change. A new state row or a rebuild gives
the state a new ``epoch``: a cache of another epoch is dropped and read again whole. Nothing here is written
back: a cache can always be dropped (another server that takes the job's lease builds its own).
See docs/metrics.md "The live push".
"""
from __future__ import annotations

import threading
import weakref
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.metrics.definitions import MinuteCounts, minute_row
from analytics.models import AnalyticsState, MinuteRollup
from analytics.rollups.facts import MINUTE_US, minute_of
from analytics.sql.timeline import Inner, fold_minute

_COUNTED = ("joins", "chat", "clicks")
_READ = ("minute_us", "joins", "chat", "clicks", "orders", "paid_orders", "paid_gmv", "online_net",
         "online_weighted", "online_max")
# One cache per database engine (a test's app, a server's engine), then per broadcast: dropped with the engine.
_CACHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Held while a cache is read and updated: the push job and a dashboard page (analytics.pages) may both use one.
LOCK = threading.RLock()


@dataclass
class LiveBroadcast:
    """One broadcast's minute rows as of ``version`` of ``epoch``, their running totals, and while-pinned counts.

    ``pinned`` maps a pinned interval (product, start_us, end_us) to its (clicks, paid orders) while pinned;
    ``changed`` holds the minutes the last refresh read (None after reading everything).
    """

    epoch: str | None
    version: int
    rows: dict[int, dict] = field(default_factory=dict)
    keys: list[int] = field(default_factory=list)
    all_joins: int = 0
    all_orders: int = 0
    pinned: dict[tuple[str, int, int], tuple[int, int]] = field(default_factory=dict)
    changed: set[int] | None = None
    base: tuple[int, int] | None = None
    folded: list[tuple[int, tuple, int]] = field(default_factory=list)  # (minute, fold state, rows kept before)
    inner_rows: list[MinuteCounts] = field(default_factory=list)
    first: tuple | None = None  # ((first minute, period start), (its edges, its orders before the start))
    inner_dicts: list[dict] = field(default_factory=list)

    def first_minute(self, key: tuple[int, int], read):
        """Return read() for the first minute (key: its start and the period's start), kept until that minute changes."""
        if self.first is None or self.first[0] != key or self.changed is None or key[0] in self.changed:
            self.first = (key, read())
        return self.first[1]

    def forget_from(self, minute: int) -> None:
        """Cut the kept fold before minute (a row at or after it changed)."""
        self.cut_fold(bisect_left(self.folded, (minute,)))

    def put(self, row: dict) -> None:
        """Store one minute row, keeping the sorted keys and the totals."""
        minute = row["minute_us"]
        old = self.rows.get(minute)
        if old is None:
            insort(self.keys, minute)
        else:
            self.all_joins -= old["joins"]
            self.all_orders -= old["orders"]
        self.rows[minute] = row
        self.all_joins += row["joins"]
        self.all_orders += row["orders"]

    def edge_rows(self, first: int, last: int) -> dict[int, dict]:
        """Return the rows of the minutes first and last (those that have one), by minute."""
        return {m: self.rows[m] for m in (first, last) if m in self.rows}

    def inner(self, first: int, last: int, level: int) -> Inner:
        """Return timeline.inner_minutes(rows, first, last, level), extending the fold kept from the last push.

        The fold is kept minute by minute; it is cut at the first minute that changed (refresh), at the last
        minute (which moves with now), and thrown away when the first minute or the level after it changed.
        """
        if self.base != (first, level):
            self.base = (first, level)
            self.cut_fold(0)
        self.cut_fold(bisect_left(self.folded, (last,)))
        state = self.folded[-1][1] if self.folded else (0, 0, level, first + MINUTE_US, level)
        start = bisect_right(self.keys, self.folded[-1][0] if self.folded else first)
        for m in self.keys[start:bisect_left(self.keys, last)]:
            state, row = fold_minute(state, m, self.rows[m])
            self.folded.append((m, state, len(self.inner_rows)))
            if row is not None:
                self.inner_rows.append(row)
                self.inner_dicts.append(minute_row(row))
        return Inner(state[0], state[1], state[2], state[3], self.inner_rows)

    def cut_fold(self, at: int) -> None:
        """Drop the fold from position at on, with the timeline rows it had kept."""
        if at < len(self.folded):
            kept = self.folded[at][2]
            del self.folded[at:], self.inner_rows[kept:], self.inner_dicts[kept:]

    def timeline(self, rows: list[MinuteCounts]) -> list[dict]:
        """Return the rows of an Audience timeline (first row, the inner rows of the last inner(), last row) made
        JSON-ready, the inner rows' kept from earlier pushes."""
        n = len(self.inner_rows)
        if len(rows) >= n + 1 and (n == 0 or (rows[1] is self.inner_rows[0] and rows[n] is self.inner_rows[-1])):
            return [minute_row(rows[0]), *self.inner_dicts, *(minute_row(row) for row in rows[n + 1:])]
        return [minute_row(row) for row in rows]

    def outside(self, first: int, last: int) -> dict[str, int]:
        """Return the sums load_minutes answers: every minute's joins and orders, the counts before and after."""
        before = self.keys[:bisect_left(self.keys, first)]
        after = self.keys[bisect_right(self.keys, last):]
        sums = {"all_joins": self.all_joins, "all_orders": self.all_orders,
                "before_online_net": sum(self.rows[m]["online_net"] for m in before)}
        for name in _COUNTED:
            sums[f"before_{name}"] = sum(self.rows[m][name] for m in before)
            sums[f"after_{name}"] = sum(self.rows[m][name] for m in after)
        return sums

    def pinned_still_valid(self, key: tuple[str, int, int]) -> bool:
        """Return True when no minute of a pinned interval changed since its counts were kept."""
        if self.changed is None:
            return False
        _product, a, b = key
        first, last = minute_of(a), minute_of(b)
        return not any(first <= m <= last for m in self.changed)


def _read_rows(session: Session, broadcast_id: int, after_seq: int | None) -> list[dict]:
    table = MinuteRollup.__table__
    query = sa.select(*(table.c[name] for name in _READ)).where(table.c.broadcast_id == broadcast_id)
    if after_seq is not None:
        query = query.where(table.c.seq > after_seq)
    return [dict(row) for row in session.execute(query).mappings()]


def live_broadcast(engine, session: Session, broadcast_id: int) -> LiveBroadcast:
    """Return the broadcast's cache brought up to the session's snapshot (rollups current: service.ensure_current).

    engine keys the cache (one per database); session is the reader whose snapshot the push uses.
    """
    state = AnalyticsState.__table__
    found = session.execute(sa.select(state.c.version, state.c.epoch).where(
        state.c.broadcast_id == broadcast_id)).first()
    version, epoch = (found[0] or 0, found[1]) if found is not None else (0, None)
    caches = _CACHES.setdefault(engine, {})
    cache = caches.get(broadcast_id)
    if cache is None or cache.epoch != epoch or version < cache.version:
        cache = LiveBroadcast(epoch=epoch, version=version)
        for row in _read_rows(session, broadcast_id, None):
            cache.put(row)
        caches[broadcast_id] = cache
        return cache
    rows = _read_rows(session, broadcast_id, cache.version) if version > cache.version else []
    for row in rows:
        cache.put(row)
    cache.version, cache.changed = version, {row["minute_us"] for row in rows}
    if cache.changed:
        cache.forget_from(min(cache.changed))
    return cache


def forget_others(engine, live_ids: set[int]) -> None:
    """Drop the caches of broadcasts that are no longer live (bounded memory: one cache per live broadcast)."""
    caches = _CACHES.get(engine)
    for broadcast_id in [b for b in caches or () if b not in live_ids]:
        del caches[broadcast_id]


def forget(engine, broadcast_id: int) -> None:
    """Drop one broadcast's cache (after a failed push: the next one reads everything again)."""
    (_CACHES.get(engine) or {}).pop(broadcast_id, None)
