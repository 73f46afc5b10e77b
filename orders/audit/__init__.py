"""Pure audit rules of incoming orders (no Flask, no database): run them all with ``run_audit``."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from orders.audit.completeness import check_completeness
from orders.audit.decide import decide
from orders.audit.findings import CODES, Finding
from orders.audit.inventory import StockCheck, check_stock, requested_by_sku
from orders.audit.model import (
    Address,
    Blocklist,
    BuyerDraft,
    BuyerHistory,
    CatalogItem,
    CatalogView,
    ClaimView,
    LineDraft,
    OrderDraft,
    PastOrder,
)
from orders.audit.phone import normalize_phone
from orders.audit.policy import AuditPolicy, PolicyError
from orders.audit.price_check import check_pricing
from orders.audit.pricing.model import (
    CounterUse,
    Coupon,
    FlashSale,
    MemberPrice,
    PricedLine,
    PricingResult,
    Promotion,
    PromotionOutcome,
    ThresholdDiscount,
)
from orders.audit.pricing.order import price_order
from orders.audit.risk import PaymentCheck, PaymentEvent, check_payment, check_risk


@dataclass(frozen=True)
class AuditResult:
    """Everything the audit found about one order.

    ``next_status_without_stock`` is ``decide(findings, stock_ok=True)``: when it is
    ``accepted`` the service reserves ``requested`` and, if the conditional UPDATE fails,
    calls ``decide`` again with the ``check_stock`` findings and ``stock_ok=False``.
    """

    findings: tuple[Finding, ...]
    pricing: PricingResult
    next_status_without_stock: str
    requested: Mapping[str, int]


def run_audit(
    order: OrderDraft,
    catalog: CatalogView,
    claim: ClaimView | None,
    history: BuyerHistory,
    blocklist: Blocklist,
    promotions: Sequence[Promotion],
    policy: AuditPolicy,
    now: datetime,
) -> AuditResult:
    """Return the findings of every rule, the pricing and the status the order moves to if stock allows."""
    pricing = price_order(order, catalog, promotions, history, now)
    findings = (
        *check_completeness(order, catalog, claim, history, policy),
        *check_pricing(order, pricing, policy),
        *check_risk(order, history, blocklist, policy),
    )
    return AuditResult(
        findings=findings,
        pricing=pricing,
        next_status_without_stock=decide(findings, stock_ok=True),
        requested=requested_by_sku(order.items),
    )


__all__ = [
    "CODES", "Address", "AuditPolicy", "AuditResult", "Blocklist", "BuyerDraft", "BuyerHistory", "CatalogItem",
    "CatalogView", "ClaimView", "Coupon", "CounterUse", "Finding", "FlashSale", "LineDraft", "MemberPrice",
    "OrderDraft", "PastOrder", "PaymentCheck", "PaymentEvent", "PolicyError", "PricedLine", "PricingResult",
    "Promotion", "PromotionOutcome", "StockCheck", "ThresholdDiscount", "check_completeness", "check_payment",
    "check_pricing", "check_risk", "check_stock", "decide", "normalize_phone", "price_order",
    "requested_by_sku", "run_audit",
]
