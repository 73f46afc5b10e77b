"""The audit decision of one order: run the pure rules, then reserve its stock and take its promotion counters.

Shared by the review of a stored order (orders/review/step.py: back office, waitlist) and the batch intake of new
orders (orders/intake/batch.py). They differ only in where the rules' inputs come from (an AuditInputs): read per
order from the database, or from a batch context loaded once and kept current in memory.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from orders import inventory
from orders.audit import (
    AuditPolicy,
    AuditResult,
    Blocklist,
    BuyerHistory,
    CatalogView,
    ClaimView,
    OrderDraft,
    Promotion,
    check_stock,
    decide,
    run_audit,
)
from orders.promotions import service as promotions

# A promotion counter can run out between pricing and consuming; then the order is priced again.
PRICING_ATTEMPTS = 3


class AuditInputs(Protocol):
    """What the pure rules read about one order besides the order itself."""

    policy: AuditPolicy
    catalog: CatalogView
    claim: ClaimView | None
    blocklist: Blocklist

    def offers(self, fresh: bool) -> Sequence[Promotion]:
        """Return the promotions that may price the order; fresh: read their counters again."""

    def past(self, fresh: bool) -> BuyerHistory:
        """Return the buyer's other open orders and promotion usage; fresh: read the usage again."""


@dataclass(frozen=True)
class Verdict:
    """The status the audit gives an order, the audit's result, and whether this call reserved its units."""

    status: str
    result: AuditResult
    reserved_now: bool


def audit_and_reserve(session: Session, inputs: AuditInputs, draft: OrderDraft, order_pk: int,
                      already_reserved: bool, overridden: Collection[str], now: datetime) -> Verdict:
    """Return the verdict on an order: accepted orders get their units reserved and their counters taken.

    Findings whose code is in overridden do not count. When the stock is short the order is waitlisted
    with the stock_short findings; when a counter ran out meanwhile it is priced again with fresh counters.
    """
    status, result, reserved = "held", None, False
    for attempt in range(PRICING_ATTEMPTS):
        fresh = attempt > 0
        offers = inputs.offers(fresh)
        past = inputs.past(fresh)
        result = run_audit(draft, inputs.catalog, inputs.claim, past, inputs.blocklist, offers, inputs.policy, now)
        status = decide([f for f in result.findings if f.code not in overridden], stock_ok=True)
        if status != "accepted" or already_reserved:
            break
        requested = dict(result.requested)
        if not inventory.reserve(session, requested):
            levels = inventory.levels(session, list(requested))
            stock = check_stock(draft.items, {sku: level.available for sku, level in levels.items()})
            result = AuditResult(result.findings + stock.findings, result.pricing, "waitlisted", result.requested)
            status = "waitlisted"
            break
        if promotions.consume(session, result.pricing.consumes, draft.buyer.id, order_pk):
            reserved = True
            break
        inventory.release(session, requested)
    else:
        status = "held"
    assert result is not None  # PRICING_ATTEMPTS >= 1
    return Verdict(status=status, result=result, reserved_now=reserved)
