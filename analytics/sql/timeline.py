"""Audience and timeline from the minute rollups: O(minutes with a row) plus the edges of the first and last minute.

The online count at ``t`` is the sum of all edges at or before ``t``; the level before a minute is the
running sum of the earlier minutes' ``online_net``. Inner minutes use their stored profile; the
minutes holding the start and the end, which the period cuts, are read edge by edge.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.metrics import edges
from analytics.metrics.definitions import MinuteCounts
from analytics.models import MinuteRollup, OrderRollup
from analytics.rollups.facts import MINUTE_US, from_us, minute_of
from analytics.rollups.minutes import minute_points

_COUNTED = ("joins", "chat", "clicks")


@dataclass(frozen=True)
class Audience:
    """Online measures of the period: total viewer-microseconds, peak, and the timeline rows."""

    total_us: int
    peak: int
    timeline: list[MinuteCounts]
    views: int
    orders_placed: int


def load_minutes(session: Session, broadcast_id: int, first: int, last: int) -> tuple[dict[int, dict], dict]:
    """Return the minute rollups from first to last by minute, and sums over every minute or outside them.

    The sums are SQL aggregates of integer columns: ``all_joins``, ``all_orders``, and ``before_*`` /
    ``after_*`` of joins, chat, clicks (and ``before_online_net``).
    """
    table = MinuteRollup.__table__
    rows = session.execute(sa.select(table).where(table.c.broadcast_id == broadcast_id,
                                                  table.c.minute_us.between(first, last))).mappings()

    def total(label: str, column: str, where=None):
        value = table.c[column] if where is None else sa.case((where, table.c[column]), else_=0)
        return sa.func.coalesce(sa.func.sum(value), 0).label(label)

    before, after = table.c.minute_us < first, table.c.minute_us > last
    sums = [total("all_joins", "joins"), total("all_orders", "orders"),
            total("before_online_net", "online_net", before)]
    sums += [total(f"before_{name}", name, before) for name in _COUNTED]
    sums += [total(f"after_{name}", name, after) for name in _COUNTED]
    outside = session.execute(sa.select(*sums).where(table.c.broadcast_id == broadcast_id)).mappings().one()
    return {row["minute_us"]: dict(row) for row in rows}, {k: int(v) for k, v in outside.items()}


def _edge_orders(session: Session, broadcast_id: int, start_us: int, end_us: int, before: bool = True,
                 after: bool = True) -> list[dict]:
    """Return orders placed in the first minute before the start (before) or in the last minute after the end (after)."""
    m0, last = minute_of(start_us), minute_of(end_us) + MINUTE_US
    order = OrderRollup.__table__
    columns = (order.c.placed_us, order.c.paid_us, order.c.cancelled, order.c.paid_amount)
    found = []
    # Two range reads, not one OR: SQLite would scan every order of the broadcast for the OR.
    ranges = [(order.c.placed_us >= m0, order.c.placed_us < start_us)] if before else []
    ranges += [(order.c.placed_us > end_us, order.c.placed_us < last)] if after else []
    for low, high in ranges:
        rows = session.execute(sa.select(*columns).where(order.c.broadcast_id == broadcast_id, low, high))
        found += [dict(row) for row in rows.mappings()]
    return found


@dataclass
class Inner:
    """The minutes strictly between the first and the last, folded: online total and peak over them, the level
    and the cursor after them (the level holds from the cursor on), and their timeline rows (quiet ones left out)."""

    total: int
    peak: int
    level: int
    cursor: int
    rows: list[MinuteCounts]


def fold_minute(state: tuple[int, int, int, int, int], m: int, row: dict) -> tuple[tuple, MinuteCounts | None]:
    """Return the fold state (total, peak, level, cursor, previous row's online) after one inner minute, and its
    timeline row, or None when the row is quiet (no event, same online as the row before: drop_quiet_minutes)."""
    total, peak, level, cursor, before = state
    if m > cursor:  # quiet minutes [cursor, m): level throughout
        total += level * (m - cursor)
        peak = max(peak, level)
    total += level * MINUTE_US + row["online_weighted"]
    peak = max(peak, level + row["online_max"])
    level = level + row["online_net"]
    quiet = not (row["joins"] or row["chat"] or row["clicks"] or row["orders"] or row["paid_gmv"]) and level == before
    counts = None if quiet else MinuteCounts(minute=from_us(m), joins=row["joins"], online=level, chat=row["chat"],
                                             clicks=row["clicks"], orders=row["orders"], paid_gmv=row["paid_gmv"])
    return (total, peak, level, m + MINUTE_US, level), counts


def inner_minutes(minutes: dict[int, dict], m0: int, me: int, level: int) -> Inner:
    """Return the fold of the minutes with a row strictly between m0 and me, from the level after m0."""
    state, rows = (0, 0, level, m0 + MINUTE_US, level), []
    for m in sorted(m for m in minutes if m0 < m < me):
        state, row = fold_minute(state, m, minutes[m])
        if row is not None:
            rows.append(row)
    return Inner(state[0], state[1], state[2], state[3], rows)


def audience(session: Session, broadcast_id: int, start_us: int, end_us: int, live=None) -> Audience:
    """Return the period's online total, peak and timeline from the minute rollups.

    Only the minutes that have a rollup row are visited: between two of them the online count stays
    level, so a gap of quiet minutes adds level x its length and can raise the peak only to that level.
    live: the push's analytics.sql.live.LiveBroadcast, whose kept minute rows replace the two reads of load_minutes
    and whose kept fold of the inner minutes is extended from the first one that changed.
    """
    m0, me = minute_of(start_us), minute_of(end_us)
    if live is None:
        minutes, sums = load_minutes(session, broadcast_id, m0, me)
    else:
        minutes, sums = live.edge_rows(m0, me), live.outside(m0, me)
    # Nothing at or after the end is ever read, so the end minute's edges are fetched only up to it.
    if live is not None and me != m0:  # the whole first minute: kept by the push until that minute changes
        first, early = live.first_minute((m0, start_us), lambda: (
            minute_points(session, broadcast_id, m0, m0 + MINUTE_US),
            _edge_orders(session, broadcast_id, start_us, end_us, after=False)))
        edge_orders = early + _edge_orders(session, broadcast_id, start_us, end_us, before=False)
    else:
        first = minute_points(session, broadcast_id, m0, min(m0 + MINUTE_US, end_us))
        edge_orders = _edge_orders(session, broadcast_id, start_us, end_us)
    last = first if me == m0 else minute_points(session, broadcast_id, me, end_us)
    level0 = sums["before_online_net"]
    after_first = level0 + (minutes[m0]["online_net"] if m0 in minutes else 0)
    inner = Inner(0, 0, level0, me, [])
    if m0 == me:
        total = edges.integral(level0, first, start_us, end_us)
        peak = edges.peak(level0, first, start_us, end_us)
        level_end = level0
    else:
        inner = (live.inner if live is not None else lambda m0, me, level: inner_minutes(minutes, m0, me, level))(
            m0, me, after_first)
        total = edges.integral(level0, first, start_us, m0 + MINUTE_US) + inner.total
        peak = max(edges.peak(level0, first, start_us, m0 + MINUTE_US), inner.peak)
        level, cursor = inner.level, inner.cursor
        if me > cursor:
            total += level * (me - cursor)
            peak = max(peak, level)
        total += edges.integral(level, last, me, end_us)
        peak = max(peak, edges.peak(level, last, me, end_us))
        level_end = level

    taken_off: dict[int, list[int | Decimal]] = {}
    for order in edge_orders:
        off = taken_off.setdefault(minute_of(order["placed_us"]), [0, Decimal(0)])
        off[0] += 1
        if order["paid_us"] is not None and not order["cancelled"]:
            off[1] += order["paid_amount"]

    def edge_row(m: int) -> MinuteCounts:
        """The first or last minute's row: events outside the period are clipped into it, edge orders taken off."""
        row = minutes.get(m, {})
        counts = {name: row.get(name, 0) for name in _COUNTED}
        for name in _COUNTED:
            counts[name] += (sums[f"before_{name}"] if m == m0 else 0) + (sums[f"after_{name}"] if m == me else 0)
        off_orders, off_gmv = taken_off.get(m, (0, Decimal(0)))
        placed, paid_gmv = row.get("orders", 0) - off_orders, row.get("paid_gmv", Decimal(0)) - off_gmv
        if start_us == end_us:
            online = 0
        elif m < me:
            online = after_first
        else:
            online = edges.level_before(level_end, last, end_us)
        return MinuteCounts(minute=from_us(m), joins=counts["joins"], online=online, chat=counts["chat"],
                            clicks=counts["clicks"], orders=placed, paid_gmv=paid_gmv)

    # The first and the last row are always listed; the inner rows were filtered as drop_quiet_minutes does.
    rows = [edge_row(m0)] + inner.rows + ([edge_row(me)] if me != m0 else [])
    return Audience(total_us=total, peak=peak, timeline=rows, views=sums["all_joins"],
                    orders_placed=sums["all_orders"])
