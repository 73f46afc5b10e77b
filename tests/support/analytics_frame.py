"""The naive pandas baseline: the broadcast metrics recomputed over a DataFrame of every event.

bench/analytics.py times the SQL path against it: it loads the whole log and recomputes everything with
vectorised pandas operations. The equivalence tests check it equals tests.support.analytics_reference exactly.
Test support, not product: nothing under analytics/ may import it. Frame schema: :data:`COLUMNS` (build one
with :func:`events_to_frame`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from analytics.metrics.definitions import (DEFAULT_ATTRIBUTION_WINDOW, BaseCounts, FunnelCounts, MinuteCounts,
    ProductCounts, SourceCounts, VariantCounts, drop_quiet_minutes, finalize, to_decimal)
from analytics.metrics.online import (bucket_close, micros_to_seconds, minute_buckets, resolve_period,
    single_pin_intervals)

COLUMNS: tuple[str, ...] = (
    *("id", "type", "ts", "viewer_id", "nickname", "text", "sku", "order_id"),
    *("source", "buyer_id", "status", "amount", "reason", "items"),
)
_KEYS = ("id", "type", "viewer_id", "sku", "order_id", "source", "buyer_id", "status")
_US = pd.Timedelta(microseconds=1)
_MIN = pd.Timedelta(minutes=1)


def events_to_frame(events: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return a DataFrame with :data:`COLUMNS` from event dicts (``buyer.id`` → ``buyer_id``)."""
    rows = list(events)
    data: dict[str, Any] = {c: [e.get(c) for e in rows] for c in COLUMNS}
    data["buyer_id"] = [(e.get("buyer") or {}).get("id") for e in rows]
    data["ts"] = pd.to_datetime(pd.Series(data["ts"], dtype=object), utc=True)
    for column in ("amount", "items"):
        data[column] = pd.Series(data[column], dtype=object)
    return pd.DataFrame(data)


def compute_metrics_pandas(
    df: pd.DataFrame,
    started_at: datetime,
    ended_at: datetime | None,
    now: datetime | None = None,
    attribution_window: timedelta = DEFAULT_ATTRIBUTION_WINDOW,
    products: Mapping[str, str] | None = None,
    priced: Mapping[tuple[str, str], Decimal] | None = None,
) -> dict[str, Any]:
    """Return the finalized metrics dict of one broadcast recomputed from its events frame.

    ``products`` and ``priced`` as in tests.support.analytics_reference.compute_metrics_reference.
    """
    return finalize(frame_counts(df, started_at, ended_at, now, attribution_window, products, priced))


def _decimal_sum(values: Iterable[Any]) -> Decimal:
    return sum((to_decimal(v) for v in values), Decimal(0))


def _intervals(
    log: pd.DataFrame, key: str, on: str, off: str, t0: pd.Timestamp, t1: pd.Timestamp
) -> pd.DataFrame:
    """Return ``key, s, e`` rows: the non-empty on/off intervals per key (see toggle_intervals)."""
    ev = log.loc[log["type"].isin([on, off]) & log[key].notna(), [key, "ts", "type"]]
    if ev.empty:
        return pd.DataFrame({key: pd.Series([], dtype=object), "s": t0, "e": t0}).iloc[:0]
    ev = ev.assign(on=ev["type"] == on).sort_values([key, "ts", "on"], kind="stable")
    # The state after an event is simply "was it an on"; a switch is where that changes.
    was_on = ev.groupby(key, sort=False)["on"].shift(1, fill_value=False).astype(bool)
    opens, closes = ev[ev["on"] & ~was_on], ev[~ev["on"] & was_on]
    opens = opens.assign(n=opens.groupby(key).cumcount())[[key, "n", "ts"]]
    closes = closes.assign(n=closes.groupby(key).cumcount())[[key, "n", "ts"]]
    pairs = opens.merge(closes, on=[key, "n"], how="left", suffixes=("_s", "_e"))
    out = pd.DataFrame(
        {
            key: pairs[key],
            "s": pairs["ts_s"].clip(t0, t1),
            "e": pairs["ts_e"].fillna(t1).clip(t0, t1),
        }
    )
    return out[out["s"] < out["e"]]


def _micros(intervals: pd.DataFrame) -> pd.Series:
    return (intervals["e"] - intervals["s"]) // _US


def _peak(intervals: pd.DataFrame) -> int:
    if intervals.empty:
        return 0
    deltas = pd.concat([pd.Series(1, index=intervals["s"]), pd.Series(-1, index=intervals["e"])])
    return max(int(deltas.groupby(level=0).sum().sort_index().cumsum().max()), 0)


def _naive_utc(values: pd.Series) -> np.ndarray:
    """Return sorted naive-UTC microsecond datetimes, the form np.searchsorted compares."""
    return np.sort(values.dt.tz_convert(None).to_numpy().astype("datetime64[us]"))


