"""The SQL path: a broadcast's BaseCounts from its rollups, without reading its events one by one.

Totals are kept over every order whatever its placement time; orders placed after the attribution
cutoff ("late", normally none) are read one by one and taken off. Pinned intervals come from the
few pin events; the parts of minutes they cut are counted exactly through indexes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.metrics.definitions import BaseCounts, FunnelCounts, ProductCounts, SourceCounts, VariantCounts
from analytics.metrics.online import Interval, micros_to_seconds, single_pin_intervals, total_seconds
from analytics.models import (AnalyticsState, OrderLineRollup, OrderRollup, ProductRollup, SourceRollup,
    VariantRollup, ViewerRollup)
from analytics.rollups import store
from analytics.rollups.catalogue import product_skus, variants_of
from analytics.rollups.facts import MINUTE_US, from_us, minute_of, to_us
from analytics.rollups.record import HEAD_COUNTS
from analytics.sql.timeline import audience
from live.models import EventLog

_PIN_TYPES = ("product_pin", "product_unpin")
_PARTS_PER_STATEMENT = 500
# Correlated counts over one (sku, a, b) part: through the partial click index, the order-line index by
# product, and the product-minute primary key. A few rows per part, whatever the interval's length.
_CLICKS_IN = ("SELECT count(*) FROM event_log WHERE event_log.broadcast_id = :bid AND event_log.sku = parts.sku "
              "AND event_log.type = 'product_click' AND event_log.ts >= parts.a AND event_log.ts < parts.b")
_ORDERS_IN = ("SELECT count(DISTINCT l.order_id) FROM analytics_order_line AS l WHERE l.broadcast_id = :bid "
              "AND l.product_sku = parts.sku AND l.placed_us >= parts.au AND l.placed_us < parts.bu AND l.paid")
_MINUTES_IN = ("SELECT coalesce(sum(m.{column}), 0) FROM analytics_product_minute AS m WHERE m.broadcast_id = :bid "
               "AND m.sku = parts.sku AND m.minute_us >= parts.au AND m.minute_us < parts.bu")


def pinned_spans(session: Session, broadcast_id: int, start: datetime, end: datetime) -> dict[str, list[Interval]]:
    """Return each pinned or unpinned product's pinned intervals within [start, end], one product at a time."""
    rows = session.execute(sa.select(EventLog.type, EventLog.ts, EventLog.event_id, EventLog.sku).where(
        EventLog.broadcast_id == broadcast_id, EventLog.type.in_(_PIN_TYPES), EventLog.sku.is_not(None))).all()
    products = product_skus(session, {sku for *_rest, sku in rows})
    toggles = [(ts, kind == "product_pin", event_id, products.get(sku, sku)) for kind, ts, event_id, sku in rows]
    return single_pin_intervals(toggles, start, end)


def _rows(session: Session, model, broadcast_id: int, *where) -> list[dict]:
    table = model.__table__
    return [dict(r) for r in session.execute(sa.select(table).where(table.c.broadcast_id == broadcast_id, *where))
            .mappings()]


def _per_part(session: Session, broadcast_id: int, parts: list[tuple[str, int, int]], count: str) -> list[int]:
    """Return the correlated count ``count`` of each (sku, start_us, end_us) part, 500 parts a statement."""
    if len(parts) > _PARTS_PER_STATEMENT:
        head, tail = parts[:_PARTS_PER_STATEMENT], parts[_PARTS_PER_STATEMENT:]
        return _per_part(session, broadcast_id, head, count) + _per_part(session, broadcast_id, tail, count)
    if not parts:
        return []
    rows = ", ".join(f"(:k{i}, :s{i}, :a{i}, :b{i}, :au{i}, :bu{i})" for i in range(len(parts)))
    params = {}
    for i, (sku, a, b) in enumerate(parts):
        params.update({f"k{i}": i, f"s{i}": sku, f"a{i}": from_us(a), f"b{i}": from_us(b), f"au{i}": a, f"bu{i}": b})
    times = (sa.bindparam(f"{p}{i}", type_=EventLog.ts.type) for i in range(len(parts)) for p in "ab")
    sql = sa.text(f"WITH parts(k, sku, a, b, au, bu) AS (VALUES {rows}) SELECT parts.k, ({count}) FROM parts"
                  ).bindparams(*times)
    found = {k: int(n) for k, n in session.execute(sql, {"bid": broadcast_id, **params})}
    return [found[i] for i in range(len(parts))]


