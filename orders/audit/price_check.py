"""Pricing rule: the platform's prices must match ours, and refused coupons are explained."""
from __future__ import annotations

from orders.audit.findings import Finding, finding
from orders.audit.model import OrderDraft
from orders.audit.money import q, yuan
from orders.audit.policy import AuditPolicy
from orders.audit.pricing.model import PricingResult


def check_pricing(order: OrderDraft, pricing: PricingResult, policy: AuditPolicy) -> list[Finding]:
    """Return ``coupon_refused`` and ``price_mismatch`` findings of ``order`` against ``pricing``.

    A line's ``unit_price`` is compared with our unit price after line-level promotions, and
    ``paid_amount`` with our order total; a difference above ``policy.price_tolerance`` is a
    mismatch. Prices are not compared when some line could not be priced: completeness
    already holds that order, and a partial total would only add noise.
    """
    found = [
        finding("coupon_refused", o.message["en"], o.message["zh-CN"], "coupon_codes", coupon=o.code, reason=o.reason)
        for o in pricing.outcomes
        if o.kind == "coupon" and not o.applied
    ]
    if not pricing.complete:
        return found
    tolerance = policy.price_tolerance
    for line in pricing.lines:
        theirs = order.items[line.index].unit_price
        if theirs is not None and abs(q(theirs) - line.unit_price) > tolerance:
            found.append(finding(
                "price_mismatch",
                f"Item {line.index + 1} ({line.sku}): platform price {yuan(theirs)}, ours {yuan(line.unit_price)}.",
                f"第 {line.index + 1} 件商品（{line.sku}）：平台单价 {yuan(theirs)}，系统计算 {yuan(line.unit_price)}。",
                f"items[{line.index}].unit_price", expected=str(line.unit_price), actual=str(q(theirs)),
            ))
    paid = order.paid_amount
    if paid is not None and abs(q(paid) - pricing.total) > tolerance:
        found.append(finding(
            "price_mismatch",
            f"Paid amount {yuan(paid)} differs from the order total {yuan(pricing.total)}.",
            f"实付金额 {yuan(paid)} 与订单应付 {yuan(pricing.total)} 不一致。",
            "paid_amount", expected=str(pricing.total), actual=str(q(paid)),
        ))
    return found
