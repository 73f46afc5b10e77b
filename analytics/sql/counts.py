"""The SQL path: a broadcast's BaseCounts from its rollups, without reading its events one by one.

Totals are kept over every order whatever its placement time; orders placed after the attribution
cutoff ("late", normally none) are read one by one and taken off. Pinned intervals come from the
few pin events; the parts of minutes they cut are counted exactly through indexes.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.metrics.definitions import BaseCounts, ProductCounts, SourceCounts
from analytics.metrics.online import Interval, micros_to_seconds, pinned_intervals, total_seconds
from analytics.models import (
    AnalyticsState,
    OrderLineRollup,
    OrderRollup,
    ProductMinuteRollup,
    ProductRollup,
    SourceRollup,
    ViewerRollup,
)
from analytics.rollups import store
from analytics.rollups.facts import MINUTE_US, from_us, minute_of, to_us
from analytics.rollups.record import HEAD_COUNTS
from analytics.sql.timeline import audience
from live.models import EventLog

_PIN_TYPES = ("product_pin", "product_unpin")


def pinned_spans(session: Session, broadcast_id: int, start: datetime, end: datetime) -> dict[str, list[Interval]]:
    """Return each pinned or unpinned SKU's pinned intervals within [start, end]."""
    rows = session.execute(sa.select(EventLog.type, EventLog.ts, EventLog.sku).where(
        EventLog.broadcast_id == broadcast_id, EventLog.type.in_(_PIN_TYPES), EventLog.sku.is_not(None)))
    events: dict[str, list[dict]] = defaultdict(list)
    for kind, ts, sku in rows:
        events[sku].append({"type": kind, "ts": ts})
    return {sku: pinned_intervals(evs, start, end) for sku, evs in events.items()}


def _rows(session: Session, model, broadcast_id: int, *where) -> list[dict]:
    table = model.__table__
    return [dict(r) for r in session.execute(sa.select(table).where(table.c.broadcast_id == broadcast_id, *where))
            .mappings()]