def frame_counts(
    df: pd.DataFrame,
    started_at: datetime,
    ended_at: datetime | None,
    now: datetime | None = None,
    attribution_window: timedelta = DEFAULT_ATTRIBUTION_WINDOW,
    products: Mapping[str, str] | None = None,
    priced: Mapping[tuple[str, str], Decimal] | None = None,
) -> BaseCounts:
    """Return the raw counts of one broadcast computed with pandas over the events frame."""
    start, end = resolve_period(started_at, ended_at, now)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    first_delivery = df["id"].isna() | ~df.duplicated("id", keep="first")
    # Object keys merge the same whether a column came in as str, object or empty float.
    log = df[first_delivery].astype({c: object for c in _KEYS})
    log = log.assign(_key=log["id"].map(lambda v: "" if pd.isna(v) else str(v)))
    log = log.sort_values(["ts", "_key"], kind="stable")
    kind = log["type"]

    joins = log[kind == "viewer_join"]
    online = _intervals(log, "viewer_id", "viewer_join", "viewer_leave", t0, t1)
    clicks = log[kind == "product_click"]
    clickers = set(clicks["viewer_id"].dropna())

    orders = log[(kind == "order") & log["order_id"].notna()].drop_duplicates("order_id")
    orders = orders[orders["ts"] <= t1 + pd.Timedelta(attribution_window)]
    payments = log[(kind == "payment") & (log["status"] == "paid") & log["order_id"].notna()]
    first_paid = payments.drop_duplicates("order_id")[["order_id", "amount"]]
    cancelled = log.loc[kind == "order_cancel", "order_id"]
    paid = orders.drop(columns="amount").merge(first_paid, on="order_id")
    paid = paid[~paid["order_id"].isin(cancelled)]
    buyers = set(paid["buyer_id"].dropna())
    orderers = set(orders["buyer_id"].dropna())
    viewers = set(joins["viewer_id"].dropna())

    return BaseCounts(
        views=len(joins),
        unique_viewers=int(joins["viewer_id"].nunique()),
        total_online_seconds=micros_to_seconds(int(_micros(online).sum())),
        peak_concurrent_viewers=_peak(online),
        product_clickers=len(clickers),
        orders=len(orders),
        paid_orders=len(paid),
        buyers=len(buyers),
        gmv=_decimal_sum(paid["amount"]),
        buyer_clickers=len(buyers & clickers),
        by_product=_by_product(log, clicks, paid, t0, t1, products or {}, priced or {}),
        by_source={
            str(src): SourceCounts(len(group), _decimal_sum(group["amount"]))
            for src, group in paid.groupby("source")
        },
        timeline=_timeline(log, online, orders, paid, start, end),
        attribution_window=attribution_window,
        funnel=FunnelCounts(
            viewers=len(viewers | clickers | orderers), clickers=len(clickers | orderers), buyers=len(orderers),
            paying_buyers=len(buyers), buyers_not_joined=len(orderers - viewers),
            buyers_not_clicked=len(orderers - clickers)),
    )


