"""Broadcast metrics of issue 5: raw aggregate counts in, JSON-ready numbers out.

Every way of computing the metrics (SQL aggregates, the plain-Python reference, the pandas
recompute) first produces a :class:`BaseCounts`, then calls :func:`finalize`, so each ratio,
rounding and null rule is written once, here. Definitions: docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

DEFAULT_ATTRIBUTION_WINDOW = timedelta(days=7)
SOURCES: tuple[str, ...] = ("in_stream", "product_link", "post_stream")
RATE_PLACES = 4
SECONDS_PLACES = 1
MONEY_PLACES = 2

Number = int | float | Decimal


@dataclass(frozen=True)
class VariantCounts:
    """Paid orders, units and line amounts of one variant SKU of a product."""

    orders: int = 0
    units: int = 0
    gmv: Decimal = Decimal(0)


@dataclass(frozen=True)
class ProductCounts:
    """Raw counts of one product (variants rolled up); ``orders``, ``units`` and ``gmv`` cover paid orders only."""

    clicks: int = 0
    clickers: int = 0
    orders: int = 0
    units: int = 0
    gmv: Decimal = Decimal(0)
    pinned_seconds: Decimal = Decimal(0)
    clicks_while_pinned: int = 0
    orders_while_pinned: int = 0
    variants: Mapping[str, VariantCounts] = field(default_factory=dict)


@dataclass(frozen=True)
class FunnelCounts:
    """People at each step of the funnel, each step a subset of the one before (docs/metrics.md "Funnel").

    ``viewers`` joined, clicked or placed an attributed order; ``clickers`` clicked or ordered; ``buyers``
    placed an attributed order; ``paying_buyers`` have a paid one. ``buyers_not_joined`` and
    ``buyers_not_clicked`` say how many buyers were counted as viewers or clickers without the event.
    """

    viewers: int = 0
    clickers: int = 0
    buyers: int = 0
    paying_buyers: int = 0
    buyers_not_joined: int = 0
    buyers_not_clicked: int = 0


@dataclass(frozen=True)
class SourceCounts:
    """Paid orders of one order source and their paid amounts."""

    orders: int = 0
    gmv: Decimal = Decimal(0)


@dataclass(frozen=True)
class MinuteCounts:
    """Raw counts of one timeline minute (``minute`` is its aware UTC start)."""

    minute: datetime
    joins: int = 0
    online: int = 0
    chat: int = 0
    clicks: int = 0
    orders: int = 0
    paid_gmv: Decimal = Decimal(0)


@dataclass(frozen=True)
class BaseCounts:
    """Raw aggregates of one broadcast, before any ratio or rounding.

    ``total_online_seconds`` is the exact sum of all viewers' online time;
    ``buyer_clickers`` the number of buyers whose id is also a product clicker's viewer id.
    """

    views: int
    unique_viewers: int
    total_online_seconds: Decimal
    peak_concurrent_viewers: int
    product_clickers: int
    orders: int
    paid_orders: int
    buyers: int
    gmv: Decimal
    buyer_clickers: int
    by_product: Mapping[str, ProductCounts] = field(default_factory=dict)
    by_source: Mapping[str, SourceCounts] = field(default_factory=dict)
    timeline: Sequence[MinuteCounts] = ()
    attribution_window: timedelta = DEFAULT_ATTRIBUTION_WINDOW
    funnel: FunnelCounts = FunnelCounts()
    # After-sales, read from the back office's refund ledger (analytics/sql/refunds.py); the event log has none.
    refunded: Decimal = Decimal(0)
    refunded_orders: int = 0
    returned_orders: int = 0


def to_decimal(value: Number | str) -> Decimal:
    """Return ``value`` as a Decimal; a float goes through its repr so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _divide(num: Number, den: Number) -> Decimal | None:
    denominator = to_decimal(den)
    if denominator == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28  # pinned so a caller's context cannot change results
        return to_decimal(num) / denominator


def money(amount: Number | str) -> str:
    """Return ``amount`` as a string with exactly 2 decimals, rounded half up ("12.35")."""
    return str(_quantize(to_decimal(amount), MONEY_PLACES))


def ratio(num: Number, den: Number, places: int = RATE_PLACES) -> float | None:
    """Return ``num ÷ den`` rounded half up to ``places`` decimals, or None when ``den`` is 0."""
    quotient = _divide(num, den)
    return None if quotient is None else float(_quantize(quotient, places))


def money_ratio(num: Number, den: Number) -> str | None:
    """Return ``num ÷ den`` as a money string, or None when ``den`` is 0."""
    quotient = _divide(num, den)
    return None if quotient is None else money(quotient)


def seconds(value: Number) -> float:
    """Return a duration in seconds rounded half up to 1 decimal."""
    return float(_quantize(to_decimal(value), SECONDS_PLACES))


