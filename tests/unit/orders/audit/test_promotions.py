"""Promotions: base prices, each promotion type, stacking and the best combination."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from orders.audit import (
    BuyerHistory,
    CounterUse,
    Coupon,
    FlashSale,
    MemberPrice,
    OrderDraft,
    PricingResult,
    Promotion,
    PromotionOutcome,
    ThresholdDiscount,
    price_order,
)
from tests.unit.orders.audit.builders import HOUR, NOW, D, buyer, catalog, line, order


def price(draft: OrderDraft, promos: Sequence[Promotion] = (), history: BuyerHistory | None = None,
          now: Any = NOW) -> PricingResult:
    """Return ``draft`` priced against the test catalogue."""
    return price_order(draft, catalog(), promos, history or BuyerHistory(), now)


def outcome(result: PricingResult, code: str) -> PromotionOutcome:
    """Return the outcome of promotion ``code``."""
    [found] = [o for o in result.outcomes if o.code == code]
    return found


def flash(**changes: Any) -> FlashSale:
    """Return a running flash sale of MUG at ¥29.90, 10 left, 2 per buyer."""
    fields: dict[str, Any] = dict(code="FLASH", skus=frozenset({"MUG"}), price=D("29.9"), starts_at=NOW - HOUR,
                                  ends_at=NOW + HOUR, remaining=10, per_buyer=2)
    return FlashSale(**(fields | changes))


def coupon(code: str = "SAVE20", **changes: Any) -> Coupon:
    """Return a ¥20 coupon with a ¥200 minimum spend."""
    fields: dict[str, Any] = dict(code=code, kind="fixed", value=D("20"), min_spend=D("200"))
    return Coupon(**(fields | changes))


def mj(**changes: Any) -> ThresholdDiscount:
    """Return 满减 ¥30 off every ¥200."""
    return ThresholdDiscount(**(dict(code="MJ", every=D("200"), off=D("30")) | changes))


def test_live_order_pays_the_live_price_of_the_line_up() -> None:
    [tea] = price(order(line("TEA", 2))).lines
    assert (tea.list_price, tea.base_price, tea.unit_price, tea.total) == (D("100.00"), D("80.00"), D("80.00"), D("160.00"))


def test_post_stream_order_pays_the_list_price() -> None:
    assert price(order(line("TEA"), source="post_stream")).total == D("100.00")


def test_unpriceable_lines_are_skipped_and_reported() -> None:
    result = price(order(line("TEA"), line("GHOST"), line("MUG", 0)))
    assert (result.skipped, result.complete, result.total) == ((1, 2), False, D("80.00"))


def test_flash_price_applies_inside_its_window_and_consumes_units() -> None:
    result = price(order(line("MUG", 2)), [flash()])
    assert (result.lines[0].unit_price, result.lines[0].promotion) == (D("29.90"), "FLASH")
    assert result.consumes == (CounterUse("FLASH", "flash_units", 2),)
    assert outcome(result, "FLASH").message == {"en": "FLASH: saved ¥40.20", "zh-CN": "FLASH：已优惠 ¥40.20"}


def test_window_is_judged_when_the_order_was_placed() -> None:
    result = price(order(line("MUG"), placed_at=NOW + HOUR - HOUR / 3600), [flash()], now=NOW + 2 * HOUR)
    assert outcome(result, "FLASH").applied


def test_placed_at_in_the_future_is_clamped_to_now() -> None:
    result = price(order(line("MUG"), placed_at=NOW + 2 * HOUR), [flash()], now=NOW)
    assert outcome(result, "FLASH").applied


def test_member_price_of_a_variant_wins_over_its_product() -> None:
    vip = MemberPrice(code="VIP", tier="gold", prices={"SHIRT": D("100"), "SHIRT-BLUE-L": D("90")})
    result = price(order(line("SHIRT-RED-M"), line("SHIRT-BLUE-L"), buyer=buyer(member_tier="gold")), [vip])
    assert [ln.unit_price for ln in result.lines] == [D("100.00"), D("90.00")]


def test_percent_coupon_is_capped_by_its_max_discount() -> None:
    ten = coupon("TEN", kind="percent", value=D("10"), min_spend=D("0"), max_discount=D("15"))
    assert price(order(line("TEA", 3), coupon_codes=["TEN"]), [ten]).order_discount == D("15.00")


def test_percent_coupon_rounds_half_up_to_the_cent() -> None:
    pct = coupon("PCT", kind="percent", value=D("3.5"), min_spend=D("0"))
    assert price(order(line("MUG", 1), coupon_codes=["PCT"]), [pct]).order_discount == D("1.75")
    assert price(order(line("MUG", 1), coupon_codes=["PCT"], source="post_stream"), [
        coupon("PCT", kind="percent", value=D("0.99"), min_spend=D("0"))]).order_discount == D("0.50")


def test_threshold_discount_repeats_for_every_full_step() -> None:
    assert price(order(line("TEA", 5)), [mj()]).order_discount == D("60.00")


def test_threshold_discount_is_capped() -> None:
    assert price(order(line("TEA", 10)), [mj(cap=D("50"))]).order_discount == D("50.00")


def test_fixed_coupon_never_takes_more_than_the_order_costs() -> None:
    big = coupon("BIG", value=D("500"), min_spend=D("0"))
    result = price(order(line("TEA"), coupon_codes=["BIG"]), [big])
    assert (result.order_discount, result.total) == (D("80.00"), D("0.00"))


def test_coupon_codes_match_ignoring_case_and_spaces() -> None:
    result = price(order(line("TEA", 3), coupon_codes=[" save20 "]), [coupon()])
    assert outcome(result, "SAVE20").applied


def test_coupons_not_entered_are_neither_applied_nor_explained() -> None:
    assert price(order(line("TEA", 3)), [coupon()]).outcomes == ()


def test_applied_coupon_consumes_one_use() -> None:
    result = price(order(line("TEA", 3), coupon_codes=["SAVE20"]), [coupon(uses_left=1)])
    assert result.consumes == (CounterUse("SAVE20", "coupon_uses", 1),)


def test_stackable_promotions_combine_in_priority_order() -> None:
    # 3 x 80 = 240; 满减 first (priority 1) leaves 210, still enough for SAVE20's ¥200 minimum.
    result = price(order(line("TEA", 3), coupon_codes=["SAVE20"]), [coupon(priority=2), mj(priority=1)])
    assert (result.order_discount, result.total) == (D("50.00"), D("190.00"))


def test_line_and_order_promotions_stack() -> None:
    result = price(order(line("MUG", 2), line("TEA", 2)), [flash(), mj()])
    # 2 x 29.90 + 2 x 80 = 219.80 -> one step of ¥200 -> ¥30 off.
    assert (result.subtotal, result.order_discount, result.total) == (D("219.80"), D("30.00"), D("189.80"))


def test_exclusive_promotion_wins_when_it_saves_more() -> None:
    vip50 = coupon("VIP50", value=D("50"), min_spend=D("0"), stacking="exclusive")
    result = price(order(line("TEA", 3), coupon_codes=["VIP50", "SAVE20"]), [vip50, coupon(), mj()])
    assert result.total == D("190.00")
    assert outcome(result, "VIP50").applied
    assert outcome(result, "MJ").reason == "exclusive_conflict"
    assert outcome(result, "MJ").message["en"] == "MJ: cannot be combined with VIP50"


def test_stackable_combination_wins_when_it_saves_more() -> None:
    vip40 = coupon("VIP40", value=D("40"), min_spend=D("0"), stacking="exclusive")
    result = price(order(line("TEA", 3), coupon_codes=["VIP40", "SAVE20"]), [vip40, coupon(), mj()])
    assert result.total == D("190.00")
    assert outcome(result, "VIP40").reason == "better_combination"
    assert outcome(result, "VIP40").message["en"] == "VIP40: a better combination was applied (MJ, SAVE20)"


def test_tie_keeps_the_coupon_unused() -> None:
    excl = coupon("EXCL30", value=D("30"), min_spend=D("0"), stacking="exclusive")
    result = price(order(line("TEA", 3), coupon_codes=["EXCL30"]), [excl, mj()])
    assert outcome(result, "MJ").applied
    assert result.consumes == ()


def test_best_combination_drops_a_promotion_that_breaks_another_threshold() -> None:
    # 80 + 130 = 210: SAVE20 first leaves 190 < 200 for 满减; 满减 alone saves more (30 > 20).
    draft = order(line("TEA"), line("SHIRT-BLUE-L"), coupon_codes=["SAVE20"])
    result = price(draft, [coupon(priority=1), mj(priority=2)])
    assert result.total == D("180.00")
    assert outcome(result, "SAVE20").reason == "better_combination"


def test_min_spend_is_judged_after_earlier_discounts() -> None:
    draft = order(line("TEA"), line("SHIRT-BLUE-L"), coupon_codes=["SAVE20"])
    result = price(draft, [coupon(priority=2), mj(priority=1)])
    assert outcome(result, "SAVE20").message["en"] == "SAVE20: min spend ¥200 not met (¥180)"


def test_lowest_line_price_wins_and_the_other_is_explained() -> None:
    vip = MemberPrice(code="VIP", tier="gold", prices={"MUG": D("25")})
    result = price(order(line("MUG"), buyer=buyer(member_tier="gold")), [flash(), vip])
    assert result.lines[0].promotion == "VIP"
    assert outcome(result, "FLASH").message["en"] == "FLASH: no extra saving on top of VIP"
    assert result.consumes == ()


def test_duplicate_promotion_codes_are_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        price(order(), [mj(), mj()])
