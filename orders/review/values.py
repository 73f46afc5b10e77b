"""What a review stores, as plain values (pure): priced lines, totals, timers, findings and buyer notices.

orders/review/step.py sets these on ORM objects (one stored order), orders/intake/batch.py writes them as rows (a batch
of new orders); computing them in one place keeps the two paths giving the same orders.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.db import quantize_money
from orders.audit import Finding, PricedLine, PricingResult
from orders.audit.findings import asks_buyer, needs_info_key


@dataclass(frozen=True)
class NoticeRequest:
    """A buyer notice a review asks for: its kind, template context and dedupe key."""

    kind: str
    context: dict
    dedupe: str = ""


def plain(value: Any) -> Any:
    """Return value with Decimals and other non-JSON scalars as strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def finding_values(finding: Finding) -> dict:
    """Return the stored columns of one finding (code, severity, field, message, data)."""
    return {"code": finding.code, "severity": finding.severity, "field": finding.field,
            "message": dict(finding.message), "data": plain(dict(finding.data))}


def priced_line_values(priced: PricedLine) -> dict:
    """Return the line columns the audit's pricing sets."""
    return {"list_price": priced.list_price, "unit_price": priced.unit_price, "promotion": priced.promotion,
            "order_discount": priced.order_discount, "line_total": priced.total}


def order_amounts(lines: Iterable[tuple[Decimal | None, Decimal, int, Decimal]]) -> dict:
    """Return subtotal (at list prices), total and discount of lines given as (list_price, unit_price, qty, line_total)."""
    priced_total, list_total = Decimal("0"), Decimal("0")
    for list_price, unit_price, qty, line_total in lines:
        priced_total += line_total
        list_total += (list_price or unit_price) * qty
    subtotal, total = quantize_money(list_total), quantize_money(priced_total)
    return {"subtotal": subtotal, "total": total, "discount": max(subtotal - total, Decimal("0"))}


def pricing_record(pricing: PricingResult) -> dict:
    """Return why each promotion applied or not, and the counters taken, as stored in Order.pricing."""
    return {
        "outcomes": [
            {"code": o.code, "kind": o.kind, "applied": o.applied, "amount": str(o.amount), "reason": o.reason,
             "message": dict(o.message)} for o in pricing.outcomes
        ],
        "consumes": [{"code": c.code, "counter": c.counter, "amount": c.amount} for c in pricing.consumes],
    }


def status_timers(status: str, now: datetime, reservation_minutes: int, waitlisted_at: datetime | None,
                  held_at: datetime | None, *, reserved: bool | None = None, in_line: bool | None = None,
                  reserved_until: datetime | None = None) -> dict:
    """Return reserved_until, waitlisted_at and held_at for an order moving to status (running timers are kept).

    reserved (default: accepted) starts the reservation timer: an accepted order's for payment, a held order's
    for the audit, each expiring unpaid like the other; a held order's running timer (reserved_until) is kept,
    so a re-audit does not extend it, only an auditor does. in_line (default: waitlisted) keeps or starts the
    FIFO position: a held order with no stock is waitlisted too.
    """
    reserved = status == "accepted" if reserved is None else reserved
    in_line = status == "waitlisted" if in_line is None else in_line
    timer = None
    if reserved and status == "accepted":
        timer = now + timedelta(minutes=reservation_minutes)
    elif reserved and status == "held":
        timer = reserved_until or now + timedelta(minutes=reservation_minutes)
    return {
        "reserved_until": timer,
        "waitlisted_at": (waitlisted_at or now) if in_line else None,
        "held_at": (held_at or now) if status == "held" else None,
    }


def status_reason(findings: Sequence[Finding]) -> str | None:
    """Return the blocking finding codes as the reason of a status change, or None."""
    return ", ".join(f.code for f in findings if f.severity == "block") or None


def review_notices(status: str, total: Decimal, pricing: dict | None, findings: Sequence[Finding]) -> list[NoticeRequest]:
    """Return the buyer notices of a review outcome, in the order they are queued."""
    if status == "accepted":
        received: dict[str, Any] = {"total": str(total)}
        refused = [dict(f.message) for f in findings if f.code == "coupon_refused"]
        if refused:
            received["refused"] = refused
        notices = [NoticeRequest("received", received)]
        applied = [o for o in (pricing or {}).get("outcomes", []) if o["applied"]]
        if applied:
            notices.append(NoticeRequest("promotion_applied",
                                         {"promotions": [{"code": o["code"], "amount": o["amount"]} for o in applied]}))
        return notices
    if status == "held":
        asks = [{"code": f.code, "field": f.field, "message": dict(f.message)} for f in findings if asks_buyer(f)]
        if not asks:
            return []
        return [NoticeRequest("needs_info", {"findings": asks}, dedupe=needs_info_key(asks))]
    if status == "waitlisted":
        return [NoticeRequest("waitlisted", {"skus": sorted({f.data["sku"] for f in findings if f.code == "stock_short"})})]
    if status == "rejected":
        return [NoticeRequest("rejected", {"codes": [f.code for f in findings if f.severity == "block"]})]
    return []
