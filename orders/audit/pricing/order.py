"""Pricing of an order: base prices, the best allowed promotion combination, and allocation."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from orders.audit.model import LIVE_SOURCES, BuyerHistory, CatalogView, OrderDraft
from orders.audit.money import ZERO, allocate, q, yuan
from orders.audit.pricing.combos import Evaluation, allowed_combinations, best, evaluate
from orders.audit.pricing.model import (
    KINDS,
    Coupon,
    PricedLine,
    PricingResult,
    Promotion,
    PromotionOutcome,
)
from orders.audit.pricing.rules import BaseLine, eligibility
from orders.audit.pricing.text import Refusal, explain


def price_order(
    order: OrderDraft,
    catalog: CatalogView,
    promotions: Sequence[Promotion],
    buyer_history: BuyerHistory,
    now: datetime,
) -> PricingResult:
    """Return the order priced under the best combination of promotions the stacking rules allow.

    Windows are checked at ``order.placed_at`` (clamped to ``now``, so a platform clock ahead of
    ours gains nothing). Coupons count only when the buyer entered their code (case and
    surrounding spaces ignored). Every considered promotion gets an outcome, applied or refused.
    Raises ValueError on duplicate promotion codes.
    """
    codes = [p.code for p in promotions]
    if len(set(codes)) != len(codes):
        raise ValueError("promotion codes must be unique")
    at = min(order.placed_at, now)
    lines, skipped = _base_lines(order, catalog)
    entered = _entered(order.coupon_codes)
    considered = [p for p in promotions if not isinstance(p, Coupon) or _norm(p.code) in entered]
    refused: dict[str, Refusal] = {}
    eligible: list[Promotion] = []
    for promo in considered:
        refusal = eligibility(promo, lines, order.buyer.member_tier, buyer_history, at)
        if refusal:
            refused[promo.code] = refusal
        else:
            eligible.append(promo)
    chosen = best([evaluate(combo, lines) for combo in allowed_combinations(eligible)])
    outcomes = [_outcome(p, refused.get(p.code) or _why_not(p, chosen, lines), chosen) for p in considered]
    known = {_norm(p.code) for p in promotions if isinstance(p, Coupon)}
    outcomes += [
        PromotionOutcome(code, "coupon", False, ZERO, "unknown_code", explain(code, "unknown_code", {}))
        for code in entered if code not in known
    ]
    return _result(lines, skipped, chosen, tuple(outcomes))


def _norm(code: str) -> str:
    return code.strip().upper()


def _entered(codes: Sequence[str]) -> list[str]:
    # dict keeps the buyer's order while dropping repeats of one code.
    return list(dict.fromkeys(_norm(c) for c in codes if isinstance(c, str) and c.strip()))


def _base_lines(order: OrderDraft, catalog: CatalogView) -> tuple[list[BaseLine], tuple[int, ...]]:
    lines: list[BaseLine] = []
    skipped: list[int] = []
    for i, draft in enumerate(order.items):
        item, qty = catalog.get(draft.sku), draft.quantity
        if item is None or qty is None:
            skipped.append(i)
            continue
        live = order.source in LIVE_SOURCES and item.in_lineup and item.live_price is not None
        base = item.live_price if live and item.live_price is not None else item.list_price
        lines.append(BaseLine(i, item.sku, item.product_sku, qty, q(item.list_price), q(base)))
    return lines, tuple(skipped)


def _why_not(promo: Promotion, chosen: Evaluation, lines: Sequence[BaseLine]) -> Refusal | None:
    """Return why an eligible promotion is not part of ``chosen`` (None when it is applied)."""
    if promo.code in chosen.savings:
        return None
    winners = ", ".join(sorted(chosen.savings)) or "-"
    exclusive = [p.code for p in chosen.promos if p.stacking == "exclusive"]
    if promo.stacking == "stackable" and exclusive:
        return Refusal("exclusive_conflict", {"other": exclusive[0]})
    context = (promo,) if promo.stacking == "exclusive" else (*chosen.promos, promo)
    attempt = evaluate(context, lines)
    if promo.code in attempt.refusals:
        return attempt.refusals[promo.code]
    return Refusal("better_combination", {"other": winners})


def _outcome(promo: Promotion, refusal: Refusal | None, chosen: Evaluation) -> PromotionOutcome:
    kind = KINDS[type(promo)]
    if refusal is None:
        saved = chosen.savings[promo.code]
        return PromotionOutcome(promo.code, kind, True, saved, "applied",
                                explain(promo.code, "applied", {"amount": yuan(saved)}))
    return PromotionOutcome(promo.code, kind, False, ZERO, refusal.reason,
                            explain(promo.code, refusal.reason, refusal.params))


def _result(
    lines: Sequence[BaseLine], skipped: tuple[int, ...], chosen: Evaluation, outcomes: tuple[PromotionOutcome, ...]
) -> PricingResult:
    subtotals = [unit * line.qty for line, unit in zip(lines, chosen.unit_prices)]
    shares = allocate(chosen.order_discount, subtotals)
    priced = tuple(
        PricedLine(
            index=line.index, sku=line.sku, qty=line.qty, list_price=line.list_price,
            base_price=line.base_price, unit_price=unit, promotion=setter, subtotal=sub,
            order_discount=share, total=sub - share,
        )
        for line, unit, setter, sub, share in zip(lines, chosen.unit_prices, chosen.setters, subtotals, shares)
    )
    return PricingResult(
        lines=priced, skipped=skipped, subtotal=chosen.subtotal, order_discount=chosen.order_discount,
        total=chosen.total, outcomes=outcomes, consumes=chosen.consumes,
    )