def _by_product(
    log: pd.DataFrame, clicks: pd.DataFrame, paid: pd.DataFrame, t0: pd.Timestamp, t1: pd.Timestamp,
    products: Mapping[str, str], priced: Mapping[tuple[str, str], Decimal],
) -> dict[str, ProductCounts]:
    def owner(sku: Any) -> Any:
        return products.get(sku, sku)

    clicks = clicks[clicks["sku"].notna()]
    clicks = clicks.assign(sku=clicks["sku"].map(owner))
    toggles = log[log["type"].isin(["product_pin", "product_unpin"]) & log["sku"].notna()]
    # One product pinned at a time: a walk over the few pin events, shared with the reference.
    spans = single_pin_intervals(
        zip(toggles["ts"].map(pd.Timestamp.to_pydatetime), toggles["type"] == "product_pin", toggles["_key"],
            toggles["sku"].map(owner)), t0.to_pydatetime(), t1.to_pydatetime())
    flat = [(sku, a, b) for sku, intervals in spans.items() for a, b in intervals]
    pins = pd.DataFrame({"sku": pd.Series([f[0] for f in flat], dtype=object),
                         "s": pd.to_datetime(pd.Series([f[1] for f in flat], dtype=object), utc=True),
                         "e": pd.to_datetime(pd.Series([f[2] for f in flat], dtype=object), utc=True)})

    lines = paid[["order_id", "ts", "items"]].explode("items").dropna(subset=["items"])
    lines = lines.assign(
        variant=lines["items"].map(lambda line: line["sku"]),
        qty=lines["items"].map(lambda line: int(line["qty"])),
        unpriced=lines["items"].map(lambda line: line.get("unit_price") is None),
        amount=lines["items"].map(lambda line: Decimal(0) if line.get("unit_price") is None
                                  else to_decimal(line["qty"]) * to_decimal(line["unit_price"])),
    )
    lines = lines.groupby(["order_id", "ts", "variant"], as_index=False).agg(
        qty=("qty", "sum"), unpriced=("unpriced", "any"), amount=("amount", _decimal_sum))
    # A SKU with an item sent without unit_price counts the line amount the order was priced at.
    lines = lines.assign(sku=lines["variant"].map(owner), amount=[
        priced.get((o, v), Decimal(0)) if u else a
        for o, v, u, a in zip(lines["order_id"], lines["variant"], lines["unpriced"], lines["amount"])])
    by_line = lines.groupby("sku")
    by_click = clicks.groupby("sku")

    def while_pinned(frame: pd.DataFrame) -> pd.DataFrame:
        hits = frame.merge(pins, on="sku")
        return hits[(hits["s"] <= hits["ts"]) & (hits["ts"] < hits["e"])]

    stats = {
        "clicks": by_click.size(),
        "clickers": by_click["viewer_id"].nunique(),
        "orders": by_line["order_id"].nunique(),
        "units": by_line["qty"].sum(),
        "clicks_while_pinned": while_pinned(clicks[["sku", "ts"]]).groupby("sku").size(),
        "orders_while_pinned": while_pinned(lines[["sku", "ts", "order_id"]])
        .groupby("sku")["order_id"]
        .nunique(),
    }
    gmv = by_line["amount"].agg(_decimal_sum)
    pinned = pins.assign(us=_micros(pins)).groupby("sku")["us"].sum()
    sold = lines[lines["variant"] != lines["sku"]].groupby(["sku", "variant"])
    variants: dict[Any, dict[str, VariantCounts]] = {}
    for (sku, variant), group in sold:
        variants.setdefault(sku, {})[str(variant)] = VariantCounts(
            int(group["order_id"].nunique()), int(group["qty"].sum()), _decimal_sum(group["amount"]))

    skus = set(clicks["sku"]) | set(spans) | set(lines["sku"])

    def product(sku: Any) -> ProductCounts:
        n = {name: int(series.get(sku, 0)) for name, series in stats.items()}
        return ProductCounts(
            clicks=n["clicks"],
            clickers=n["clickers"],
            orders=n["orders"],
            units=n["units"],
            gmv=gmv.get(sku, Decimal(0)),
            pinned_seconds=micros_to_seconds(int(pinned.get(sku, 0))),
            clicks_while_pinned=n["clicks_while_pinned"],
            orders_while_pinned=n["orders_while_pinned"],
            variants=variants.get(sku, {}),
        )

    return {str(sku): product(sku) for sku in skus}


def _timeline(
    log: pd.DataFrame,
    online: pd.DataFrame,
    orders: pd.DataFrame,
    paid: pd.DataFrame,
    start: datetime,
    end: datetime,
) -> list[MinuteCounts]:
    minutes = minute_buckets(start, end)
    t0, t1, first = pd.Timestamp(start), pd.Timestamp(end), pd.Timestamp(minutes[0])
    index = pd.RangeIndex(len(minutes))

    def slot(ts: pd.Series) -> pd.Series:
        return (ts.clip(t0, t1).dt.floor("min") - first) // _MIN

    def per_minute(frame: pd.DataFrame) -> pd.Series:
        return slot(frame["ts"]).value_counts().reindex(index, fill_value=0)

    kind = log["type"]
    joins, chat = per_minute(log[kind == "viewer_join"]), per_minute(log[kind == "chat"])
    clicks = per_minute(log[kind == "product_click"])
    placed = per_minute(orders[orders["ts"].between(t0, t1)])
    paid_in = paid[paid["ts"].between(t0, t1)]
    paid_gmv = paid_in.groupby(slot(paid_in["ts"]))["amount"].agg(_decimal_sum)

    starts, ends = _naive_utc(online["s"]), _naive_utc(online["e"])
    closes = _naive_utc(pd.Series([pd.Timestamp(bucket_close(m, end)) for m in minutes]))
    # Open just before a close: started before it and not ended before it (online_at).
    now_online = np.searchsorted(starts, closes, "left") - np.searchsorted(ends, closes, "left")
    return drop_quiet_minutes([
        MinuteCounts(
            minute=minute,
            joins=int(joins.iloc[i]),
            online=int(now_online[i]),
            chat=int(chat.iloc[i]),
            clicks=int(clicks.iloc[i]),
            orders=int(placed.iloc[i]),
            paid_gmv=paid_gmv.get(i, Decimal(0)),
        )
        for i, minute in enumerate(minutes)
    ])
