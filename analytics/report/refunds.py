"""Refunds and returns of a broadcast as report tables: per product (refund and return rates, return reasons) and
per case reason. Definitions: docs/metrics.md "Refunds and returns"; the reads: analytics/sql/refunds.py."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from analytics import service
from analytics.metrics.definitions import money, ratio
from analytics.sql import refunds
from live.models import Broadcast
from orders.aftersales.models import CASE_REASONS
from orders.aftersales.models import REASON_LABELS

PRODUCT_COLUMNS = ("sku", "paid_orders", "refunded_orders", "refund_rate", "refunded", "returned_orders",
                   "returned_units", "return_rate", *(f"returns_{reason}" for reason in CASE_REASONS))
REASON_COLUMNS = ("reason", "cases", "returns", "refunded")
REFUND_TABLES: dict[str, tuple[str, ...]] = {"refunds": PRODUCT_COLUMNS, "refund_reasons": REASON_COLUMNS}


def product_rows(metrics: dict[str, Any], found: dict[str, refunds.ProductAftersales]) -> list[dict[str, Any]]:
    """Return one row per product that sold or came back: its paid orders (from the metrics), refunds and returns,
    and its returns per reason (columns returns_<reason>)."""
    rows = []
    for sku in sorted(set(metrics["by_product"]) | set(found)):
        paid = metrics["by_product"].get(sku, {}).get("orders", 0)
        product = found.get(sku) or refunds.ProductAftersales()
        if not paid and not product.refunded_orders and not product.returned_orders:
            continue  # clicked or pinned only
        rows.append({
            "sku": sku, "paid_orders": paid, "refunded_orders": len(product.refunded_orders),
            "refund_rate": ratio(len(product.refunded_orders), paid), "refunded": money(product.refunded),
            "returned_orders": len(product.returned_orders), "returned_units": product.returned_units,
            "return_rate": ratio(len(product.returned_orders), paid),
            **{f"returns_{reason}": product.reasons.get(reason, 0) for reason in CASE_REASONS}})
    return rows


def reason_rows(found: dict[str, refunds.ReasonAftersales]) -> list[dict[str, Any]]:
    """Return one row per case reason that occurred: cases, returns among them, goods amount refunded."""
    order = {reason: i for i, reason in enumerate(CASE_REASONS)}
    return [{"reason": reason, "cases": row.cases, "returns": row.returns, "refunded": money(row.refunded)}
            for reason, row in sorted(found.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))]


def aftersales_tables(session: Session, broadcast: Broadcast, metrics: dict[str, Any],
                      days: int = service.DEFAULT_ATTRIBUTION_DAYS, now: datetime | None = None
                      ) -> dict[str, list[dict[str, Any]]]:
    """Return the broadcast's refunds and returns tables ("refunds" per product, "refund_reasons" per reason),
    over the same paid orders as its metrics (placed up to the attribution window's end)."""
    _start, end = service.period(broadcast, now)
    cutoff = service.attribution_cutoff_us(end, timedelta(days=days))
    return {"refunds": product_rows(metrics, refunds.by_product(session, broadcast.id, cutoff)),
            "refund_reasons": reason_rows(refunds.by_reason(session, broadcast.id, cutoff))}


def reason_label(reason: str) -> str:
    """Return the reader's words for a case reason (the code itself when unknown)."""
    return str(REASON_LABELS.get(reason, reason))

