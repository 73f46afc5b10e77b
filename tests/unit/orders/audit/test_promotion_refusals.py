"""Every refusal condition of every promotion type has its own explanation, in en and zh-CN."""
from __future__ import annotations

from typing import Any

import pytest

from orders.audit import BuyerHistory, Coupon, FlashSale, MemberPrice, ThresholdDiscount, price_order
from orders.audit.pricing.text import TEMPLATES
from tests.unit.orders.audit.builders import HOUR, NOW, D, buyer, catalog, line, order


def flash(**changes: Any) -> FlashSale:
    """Return a running flash sale of MUG at ¥29.90, 10 left, 2 per buyer."""
    fields: dict[str, Any] = dict(code="FLASH", skus=frozenset({"MUG"}), price=D("29.9"), starts_at=NOW - HOUR,
                                  ends_at=NOW + HOUR, remaining=10, per_buyer=2)
    return FlashSale(**(fields | changes))


def save20(**changes: Any) -> Coupon:
    """Return a ¥20 coupon with a ¥200 minimum spend."""
    return Coupon(**(dict(code="SAVE20", kind="fixed", value=D("20"), min_spend=D("200")) | changes))


GOLD = MemberPrice(code="GOLD", tier="gold", prices={"MUG": D("40")})
MJ = ThresholdDiscount(code="MJ", every=D("200"), off=D("30"))
MUG2 = [line("MUG", 2)]
WITH_COUPON = {"coupon_codes": ["SAVE20"], "items": [line("TEA", 3)]}

CASES = [
    # (promotion, order changes, history, reason, English explanation, Chinese fragment)
    (flash(starts_at=NOW + HOUR, ends_at=NOW + 2 * HOUR), {"items": MUG2}, None, "not_started",
     "FLASH: not started yet (starts 2024-05-01 13:00 UTC)", "尚未开始"),
    (flash(starts_at=NOW - HOUR, ends_at=NOW), {"items": MUG2}, None, "ended",
     "FLASH: ended at 2024-05-01 12:00 UTC", "已于"),
    (flash(), {}, None, "no_item", "FLASH: no item in this order qualifies", "没有参与活动的商品"),
    (flash(price=D("60")), {"items": MUG2}, None, "not_lower", "FLASH: not lower than the current price", "不低于"),
    (flash(remaining=0), {"items": MUG2}, None, "sold_out", "FLASH: the flash quantity is sold out", "已抢完"),
    (flash(remaining=1), {"items": MUG2}, None, "not_enough_left",
     "FLASH: only 1 left at the flash price, 2 ordered", "仅剩 1 件"),
    (flash(), {"items": MUG2}, BuyerHistory(flash_units={"FLASH": 1}), "buyer_cap",
     "FLASH: limit 2 per buyer at the flash price (1 already bought, 2 ordered)", "每人限购 2 件"),
    (GOLD, {"items": MUG2}, None, "not_member", "GOLD: for members only", "仅限会员"),
    (GOLD, {"items": MUG2, "buyer": buyer(member_tier="silver")}, None, "other_tier",
     "GOLD: for gold members only", "仅限 gold 会员"),
    (GOLD, {"buyer": buyer(member_tier="gold")}, None, "no_item", "GOLD: no item in this order qualifies", "没有"),
    (save20(valid_from=NOW + HOUR), WITH_COUPON, None, "not_started",
     "SAVE20: not started yet (starts 2024-05-01 13:00 UTC)", "尚未开始"),
    (save20(valid_until=NOW), WITH_COUPON, None, "expired", "SAVE20: expired at 2024-05-01 12:00 UTC", "已于"),
    (save20(uses_left=0), WITH_COUPON, None, "used_up", "SAVE20: no uses left", "已被用完"),
    (save20(per_buyer=1), WITH_COUPON, BuyerHistory(coupon_uses={"SAVE20": 1}), "buyer_limit",
     "SAVE20: limit 1 use(s) per buyer, already used 1", "每人限用 1 次"),
    (save20(), {"coupon_codes": ["SAVE20"]}, None, "min_spend_not_met",
     "SAVE20: min spend ¥200 not met (¥80)", "未满最低消费 ¥200"),
    (MJ, {}, None, "threshold_not_met", "MJ: spend ¥200 to get ¥30 off (¥80 in order)", "满 ¥200 减 ¥30"),
    (ThresholdDiscount(code="MJ", every=D("200"), off=D("30"), ends_at=NOW), {"items": [line("TEA", 3)]}, None,
     "ended", "MJ: ended at 2024-05-01 12:00 UTC", "已于"),
]


@pytest.mark.parametrize(("promo", "changes", "history", "reason", "en", "zh"), CASES,
                         ids=[f"{c[0].code}-{c[3]}" for c in CASES])
def test_refused_promotion_explains_why(promo: Any, changes: dict[str, Any], history: BuyerHistory | None,
                                        reason: str, en: str, zh: str) -> None:
    result = price_order(order(**changes), catalog(), [promo], history or BuyerHistory(), NOW)
    [found] = result.outcomes
    assert (found.applied, found.amount, found.reason) == (False, D("0"), reason)
    assert found.message["en"] == en
    assert zh in found.message["zh-CN"]


def test_unknown_coupon_code_is_explained() -> None:
    [found] = price_order(order(coupon_codes=["nope"]), catalog(), [], BuyerHistory(), NOW).outcomes
    assert (found.code, found.reason, found.message["en"]) == ("NOPE", "unknown_code", "NOPE: unknown coupon code")


def test_coupon_with_nothing_left_to_discount_is_explained() -> None:
    big = Coupon(code="BIG", kind="fixed", value=D("500"), priority=1)
    small = Coupon(code="FIVE", kind="fixed", value=D("5"), priority=2)
    result = price_order(order(coupon_codes=["BIG", "FIVE"]), catalog(), [big, small], BuyerHistory(), NOW)
    assert [o.reason for o in result.outcomes] == ["applied", "nothing_left"]
    assert result.outcomes[1].message == {"en": "FIVE: nothing left to discount", "zh-CN": "FIVE：订单已无可优惠金额"}


def test_every_reason_has_an_english_and_a_chinese_template() -> None:
    for reason, (en, zh) in TEMPLATES.items():
        assert en.startswith("{code}: ") and zh.startswith("{code}："), reason