def finalize(counts: BaseCounts, timeline: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return the JSON-ready metrics dict of a broadcast from its raw counts.

    Rates are floats rounded half up to 4 decimals, money is a 2-decimal string, durations
    are floats with 1 decimal; any ratio with a zero denominator is None. timeline: the rows of
    ``counts.timeline`` already made JSON-ready by minute_row (the live push keeps them between pushes).
    """
    c = counts
    avg_watch = _divide(c.total_online_seconds, c.unique_viewers)
    # Rates over people use the funnel's viewers (who include buyers who never joined), so none exceeds 1.
    reached = c.funnel.viewers
    return {
        "views": c.views,
        "unique_viewers": c.unique_viewers,
        "peak_concurrent_viewers": c.peak_concurrent_viewers,
        "avg_watch_seconds": None if avg_watch is None else seconds(avg_watch),
        "total_watch_seconds": seconds(c.total_online_seconds),
        "product_clickers": c.product_clickers,
        "click_rate": ratio(c.product_clickers, reached),
        "orders": c.orders,
        "paid_orders": c.paid_orders,
        "buyers": c.buyers,
        "gmv": money(c.gmv),
        "net_gmv": money(to_decimal(c.gmv) - to_decimal(c.refunded)),
        "refunded": money(c.refunded),
        "refunded_orders": c.refunded_orders,
        "refund_rate": ratio(c.refunded_orders, c.paid_orders),
        "returned_orders": c.returned_orders,
        "return_rate": ratio(c.returned_orders, c.paid_orders),
        "gpm": money_ratio(to_decimal(c.gmv) * 1000, c.views),
        "gpm_per_viewer": money_ratio(to_decimal(c.gmv) * 1000, c.unique_viewers),
        "uv_value": money_ratio(c.gmv, c.unique_viewers),
        "aov": money_ratio(c.gmv, c.buyers),
        "aov_per_paid_order": money_ratio(c.gmv, c.paid_orders),
        "conversion_rate": ratio(c.buyers, reached),
        "click_to_buy_rate": ratio(c.buyer_clickers, c.product_clickers),
        "by_product": {sku: _product(c.by_product[sku]) for sku in sorted(c.by_product)},
        "by_source": _sources(c.by_source),
        "funnel": _funnel(c.funnel),
        "timeline": list(timeline) if timeline is not None else [minute_row(row) for row in c.timeline],
        "attribution_window_days": c.attribution_window / timedelta(days=1),
    }


def _product(p: ProductCounts) -> dict[str, Any]:
    return {
        "clicks": p.clicks,
        "clickers": p.clickers,
        "orders": p.orders,
        "units": p.units,
        "gmv": money(p.gmv),
        "pinned_seconds": seconds(p.pinned_seconds),
        "clicks_while_pinned": p.clicks_while_pinned,
        "orders_while_pinned": p.orders_while_pinned,
        "variants": {sku: {"orders": v.orders, "units": v.units, "gmv": money(v.gmv)}
                     for sku, v in sorted(p.variants.items())},
    }


def _funnel(f: FunnelCounts) -> dict[str, Any]:
    steps = {"viewers": f.viewers, "clickers": f.clickers, "buyers": f.buyers, "paying_buyers": f.paying_buyers}
    names = list(steps)
    # Each step over the one before: never above 1, because each step is a subset of the one before.
    rates = {name: ratio(steps[name], steps[before]) for before, name in zip(names, names[1:])}
    return {**steps, "step_rates": rates, "buyers_not_joined": f.buyers_not_joined,
            "buyers_not_clicked": f.buyers_not_clicked}


def _sources(by_source: Mapping[str, SourceCounts]) -> dict[str, dict[str, Any]]:
    # The three known sources always appear, so a chart never has to guess a missing key.
    keys = list(SOURCES) + sorted(set(by_source) - set(SOURCES))
    rows = {key: by_source.get(key, SourceCounts()) for key in keys}
    return {key: {"orders": row.orders, "gmv": money(row.gmv)} for key, row in rows.items()}


def minute_row(row: MinuteCounts) -> dict[str, Any]:
    """Return one timeline row as JSON-ready data (money as a 2-decimal string)."""
    return {
        "minute": row.minute.isoformat(),
        "joins": row.joins,
        "online": row.online,
        "chat": row.chat,
        "clicks": row.clicks,
        "orders": row.orders,
        "paid_gmv": money(row.paid_gmv),
    }


def drop_quiet_minutes(rows: Sequence[MinuteCounts]) -> list[MinuteCounts]:
    """Return the timeline rows worth listing: the first, the last, and every minute where something happened.

    A quiet minute (no join, chat, click or order, and the same ``online`` as the minute before) is left
    out: a reader fills it in with zeros and the previous row's ``online``. So a long broadcast costs its
    minutes with events, never one row per empty minute.
    """
    kept: list[MinuteCounts] = []
    for i, row in enumerate(rows):
        quiet = (kept and not (row.joins or row.chat or row.clicks or row.orders or row.paid_gmv)
                 and row.online == kept[-1].online)
        if not quiet or i == len(rows) - 1:
            kept.append(row)
    return kept
