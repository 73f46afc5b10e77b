"""The test oracle: the broadcast metrics computed in plain Python, event by event, straight from the definitions.

Slow and obvious on purpose: the SQL path of the product (analytics.sql, analytics.rollups) and the naive pandas
baseline (tests.support.analytics_frame) are tested against it. Test support, not product: the tests and bench/
import it, nothing under analytics/ may. Definitions and decisions: docs/metrics.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from analytics.metrics.definitions import (DEFAULT_ATTRIBUTION_WINDOW, BaseCounts, FunnelCounts, MinuteCounts,
    ProductCounts, SourceCounts, VariantCounts, drop_quiet_minutes, finalize, to_decimal)
from analytics.metrics.online import (Interval, bucket_close, clip, floor_minute, minute_buckets, online_at,
    online_intervals, peak_concurrency, resolve_period, single_pin_intervals, total_seconds)

Event = Mapping[str, Any]
Catalogue = Mapping[str, str]  # variant SKU -> its product's SKU; a SKU not in it is a product of its own
Priced = Mapping[tuple[str, str], Decimal]  # (order_id, sku) -> the line amount the order was priced at


def compute_metrics_reference(
    events: Iterable[Event],
    started_at: datetime,
    ended_at: datetime | None,
    now: datetime | None = None,
    attribution_window: timedelta = DEFAULT_ATTRIBUTION_WINDOW,
    products: Catalogue | None = None,
    priced: Priced | None = None,
) -> dict[str, Any]:
    """Return the finalized metrics dict of one broadcast computed from its event log.

    ``products`` maps variant SKUs to their product's SKU; ``priced`` gives the priced line amount of
    order lines sent without ``unit_price``.
    """
    return finalize(reference_counts(events, started_at, ended_at, now, attribution_window, products, priced))


def dedupe(events: Iterable[Event]) -> list[Event]:
    """Return the events with repeated ids dropped (first delivery wins), sorted by (ts, id)."""
    seen: set[Any] = set()
    unique: list[Event] = []
    for event in events:
        key = event.get("id")
        if key is not None and key in seen:
            continue
        seen.add(key)
        unique.append(event)
    return sorted(unique, key=lambda e: (e["ts"], _id_key(e.get("id"))))


def _id_key(value: Any) -> str:
    return "" if value is None else str(value)


def reference_counts(
    events: Iterable[Event],
    started_at: datetime,
    ended_at: datetime | None,
    now: datetime | None = None,
    attribution_window: timedelta = DEFAULT_ATTRIBUTION_WINDOW,
    products: Catalogue | None = None,
    priced: Priced | None = None,
) -> BaseCounts:
    """Return the raw counts of one broadcast computed event by event."""
    start, end = resolve_period(started_at, ended_at, now)
    of: dict[str, list[Event]] = defaultdict(list)
    for event in dedupe(events):
        of[event["type"]].append(event)

    viewers = {e["viewer_id"] for e in of["viewer_join"] if e.get("viewer_id") is not None}
    sessions: dict[Any, list[Event]] = defaultdict(list)
    for event in of["viewer_join"] + of["viewer_leave"]:
        if event.get("viewer_id") is not None:
            sessions[event["viewer_id"]].append(event)
    online = [iv for evs in sessions.values() for iv in online_intervals(evs, start, end)]
    clickers = {e["viewer_id"] for e in of["product_click"] if e.get("viewer_id") is not None}

    orders = _attributed_orders(of["order"], end + attribution_window)
    paid_amount = _first_paid_amounts(of["payment"])
    cancelled = {e.get("order_id") for e in of["order_cancel"]}
    paid = [o for o in orders if o["order_id"] in paid_amount and o["order_id"] not in cancelled]
    buyers = {o["buyer"]["id"] for o in paid if (o.get("buyer") or {}).get("id") is not None}
    orderers = {o["buyer"]["id"] for o in orders if (o.get("buyer") or {}).get("id") is not None}
    gmv = sum((paid_amount[o["order_id"]] for o in paid), Decimal(0))

    return BaseCounts(
        views=len(of["viewer_join"]),
        unique_viewers=len(viewers),
        total_online_seconds=total_seconds(online),
        peak_concurrent_viewers=peak_concurrency(online),
        product_clickers=len(clickers),
        orders=len(orders),
        paid_orders=len(paid),
        buyers=len(buyers),
        gmv=gmv,
        buyer_clickers=len(buyers & clickers),
        by_product=_by_product(of, paid, start, end, products or {}, priced or {}),
        by_source=_by_source(paid, paid_amount),
        timeline=_timeline(of, online, orders, paid, paid_amount, start, end),
        attribution_window=attribution_window,
        funnel=FunnelCounts(
            viewers=len(viewers | clickers | orderers), clickers=len(clickers | orderers), buyers=len(orderers),
            paying_buyers=len(buyers), buyers_not_joined=len(orderers - viewers),
            buyers_not_clicked=len(orderers - clickers)),
    )


def _attributed_orders(order_events: list[Event], cutoff: datetime) -> list[Event]:
    # The first order event of an order_id (by ts, id) is the order; later ones are re-sends.
    first: dict[Any, Event] = {}
    for event in order_events:
        if event.get("order_id") is not None:
            first.setdefault(event["order_id"], event)
    return [o for o in first.values() if o["ts"] <= cutoff]


def _first_paid_amounts(payment_events: list[Event]) -> dict[Any, Decimal]:
    # A second `paid` for one order is a duplicate charge to refund, not more GMV.
    amounts: dict[Any, Decimal] = {}
    for event in payment_events:
        if event.get("status") == "paid" and event.get("order_id") is not None:
            amounts.setdefault(event["order_id"], to_decimal(event["amount"]))
    return amounts


def _inside(ts: datetime, intervals: list[Interval]) -> bool:
    return any(s <= ts < e for s, e in intervals)


def _by_product(
    of: Mapping[str, list[Event]], paid: list[Event], start: datetime, end: datetime, products: Catalogue,
    priced: Priced,
) -> dict[str, ProductCounts]:
    def product(sku: str) -> str:
        return products.get(sku, sku)

    clicks = [e for e in of["product_click"] if e.get("sku") is not None]
    toggles = [(e["ts"], e["type"] == "product_pin", _id_key(e.get("id")), product(e["sku"]))
               for e in of["product_pin"] + of["product_unpin"] if e.get("sku") is not None]
    pinned = single_pin_intervals(toggles, start, end)

    clicks_of: Counter[str] = Counter(product(e["sku"]) for e in clicks)
    clickers_of: dict[str, set[Any]] = defaultdict(set)
    pinned_clicks: Counter[str] = Counter()
    for e in clicks:
        if e.get("viewer_id") is not None:
            clickers_of[product(e["sku"])].add(e["viewer_id"])
        if _inside(e["ts"], pinned.get(product(e["sku"]), [])):
            pinned_clicks[product(e["sku"])] += 1

    orders_of: dict[str, set[Any]] = defaultdict(set)
    pinned_orders: dict[str, set[Any]] = defaultdict(set)
    units: Counter[str] = Counter()
    gmv: dict[str, Decimal] = defaultdict(Decimal)
    variants: dict[str, dict[str, list]] = defaultdict(dict)
    for order in paid:
        for sku, (qty, amount) in _lines(order, priced).items():
            owner = product(sku)
            orders_of[owner].add(order["order_id"])
            units[owner] += qty
            gmv[owner] += amount
            if sku != owner:
                row = variants[owner].setdefault(sku, [set(), 0, Decimal(0)])
                row[0].add(order["order_id"])
                row[1] += qty
                row[2] += amount
            if _inside(order["ts"], pinned.get(owner, [])):
                pinned_orders[owner].add(order["order_id"])

    return {
        sku: ProductCounts(
            clicks=clicks_of[sku],
            clickers=len(clickers_of[sku]),
            orders=len(orders_of[sku]),
            units=units[sku],
            gmv=gmv[sku],
            pinned_seconds=total_seconds(pinned.get(sku, [])),
            clicks_while_pinned=pinned_clicks[sku],
            orders_while_pinned=len(pinned_orders[sku]),
            variants={v: VariantCounts(len(ids), n, amount) for v, (ids, n, amount) in variants[sku].items()},
        )
        for sku in set(clicks_of) | set(pinned) | set(orders_of)
    }


def _lines(order: Event, priced: Priced) -> dict[str, tuple[int, Decimal]]:
    """Return an order's (units, line amount) by SKU; a SKU sent without unit_price counts its priced amount."""
    units: Counter[str] = Counter()
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    unpriced: set[str] = set()
    for line in order.get("items") or []:
        units[line["sku"]] += int(line["qty"])
        if line.get("unit_price") is None:
            unpriced.add(line["sku"])
        else:
            amounts[line["sku"]] += to_decimal(line["qty"]) * to_decimal(line["unit_price"])
    for sku in unpriced:
        amounts[sku] = priced.get((order["order_id"], sku), Decimal(0))
    return {sku: (units[sku], amounts[sku]) for sku in units}


