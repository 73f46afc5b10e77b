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
from analytics.metrics.definitions import MinuteCounts, drop_quiet_minutes
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


def _edge_orders(session: Session, broadcast_id: int, start_us: int, end_us: int) -> list[dict]:
    """Return orders placed in the first minute before the start or in the last minute after the end."""
    m0, last = minute_of(start_us), minute_of(end_us) + MINUTE_US
    order = OrderRollup.__table__
    columns = (order.c.placed_us, order.c.paid_us, order.c.cancelled, order.c.paid_amount)
    found = []
    # Two range reads, not one OR: SQLite would scan every order of the broadcast for the OR.
    for low, high in ((order.c.placed_us >= m0, order.c.placed_us < start_us),
                      (order.c.placed_us > end_us, order.c.placed_us < last)):
        rows = session.execute(sa.select(*columns).where(order.c.broadcast_id == broadcast_id, low, high))
        found += [dict(row) for row in rows.mappings()]
    return found


def audience(session: Session, broadcast_id: int, start_us: int, end_us: int) -> Audience:
    """Return the period's online total, peak and timeline from the minute rollups.

    Only the minutes that have a rollup row are visited: between two of them the online count stays
    level, so a gap of quiet minutes adds level x its length and can raise the peak only to that level.
    """
    m0, me = minute_of(start_us), minute_of(end_us)
    minutes, sums = load_minutes(session, broadcast_id, m0, me)
    # Nothing at or after the end is ever read, so the end minute's edges are fetched only up to it.
    first = minute_points(session, broadcast_id, m0, min(m0 + MINUTE_US, end_us))
    last = first if me == m0 else minute_points(session, broadcast_id, me, end_us)
    level0 = sums["before_online_net"]
    after_first = level0 + (minutes[m0]["online_net"] if m0 in minutes else 0)
    if m0 == me:
        total = edges.integral(level0, first, start_us, end_us)
        peak = edges.peak(level0, first, start_us, end_us)
        level_end = level0
    else:
        total = edges.integral(level0, first, start_us, m0 + MINUTE_US)
        peak = edges.peak(level0, first, start_us, m0 + MINUTE_US)
        level, cursor = after_first, m0 + MINUTE_US  # the level from cursor on, until the next stored minute
        for m in sorted(m for m in minutes if m0 < m < me):
            if m > cursor:  # quiet minutes [cursor, m): level throughout
                total += level * (m - cursor)
                peak = max(peak, level)
            row = minutes[m]
            total += level * MINUTE_US + row["online_weighted"]
            peak = max(peak, level + row["online_max"])
            level, cursor = level + row["online_net"], m + MINUTE_US
        if me > cursor:
            total += level * (me - cursor)
            peak = max(peak, level)
        total += edges.integral(level, last, me, end_us)
        peak = max(peak, edges.peak(level, last, me, end_us))
        level_end = level

    taken_off: dict[int, list[int | Decimal]] = {}
    for order in _edge_orders(session, broadcast_id, start_us, end_us):
        off = taken_off.setdefault(minute_of(order["placed_us"]), [0, Decimal(0)])
        off[0] += 1
        if order["paid_us"] is not None and not order["cancelled"]:
            off[1] += order["paid_amount"]
    rows = []
    level = level0  # before the minute being listed
    for m in sorted(set(minutes) | {m0, me}):
        row = minutes.get(m, {})  # the minutes between listed ones have no row: they changed nothing
        counts = {name: row.get(name, 0) for name in _COUNTED}
        for name in _COUNTED:  # events outside the period are clipped into the first and last row
            counts[name] += (sums[f"before_{name}"] if m == m0 else 0) + (sums[f"after_{name}"] if m == me else 0)
        off_orders, off_gmv = taken_off.get(m, (0, Decimal(0)))
        placed, paid_gmv = row.get("orders", 0) - off_orders, row.get("paid_gmv", Decimal(0)) - off_gmv
        if start_us == end_us:
            online = 0
        elif m < me:
            online = level + row.get("online_net", 0)
        else:
            online = edges.level_before(level_end, last, end_us)
        level += row.get("online_net", 0)
        rows.append(MinuteCounts(minute=from_us(m), joins=counts["joins"], online=online, chat=counts["chat"],
                                 clicks=counts["clicks"], orders=placed, paid_gmv=paid_gmv))
    return Audience(total_us=total, peak=peak, timeline=drop_quiet_minutes(rows), views=sums["all_joins"],
                    orders_placed=sums["all_orders"])