def _exact_counts(session: Session, broadcast_id: int, parts: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Return (clicks, paid orders) of each (sku, start_us, end_us) part of a minute, 500 parts a statement."""
    if len(parts) > 500:
        return _exact_counts(session, broadcast_id, parts[:500]) + _exact_counts(session, broadcast_id, parts[500:])
    if not parts:
        return []
    rows = ", ".join(f"(:k{i}, :s{i}, :a{i}, :b{i}, :au{i}, :bu{i})" for i in range(len(parts)))
    params = {}
    for i, (sku, a, b) in enumerate(parts):
        params.update({f"k{i}": i, f"s{i}": sku, f"a{i}": from_us(a), f"b{i}": from_us(b), f"au{i}": a, f"bu{i}": b})
    # Correlated counts through the partial click index and the order-line index: a few rows per part.
    sql = sa.text(
        f"WITH parts(k, sku, a, b, au, bu) AS (VALUES {rows}) SELECT parts.k, "
        "(SELECT count(*) FROM event_log WHERE event_log.broadcast_id = :bid AND event_log.sku = parts.sku "
        "AND event_log.type = 'product_click' AND event_log.ts >= parts.a AND event_log.ts < parts.b), "
        "(SELECT count(*) FROM analytics_order_line AS l WHERE l.broadcast_id = :bid AND l.sku = parts.sku "
        "AND l.placed_us >= parts.au AND l.placed_us < parts.bu AND l.paid) FROM parts"
    ).bindparams(*(sa.bindparam(f"{p}{i}", type_=EventLog.ts.type) for i in range(len(parts)) for p in "ab"))
    found = {k: (int(c), int(o)) for k, c, o in session.execute(sql, {"bid": broadcast_id, **params})}
    return [found[i] for i in range(len(parts))]


def _while_pinned(session: Session, broadcast_id: int, spans: dict[str, list[Interval]]) -> dict[str, tuple[int, int]]:
    """Return per SKU the (clicks, paid orders) inside its pinned intervals.

    Whole minutes come from the SKU's minute rollups; the cut minutes at an interval's ends are
    counted exactly.
    """
    parts: list[tuple[str, int, int]] = []
    inner: list[tuple[str, int]] = []
    for sku, intervals in spans.items():
        for start, end in intervals:
            a, b = to_us(start), to_us(end)
            first, last = minute_of(a), minute_of(b)
            if first == last:
                cut = [(sku, a, b)]
            else:
                inner_from = first if a == first else first + MINUTE_US
                cut = [(sku, a, inner_from), (sku, last, b)]
                inner += [(sku, m) for m in range(inner_from, last, MINUTE_US)]
            parts += [part for part in cut if part[1] < part[2]]
    result: dict[str, list[int]] = {sku: [0, 0] for sku in spans}
    for (sku, _a, _b), (clicks, orders) in zip(parts, _exact_counts(session, broadcast_id, parts)):
        result[sku][0] += clicks
        result[sku][1] += orders
    for (sku, _minute), row in store.load(session, ProductMinuteRollup, broadcast_id, inner).items():
        result[sku][0] += row["clicks"]
        result[sku][1] += row["paid_orders"]
    return {sku: (c, o) for sku, (c, o) in result.items()}


def _products(session: Session, broadcast_id: int, late: list[str], start: datetime, end: datetime
              ) -> dict[str, ProductCounts]:
    totals = {row["sku"]: row for row in _rows(session, ProductRollup, broadcast_id)}
    line = OrderLineRollup.__table__
    late_lines = [row for i in range(0, len(late), store.CHUNK)
                  for row in _rows(session, OrderLineRollup, broadcast_id, line.c.order_id.in_(late[i:i + store.CHUNK]))]
    for row in (row for row in late_lines if row["paid"]):
        total = totals[row["sku"]]
        total["paid_orders"] -= 1
        total["paid_units"] -= row["units"]
        total["paid_gmv"] -= row["amount"]
    spans = pinned_spans(session, broadcast_id, start, end)
    pinned = _while_pinned(session, broadcast_id, spans)
    skus = {sku for sku, t in totals.items() if t["clicks"] or t["paid_orders"]} | set(spans)
    result = {}
    for sku in skus:
        total = totals.get(sku) or store.blank(ProductRollup, broadcast_id, (sku,))
        clicks_pinned, orders_pinned = pinned.get(sku, (0, 0))
        result[sku] = ProductCounts(
            clicks=total["clicks"], clickers=total["clickers"], orders=total["paid_orders"],
            units=total["paid_units"], gmv=total["paid_gmv"], pinned_seconds=total_seconds(spans.get(sku, [])),
            clicks_while_pinned=clicks_pinned, orders_while_pinned=orders_pinned)
    return result


def sql_counts(session: Session, broadcast_id: int, start: datetime, end: datetime,
               attribution_window: timedelta) -> BaseCounts:
    """Return the raw counts of one broadcast over [start, end] from its rollups (which must be current)."""
    start_us, end_us = to_us(start), to_us(end)
    cutoff = end_us + attribution_window // timedelta(microseconds=1)
    state = (_rows(session, AnalyticsState, broadcast_id) or [{name: 0 for name in HEAD_COUNTS}])[0]
    seen = audience(session, broadcast_id, start_us, end_us)

    order = OrderRollup.__table__
    late = _rows(session, OrderRollup, broadcast_id, order.c.placed_us > cutoff)
    sources = {row["source"]: [row["paid_orders"], row["paid_gmv"]] for row in _rows(session, SourceRollup,
                                                                                      broadcast_id)}
    for row in late:
        if row["paid_us"] is not None and not row["cancelled"] and row["source"] is not None:
            sources[row["source"]][0] -= 1
            sources[row["source"]][1] -= row["paid_amount"]
    viewer = ViewerRollup.__table__
    late_buyers = session.execute(sa.select(sa.func.count(), sa.func.count().filter(viewer.c.clicked)).where(
        viewer.c.broadcast_id == broadcast_id, viewer.c.first_paid_placed_us > cutoff)).one()
    paid_orders = sum(n for n, _ in sources.values())
    return BaseCounts(
        views=seen.views,
        unique_viewers=state["unique_viewers"],
        total_online_seconds=micros_to_seconds(seen.total_us),
        peak_concurrent_viewers=seen.peak,
        product_clickers=state["product_clickers"],
        orders=seen.orders_placed - len(late),
        paid_orders=paid_orders,
        buyers=state["buyers"] - late_buyers[0],
        gmv=sum((gmv for _, gmv in sources.values()), Decimal(0)),
        buyer_clickers=state["buyer_clickers"] - late_buyers[1],
        by_product=_products(session, broadcast_id, [row["order_id"] for row in late], start, end),
        by_source={src: SourceCounts(n, gmv) for src, (n, gmv) in sources.items() if n},
        timeline=seen.timeline,
        attribution_window=attribution_window,
    )
