"""The review step between "received" and the push: run the audit, price, reserve, decide, tell the buyer.

review_order is the one place an order's audit outcome is applied; the back office calls it again after
an edit, and the waitlist calls accept_if_stock when stock comes back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import quantize_money
from orders import history, inventory
from orders.audit import AuditResult, Finding, check_stock, decide, run_audit
from orders.audit_context import buyer_history, catalog_view, claim_view, draft_of, load_blocklist, load_policy
from orders.models import Order, OrderFinding
from orders.notices.service import queue_notice
from orders.promotions import service as promotions

# A promotion counter can run out between pricing and consuming; then the order is priced again.
PRICING_ATTEMPTS = 3


@dataclass
class ReviewOutcome:
    """The status an order moved to and the SKUs whose stock changed on the way."""

    status: str
    stock_skus: list[str] = field(default_factory=list)


def review_order(session: Session, order: Order, now: datetime, actor: str = history.SYSTEM,
                 reason: str | None = None) -> ReviewOutcome:
    """Return the outcome of auditing order and moving it to accepted, held, waitlisted or rejected."""
    policy = load_policy(session, order.broadcast_id)
    catalog = catalog_view(session, order.broadcast_id, [line.sku for line in order.lines])
    claim, blocklist = claim_view(session, order), load_blocklist(session)
    overridden = _overridden_codes(session, order)
    status, result, counted = "held", None, []
    for _attempt in range(PRICING_ATTEMPTS):
        offers = promotions.active_promotions(session, order.broadcast_id, now)
        coupon_uses, flash_units = promotions.buyer_usage(session, order.broadcast_id, order.buyer_id)
        past = buyer_history(session, order, catalog, policy.duplicate_window_seconds, coupon_uses, flash_units)
        result = run_audit(draft_of(order), catalog, claim, past, blocklist, offers, policy, now)
        counted = [f for f in result.findings if f.code not in overridden]
        status = decide(counted, stock_ok=True)
        if status != "accepted" or order.stock_reserved:
            break
        if not inventory.reserve(session, dict(result.requested)):
            levels = inventory.levels(session, list(result.requested))
            stock = check_stock(draft_of(order).items, {sku: lvl.available for sku, lvl in levels.items()})
            result = AuditResult(result.findings + stock.findings, result.pricing, "waitlisted", result.requested)
            status = "waitlisted"
            break
        if promotions.consume(session, result.pricing.consumes, order.buyer_id, order.id):
            order.stock_reserved = True
            break
        inventory.release(session, dict(result.requested))
    else:
        status = "held"
    _store_findings(session, order, result.findings, overridden, now)
    _apply_pricing(order, result)
    moved = sorted(result.requested) if order.stock_reserved and status == "accepted" else []
    _move_to(session, order, status, now, policy.reservation_minutes, actor, reason, result)
    return ReviewOutcome(status=status, stock_skus=moved)


def _overridden_codes(session: Session, order: Order) -> set[str]:
    """Return the finding codes an auditor overrode for this order (they no longer count)."""
    if order.id is None:
        return set()
    return set(session.scalars(sa.select(OrderFinding.code).where(
        OrderFinding.order_pk == order.id, OrderFinding.overridden_at.is_not(None))))


def _store_findings(session: Session, order: Order, findings, overridden: set[str], now: datetime) -> None:
    """Replace the order's active findings with this audit's (old ones stay, inactive, for the record)."""
    session.execute(sa.update(OrderFinding).where(OrderFinding.order_pk == order.id, OrderFinding.active.is_(True))
                    .values(active=False))
    for finding in findings:
        row = OrderFinding(order_pk=order.id, code=finding.code, severity=finding.severity, field=finding.field,
                           message=dict(finding.message), data=_plain(dict(finding.data)), active=True, created_at=now)
        if finding.code in overridden:
            previous = session.scalar(sa.select(OrderFinding).where(
                OrderFinding.order_pk == order.id, OrderFinding.code == finding.code,
                OrderFinding.overridden_at.is_not(None)).order_by(OrderFinding.id.desc()).limit(1))
            row.overridden_by, row.override_reason = previous.overridden_by, previous.override_reason
            row.overridden_at = previous.overridden_at
        session.add(row)


def _plain(value):
    """Return value with Decimals and other non-JSON scalars as strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _apply_pricing(order: Order, result: AuditResult) -> None:
    """Store the audit's prices on the order and its lines, and why each promotion applied or not."""
    pricing = result.pricing
    for priced in pricing.lines:
        line = order.lines[priced.index]
        line.list_price, line.unit_price, line.promotion = priced.list_price, priced.unit_price, priced.promotion
        line.order_discount, line.line_total = priced.order_discount, priced.total
    priced_total = sum((line.line_total for line in order.lines), start=Decimal("0"))
    list_total = sum(((line.list_price or line.unit_price) * line.qty for line in order.lines), start=Decimal("0"))
    order.subtotal, order.total = quantize_money(list_total), quantize_money(priced_total)
    order.discount = max(order.subtotal - order.total, Decimal("0"))
    order.pricing = {
        "outcomes": [
            {"code": o.code, "kind": o.kind, "applied": o.applied, "amount": str(o.amount), "reason": o.reason,
             "message": dict(o.message)} for o in pricing.outcomes
        ],
        "consumes": [{"code": c.code, "counter": c.counter, "amount": c.amount} for c in pricing.consumes],
    }


def _move_to(session: Session, order: Order, status: str, now: datetime, reservation_minutes: int, actor: str,
             reason: str | None, result: AuditResult) -> None:
    """Change the order's status with a history row, timers and the buyer notices that go with it."""
    order.reserved_until = now + timedelta(minutes=reservation_minutes) if status == "accepted" else None
    order.waitlisted_at = (order.waitlisted_at or now) if status == "waitlisted" else None
    order.held_at = (order.held_at or now) if status == "held" else None
    codes = [f.code for f in result.findings]
    if status != order.status:
        history.status_changed(session, order, status, actor=actor, reason=reason or _summary(result.findings),
                               data={"findings": codes} if codes else None)
    _notify(session, order, status, result.findings)


def _summary(findings: tuple[Finding, ...]) -> str | None:
    blocking = [f.code for f in findings if f.severity == "block"]
    return ", ".join(blocking) or None


def _notify(session: Session, order: Order, status: str, findings) -> None:
    """Queue the buyer notices of a review outcome."""
    if status == "accepted":
        queue_notice(session, order, "received", {"total": str(order.total)})
        applied = [o for o in (order.pricing or {}).get("outcomes", []) if o["applied"]]
        if applied:
            queue_notice(session, order, "promotion_applied",
                         {"promotions": [{"code": o["code"], "amount": o["amount"]} for o in applied]})
    elif status == "held":
        asks = [{"code": f.code, "field": f.field, "message": dict(f.message)} for f in findings if f.buyer_notice]
        if asks:
            queue_notice(session, order, "needs_info", {"findings": asks}, dedupe=",".join(sorted(a["code"] for a in asks)))
    elif status == "waitlisted":
        short = sorted({f.data["sku"] for f in findings if f.code == "stock_short"})
        queue_notice(session, order, "waitlisted", {"skus": short})
    elif status == "rejected":
        queue_notice(session, order, "rejected", {"codes": [f.code for f in findings if f.severity == "block"]})