def _while_pinned(session: Session, broadcast_id: int, spans: dict[str, list[Interval]], live=None
                  ) -> dict[str, tuple[int, int]]:
    """Return per product the (clicks, paid orders) inside its pinned intervals.

    The whole minutes inside an interval are summed from the product's minute rollups by one range read;
    the cut minutes at its ends are counted exactly, clicks under every SKU of the product.
    live (the push's analytics.sql.live.LiveBroadcast): the counts of intervals none of whose minutes changed
    since the last push are taken from it, the others counted and kept in it.
    """
    wanted = [(product, to_us(start), to_us(end)) for product, intervals in spans.items() for start, end in intervals]
    kept: dict[tuple[str, int, int], tuple[int, int]] = {}
    if live is not None:
        kept = {key: live.pinned[key] for key in wanted if key in live.pinned and live.pinned_still_valid(key)}
    counted = _count_while_pinned(session, broadcast_id, [key for key in wanted if key not in kept])
    if live is not None:
        live.pinned = {**kept, **counted}
    result: dict[str, list[int]] = {product: [0, 0] for product in spans}
    for (product, _a, _b), (clicks, orders) in {**kept, **counted}.items():
        result[product][0] += clicks
        result[product][1] += orders
    return {product: (c, o) for product, (c, o) in result.items()}


def _count_while_pinned(session: Session, broadcast_id: int, wanted: list[tuple[str, int, int]]
                        ) -> dict[tuple[str, int, int], tuple[int, int]]:
    """Return the (clicks, paid orders) of each pinned interval (product, start_us, end_us)."""
    if not wanted:
        return {}
    aliases = variants_of(session, {product for product, _a, _b in wanted})
    cut: list[tuple[tuple, str, int, int]] = []
    inner: list[tuple[tuple, str, int, int]] = []
    for key in wanted:
        product, a, b = key
        first, last = minute_of(a), minute_of(b)
        if first == last:
            cut.append((key, product, a, b))
            continue
        inner_from = first if a == first else first + MINUTE_US
        cut += [(key, *part) for part in ((product, a, inner_from), (product, last, b)) if part[1] < part[2]]
        if inner_from < last:
            inner.append((key, product, inner_from, last))
    clicks = [(key, sku, a, b) for key, product, a, b in cut for sku in (product, *aliases.get(product, ()))]
    result: dict[tuple, list[int]] = {key: [0, 0] for key in wanted}

    def parts(items: list[tuple]) -> list[tuple[str, int, int]]:
        return [item[1:] for item in items]

    for (key, *_part), n in zip(inner, _per_part(session, broadcast_id, parts(inner),
                                                 _MINUTES_IN.format(column="clicks"))):
        result[key][0] += n
    for (key, *_part), n in zip(inner, _per_part(session, broadcast_id, parts(inner),
                                                 _MINUTES_IN.format(column="paid_orders"))):
        result[key][1] += n
    for (key, *_part), n in zip(clicks, _per_part(session, broadcast_id, parts(clicks), _CLICKS_IN)):
        result[key][0] += n
    for (key, *_part), n in zip(cut, _per_part(session, broadcast_id, parts(cut), _ORDERS_IN)):
        result[key][1] += n
    return {key: (c, o) for key, (c, o) in result.items()}


def _take_off_late(session: Session, broadcast_id: int, late: list[str], totals: dict[str, dict],
                   variants: dict[tuple[str, str], dict]) -> None:
    """Take the paid lines of orders placed after the attribution cutoff off the product and variant totals."""
    line = OrderLineRollup.__table__
    late_lines = [row for i in range(0, len(late), store.CHUNK) for row in _rows(
        session, OrderLineRollup, broadcast_id, line.c.order_id.in_(late[i:i + store.CHUNK]))]
    for order_id, product in {(row["order_id"], row["product_sku"]) for row in late_lines if row["paid"]}:
        totals[product]["paid_orders"] -= 1
    for row in (row for row in late_lines if row["paid"]):
        total = totals[row["product_sku"]]
        total["paid_units"] -= row["units"]
        total["paid_gmv"] -= row["amount"]
        if row["sku"] != row["product_sku"]:
            variant = variants[(row["product_sku"], row["sku"])]
            variant["paid_orders"] -= 1
            variant["paid_units"] -= row["units"]
            variant["paid_gmv"] -= row["amount"]


