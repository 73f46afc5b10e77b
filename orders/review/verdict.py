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
from orders.audit import (AuditPolicy, AuditResult, Blocklist, BuyerHistory, CatalogView, ClaimView, OrderDraft,
    Promotion, check_stock, decide, run_audit)
from orders.audit.inventory import behind_the_line, reservable
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


# A held order flagged for its quantity (more than the buyer may buy, or abnormally many) takes no place in a
# line: at its head, an order for a million units would stop every later sale of the SKU until an auditor acted.
# It waits for the auditor without stock; approved, it is reviewed again and joins the end of the line.
NO_PLACE_IN_LINE = frozenset({"qty_over_limit", "abnormal_quantity"})


@dataclass(frozen=True)
class Verdict:
    """The status the audit gives an order, the audit's result, and what this call did with its stock.

    reserved_now: this call reserved its units and took its promotion counters (accepted, or held: a held order
    keeps the place it would have had). in_line: the units were short, so the order waits in the FIFO line
    (waitlisted, or held and waitlisted at once).
    """

    status: str
    result: AuditResult
    reserved_now: bool
    in_line: bool = False

    @property
    def line_skus(self) -> frozenset[str]:
        """Return the SKUs in whose line the order now stands: those it is short of (none when not in line)."""
        if not self.in_line:
            return frozenset()
        return frozenset(f.data["sku"] for f in self.result.findings if f.code == "stock_short" and f.data)


def audit_and_reserve(session: Session, inputs: AuditInputs, draft: OrderDraft, order_pk: int,
                      already_reserved: bool, overridden: Collection[str], now: datetime,
                      queued: Collection[str] = ()) -> Verdict:
    """Return the verdict on an order: accepted and held orders get their units reserved and their counters taken.

    Findings whose code is in overridden do not count. A held order reserves what an accepted one would (all
    or nothing), so first come stays first served while a person looks; one whose lines cannot hold stock
    (unknown or parent SKU, bad quantity) reserves nothing. When the stock is short an order that would be
    accepted is waitlisted, and a held one stays held and joins the line, both with the stock_short findings
    (unless it is held for its quantity: NO_PLACE_IN_LINE). queued names the SKUs whose line holds earlier orders (a new order: inventory.skus_in_line): an order
    asking for one of them joins the line behind those orders as if its stock were short, free units or not.
    When a counter ran out meanwhile the order is priced again with fresh counters.
    """
    status, result, reserved, in_line = "held", None, False, False
    for attempt in range(PRICING_ATTEMPTS):
        fresh = attempt > 0
        offers = inputs.offers(fresh)
        past = inputs.past(fresh)
        result = run_audit(draft, inputs.catalog, inputs.claim, past, inputs.blocklist, offers, inputs.policy, now)
        status = decide([f for f in result.findings if f.code not in overridden], stock_ok=True)
        requested = reservable(draft.items, inputs.catalog)
        if status == "accepted" and requested is None:
            # Only an override can get here (of a code approvals refuse); without stock to reserve it waits for a fix.
            status = "held"
        if status not in ("accepted", "held") or already_reserved or requested is None:
            break
        behind = sorted(sku for sku in requested if sku in queued)
        if behind or not inventory.reserve(session, requested):
            if behind:  # no stock read: the book of a batch stays open
                short = behind_the_line(draft.items, behind)
            else:
                levels = inventory.levels(session, list(requested))
                short = check_stock(draft.items, {sku: level.available for sku, level in levels.items()}).findings
            result = AuditResult(result.findings + short, result.pricing, result.next_status_without_stock,
                                 result.requested)
            status = "waitlisted" if status == "accepted" else "held"
            in_line = status == "waitlisted" or not NO_PLACE_IN_LINE & {
                f.code for f in result.findings if f.code not in overridden}
            break
        if promotions.consume(session, result.pricing.consumes, draft.buyer.id, order_pk):
            reserved = True
            break
        inventory.release(session, requested)
    else:
        status = "held"
    assert result is not None  # PRICING_ATTEMPTS >= 1
    return Verdict(status=status, result=result, reserved_now=reserved, in_line=in_line)