def _by_source(paid: list[Event], paid_amount: Mapping[Any, Decimal]) -> dict[str, SourceCounts]:
    orders: Counter[str] = Counter()
    gmv: dict[str, Decimal] = defaultdict(Decimal)
    for order in paid:
        orders[order.get("source")] += 1
        gmv[order.get("source")] += paid_amount[order["order_id"]]
    return {src: SourceCounts(orders[src], gmv[src]) for src in orders if src is not None}


def _timeline(
    of: Mapping[str, list[Event]],
    online: list[Interval],
    orders: list[Event],
    paid: list[Event],
    paid_amount: Mapping[Any, Decimal],
    start: datetime,
    end: datetime,
) -> list[MinuteCounts]:
    minutes = minute_buckets(start, end)

    def slot(ts: datetime) -> int:
        return (floor_minute(clip(ts, start, end)) - minutes[0]) // timedelta(minutes=1)

    def per_minute(events: Iterable[Event]) -> Counter[int]:
        return Counter(slot(e["ts"]) for e in events)

    joins, chat = per_minute(of["viewer_join"]), per_minute(of["chat"])
    clicks = per_minute(of["product_click"])
    # Orders placed outside the broadcast (before it, or post-stream) have no minute.
    placed = per_minute(o for o in orders if start <= o["ts"] <= end)
    paid_gmv: dict[int, Decimal] = defaultdict(Decimal)
    for order in paid:
        if start <= order["ts"] <= end:
            paid_gmv[slot(order["ts"])] += paid_amount[order["order_id"]]

    starts, ends = sorted(s for s, _ in online), sorted(e for _, e in online)
    return drop_quiet_minutes([
        MinuteCounts(
            minute=minute,
            joins=joins[i],
            online=online_at(starts, ends, bucket_close(minute, end)),
            chat=chat[i],
            clicks=clicks[i],
            orders=placed[i],
            paid_gmv=paid_gmv[i],
        )
        for i, minute in enumerate(minutes)
    ])
