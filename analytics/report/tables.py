"""The post-broadcast report: metrics plus watch-time histogram, source split and comparison, as tables."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from analytics import service
from analytics.models import OnlineEdge
from analytics.report.refunds import aftersales_tables
from analytics.rollups.facts import to_us
from app.db import utcnow
from live.models import Broadcast

DEFAULT_COMPARE = 5
MAX_COMPARE = 20
# Upper bounds (seconds) of the watch-time buckets; the last bucket is open.
WATCH_BOUNDS = (10, 30, 60, 180, 600, 1800, 3600)
WATCH_LABELS = (_l("under 10 s"), _l("10–30 s"), _l("30 s–1 min"), _l("1–3 min"), _l("3–10 min"),
                _l("10–30 min"), _l("30–60 min"), _l("1 h or more"))
COMPARED = ("views", "unique_viewers", "peak_concurrent_viewers", "avg_watch_seconds", "click_rate",
            "conversion_rate", "orders", "paid_orders", "buyers", "gmv", "aov", "aov_per_paid_order", "gpm",
            "gpm_per_viewer")
TABLES: dict[str, tuple[str, ...]] = {
    "by_product": ("sku", "clicks", "clickers", "orders", "units", "gmv", "pinned_seconds", "clicks_while_pinned",
                   "orders_while_pinned", "variant"),
    "by_source": ("source", "orders", "gmv"),
    "timeline": ("minute", "joins", "online", "chat", "clicks", "orders", "paid_gmv"),
    "comparison": ("broadcast_id", "title", "started_at", "ended_at", *COMPARED),
}


def watch_histogram(session: Session, broadcast: Broadcast, now: datetime | None = None) -> list[dict[str, Any]]:
    """Return how many viewers watched how long within the period, one row per bucket (label, count).

    Each viewer's seconds are summed in SQL from their edges: a +1 at t adds (end - t), a -1 takes it
    back, with t clipped to the period. O(edges): for the report, not the live push.
    """
    start, end = service.period(broadcast, now)
    s, e = to_us(start), to_us(end)
    edge = OnlineEdge.__table__
    clipped = sa.case((edge.c.ts_us < s, s), (edge.c.ts_us > e, e), else_=edge.c.ts_us)
    per_viewer = (sa.select(sa.func.sum(edge.c.delta * (e - clipped)).label("us"))
                  .where(edge.c.broadcast_id == broadcast.id).group_by(edge.c.viewer_id).subquery())
    bucket = sa.case(*((per_viewer.c.us < bound * 1_000_000, i) for i, bound in enumerate(WATCH_BOUNDS)),
                     else_=len(WATCH_BOUNDS))
    counts = dict(session.execute(sa.select(bucket, sa.func.count()).group_by(bucket)).all())
    return [{"bucket": str(label), "viewers": int(counts.get(i, 0))} for i, label in enumerate(WATCH_LABELS)]


def _compared(broadcast: Broadcast, metrics: dict[str, Any]) -> dict[str, Any]:
    return {"broadcast_id": broadcast.id, "title": broadcast.title,
            "started_at": broadcast.started_at.isoformat() if broadcast.started_at else None,
            "ended_at": broadcast.ended_at.isoformat() if broadcast.ended_at else None,
            **{name: metrics[name] for name in COMPARED}}


def comparison(session: Session, broadcast: Broadcast, metrics: dict[str, Any], count: int, days: int,
               now: datetime) -> list[dict[str, Any]]:
    """Return this broadcast's headline numbers, then those of the `count` broadcasts started before it."""
    earlier = session.scalars(sa.select(Broadcast).where(
        Broadcast.started_at.is_not(None), Broadcast.started_at < broadcast.started_at, Broadcast.id != broadcast.id,
    ).order_by(Broadcast.started_at.desc(), Broadcast.id.desc()).limit(count)).all()
    rows = [_compared(broadcast, metrics)]
    rows += [_compared(other, service.broadcast_metrics(session, other, days, now)) for other in earlier]
    return rows


def product_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one row per product (variant empty), each followed by one row per variant it sold."""
    rows = []
    for sku, product in metrics["by_product"].items():
        rows.append({"sku": sku, "variant": "", **{k: v for k, v in product.items() if k != "variants"}})
        rows += [{"sku": sku, "variant": variant, **row} for variant, row in product["variants"].items()]
    return rows


def tables(metrics: dict[str, Any], compared: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return the rows of every exportable table, keyed by table name (see TABLES for the columns)."""
    return {
        "by_product": product_rows(metrics),
        "by_source": [{"source": source, **row} for source, row in metrics["by_source"].items()],
        "timeline": list(metrics["timeline"]),
        "comparison": compared,
    }


def table_rows(session: Session, broadcast: Broadcast, table: str, days: int = service.DEFAULT_ATTRIBUTION_DAYS,
               compare: int = DEFAULT_COMPARE, now: datetime | None = None) -> list[dict[str, Any]]:
    """Return the rows of one report table (the comparison is computed only when asked for)."""
    now = now or utcnow()
    metrics = service.broadcast_metrics(session, broadcast, days, now)
    compared = comparison(session, broadcast, metrics, compare, days, now) if table == "comparison" else []
    return tables(metrics, compared)[table]


def build_report(session: Session, broadcast: Broadcast, days: int = service.DEFAULT_ATTRIBUTION_DAYS,
                 compare: int = DEFAULT_COMPARE, now: datetime | None = None) -> dict[str, Any]:
    """Return everything the report shows: broadcast, metrics, pinned intervals, histogram and tables."""
    now = now or utcnow()
    metrics = service.broadcast_metrics(session, broadcast, days, now)
    compared = comparison(session, broadcast, metrics, compare, days, now)
    return {
        "broadcast": {"id": broadcast.id, "title": broadcast.title, "status": broadcast.status,
                      "started_at": broadcast.started_at.isoformat(),
                      "ended_at": broadcast.ended_at.isoformat() if broadcast.ended_at else None},
        "attribution_days": days,
        "metrics": metrics,
        "pinned": service.pinned_list(session, broadcast, now),
        "watch_histogram": watch_histogram(session, broadcast, now),
        "tables": tables(metrics, compared),
        "aftersales": aftersales_tables(session, broadcast, metrics, days, now),
        "generated_at": now.isoformat(),
    }