def _products(session: Session, broadcast_id: int, late: list[str], spans: dict[str, list[Interval]], live=None
              ) -> dict[str, ProductCounts]:
    totals = {row["sku"]: row for row in _rows(session, ProductRollup, broadcast_id)}
    variants = {(row["sku"], row["variant"]): row for row in _rows(session, VariantRollup, broadcast_id)}
    _take_off_late(session, broadcast_id, late, totals, variants)
    of: dict[str, dict[str, VariantCounts]] = defaultdict(dict)
    for (product, sku), row in variants.items():
        if row["paid_orders"]:
            of[product][sku] = VariantCounts(row["paid_orders"], row["paid_units"], row["paid_gmv"])
    pinned = _while_pinned(session, broadcast_id, spans, live)
    skus = {sku for sku, t in totals.items() if t["clicks"] or t["paid_orders"]} | set(spans)
    result = {}
    for sku in skus:
        total = totals.get(sku) or store.blank(ProductRollup, broadcast_id, (sku,))
        clicks_pinned, orders_pinned = pinned.get(sku, (0, 0))
        result[sku] = ProductCounts(
            clicks=total["clicks"], clickers=total["clickers"], orders=total["paid_orders"],
            units=total["paid_units"], gmv=total["paid_gmv"], pinned_seconds=total_seconds(spans.get(sku, [])),
            clicks_while_pinned=clicks_pinned, orders_while_pinned=orders_pinned, variants=of.get(sku, {}))
    return result


def _funnel(session: Session, broadcast_id: int, state: dict, cutoff: int) -> FunnelCounts:
    """Return the funnel from the head counts, less the people whose every order was placed after the cutoff."""
    viewer = ViewerRollup.__table__
    late, clicked, joined, neither = session.execute(sa.select(
        sa.func.count(), sa.func.count().filter(viewer.c.clicked), sa.func.count().filter(viewer.c.joined),
        sa.func.count().filter(sa.not_(viewer.c.clicked), sa.not_(viewer.c.joined)),
    ).where(viewer.c.broadcast_id == broadcast_id, viewer.c.first_placed_us > cutoff)).one()
    orderers = state["orderers"] - late
    orderer_clickers, orderer_joiners = state["orderer_clickers"] - clicked, state["orderer_joiners"] - joined
    return FunnelCounts(
        viewers=state["people"] - neither, clickers=state["product_clickers"] + orderers - orderer_clickers,
        buyers=orderers, buyers_not_joined=orderers - orderer_joiners, buyers_not_clicked=orderers - orderer_clickers)


def sql_counts(session: Session, broadcast_id: int, start: datetime, end: datetime,
               attribution_window: timedelta, live=None, spans: dict[str, list[Interval]] | None = None
               ) -> BaseCounts:
    """Return the raw counts of one broadcast over [start, end] from its rollups (which must be current).

    live: the push's analytics.sql.live.LiveBroadcast (minute rows and while-pinned counts kept between pushes);
    spans: the pinned intervals when the caller read them already (pinned_spans).
    """
    start_us, end_us = to_us(start), to_us(end)
    cutoff = end_us + attribution_window // timedelta(microseconds=1)
    state = (_rows(session, AnalyticsState, broadcast_id) or [{name: 0 for name in HEAD_COUNTS}])[0]
    seen = audience(session, broadcast_id, start_us, end_us, live)
    if spans is None:
        spans = pinned_spans(session, broadcast_id, start, end)

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
    buyers = state["buyers"] - late_buyers[0]
    funnel = _funnel(session, broadcast_id, state, cutoff)
    return BaseCounts(
        views=seen.views,
        unique_viewers=state["unique_viewers"],
        total_online_seconds=micros_to_seconds(seen.total_us),
        peak_concurrent_viewers=seen.peak,
        product_clickers=state["product_clickers"],
        orders=seen.orders_placed - len(late),
        paid_orders=paid_orders,
        buyers=buyers,
        gmv=sum((gmv for _, gmv in sources.values()), Decimal(0)),
        buyer_clickers=state["buyer_clickers"] - late_buyers[1],
        by_product=_products(session, broadcast_id, [row["order_id"] for row in late], spans, live),
        by_source={src: SourceCounts(n, gmv) for src, (n, gmv) in sources.items() if n},
        timeline=seen.timeline,
        attribution_window=attribution_window,
        funnel=replace(funnel, paying_buyers=buyers),
    )
