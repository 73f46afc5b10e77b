"""Buyer notice templates: every kind in English and Chinese, money format, and buyer text kept as data."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.notices.templates import KINDS, clean, money, render

NEEDS_PHONE = {"code": "phone_missing", "field": "buyer.phone",
               "message": {"en": "Please tell us a phone number for delivery.", "zh-CN": "请补充收件人手机号。"}}
NEEDS_CITY = {"code": "address_missing", "field": "buyer.address.city",
              "message": {"en": "Please complete the address: city is missing.", "zh-CN": "请补全收货地址：缺少城市。"}}

EXPECTED = {
    "received": (
        {"total": Decimal("1234.5")},
        "We have received your order O-1 (¥1,234.50) and will confirm it shortly.",
        "我们已收到您的订单 O-1（¥1,234.50），稍后为您确认。",
    ),
    "needs_info": (
        {"findings": [NEEDS_PHONE, NEEDS_CITY]},
        "Your order O-1 is on hold: we need a few details before we can ship it.\n"
        "- Please tell us a phone number for delivery.\n- Please complete the address: city is missing.\n"
        "Please reply with the details and we will continue.",
        "您的订单 O-1 暂缓处理：发货前还需要您补充以下信息。\n- 请补充收件人手机号。\n- 请补全收货地址：缺少城市。\n"
        "请回复补充信息，我们会继续处理。",
    ),
    "waitlisted": (
        {"skus": ["TEA-1", "CUP-2"]},
        "Your order O-1 is on the waitlist because these items are out of stock right now: TEA-1, CUP-2. "
        "We will tell you as soon as they are restocked.",
        "您的订单 O-1 已进入候补：以下商品暂时缺货：TEA-1、CUP-2。补货后我们会第一时间通知您。",
    ),
    "promoted": (
        {},
        "Good news: your order O-1 has left the waitlist. The items are back in stock and reserved for you.",
        "好消息：您的订单 O-1 已从候补转为正式订单，商品已补货并为您保留。",
    ),
    "promotion_applied": (
        {"codes": ["FLASH10", "NEW5"], "saving": Decimal("15")},
        "Promotion applied to your order O-1: FLASH10, NEW5. You save ¥15.00.",
        "您的订单 O-1 已使用优惠：FLASH10、NEW5，共节省 ¥15.00。",
    ),
    "payment_failed": (
        {"amount": Decimal("99")},
        "The payment of ¥99.00 for your order O-1 did not go through. Please pay again before the order expires.",
        "您的订单 O-1 支付 ¥99.00 未成功，请在订单失效前重新支付。",
    ),
    "expired": (
        {},
        "Your order O-1 has expired because it was not paid in time; the reserved items were released.",
        "您的订单 O-1 因未按时支付已失效，为您保留的商品已释放。",
    ),
    "rejected": (
        {"reason": {"en": "The SKU is not sold here.", "zh-CN": "该商品不在售。"}},
        "We are sorry, we could not accept your order O-1. Reason: The SKU is not sold here.",
        "很抱歉，我们无法受理您的订单 O-1。原因：该商品不在售。",
    ),
    "cancelled": (
        {},
        "Your order O-1 has been cancelled.",
        "您的订单 O-1 已取消。",
    ),
    "claimed": (
        {"sku": "TEE-M", "qty": 2, "minutes": 10},
        "We saw your claim in the live chat: TEE-M ×2 (O-1) is reserved for you. Please pay within 10 minutes, "
        "or it goes to the next in line.",
        "已收到您在直播间的认领：TEE-M ×2（O-1）已为您保留，请在 10 分钟内付款，否则将顺延给下一位。",
    ),
    "claim_bumped": (
        {"sku": "TEE-M", "qty": 1},
        "Sorry: an earlier claim in the live chat reached us late and comes first, so TEE-M ×1 (O-1) is no longer "
        "reserved for you. You are back on the waitlist and we will tell you when it is yours; please do not pay "
        "for it yet.",
        "抱歉：直播间一条更早的认领延迟送达，按认领先后优先，TEE-M ×1（O-1）已不再为您保留。您已回到候补，"
        "轮到您时我们会通知您，请暂勿付款。",
    ),
    "payment_reminder": (
        {"total": Decimal("59")},
        "A reminder: your order O-1 (¥59.00) is not paid yet. Please pay soon, or the items go to the next in line.",
        "温馨提醒：您的订单 O-1（¥59.00）尚未付款，请尽快付款，否则商品将顺延给下一位。",
    ),
    "survey_invitation": (
        {"survey": "csat", "url": "https://shop.example/s/abc", "days": 30},
        "How satisfied are you with your order O-1? Rate it in one tap: https://shop.example/s/abc (open for 30 days).",
        "您对订单 O-1 满意吗？一键评价：https://shop.example/s/abc（30 天内有效）",
    ),
    "aftersale_opened": (
        {"case_id": "AS-1", "type": "return_refund"},
        "We have received your return and refund request AS-1 for order O-1 and will answer it shortly.",
        "我们已收到您订单 O-1 的退货退款申请（AS-1），将尽快处理。",
    ),
    "aftersale_approved": (
        {"case_id": "AS-1", "type": "return_refund", "return_days": 7},
        "Your return and refund request AS-1 for order O-1 is approved. Please send the items back within 7 days and enter the return tracking number.",
        "您订单 O-1 的退货退款申请（AS-1）已通过，请在 7 天内寄回商品并填写退货单号。",
    ),
    "aftersale_rejected": (
        {"case_id": "AS-1", "type": "exchange", "reason": "The tag was removed", "may_appeal": True},
        "Your exchange request AS-1 for order O-1 was not accepted. Reason: The tag was removed. You may appeal once.",
        "很抱歉，您订单 O-1 的换货申请（AS-1）未通过。原因：The tag was removed。您可以申诉一次。",
    ),
    "aftersale_received": (
        {"case_id": "AS-1", "type": "return_refund"},
        "We have received the items you sent back for AS-1 (order O-1) and are checking them.",
        "我们已收到您为售后单 AS-1（订单 O-1）寄回的商品，正在检验。",
    ),
    "aftersale_refunded": (
        {"case_id": "AS-1", "type": "refund_only", "amount": "59"},
        "We have refunded ¥59.00 for AS-1 (order O-1). It goes back the way you paid.",
        "售后单 AS-1（订单 O-1）已退款 ¥59.00，将按原支付方式退回。",
    ),
    "aftersale_replacement_shipped": (
        {"case_id": "AS-1", "type": "exchange", "carrier": "SF", "tracking": "SF123"},
        "The parcel of your exchange AS-1 (order O-1) is on its way. Tracking: SF SF123",
        "您的换货（售后单 AS-1，订单 O-1）已发出。物流单号：SF SF123",
    ),
    "aftersale_closed": (
        {"case_id": "AS-1", "type": "return_refund", "cause": "return_not_shipped"},
        "Your return and refund request AS-1 for order O-1 was closed because the items were not sent back in time.",
        "您订单 O-1 的退货退款申请（AS-1）因未在规定时间内寄回商品已关闭。",
    ),
    "shipped": (
        {"carrier_en": "SF Express", "carrier_zh": "顺丰速运", "tracking_no": "SF1234567890123", "eta": "2026-12-09"},
        "Your order O-1 has shipped with SF Express SF1234567890123. Expected arrival: 2026-12-09.",
        "您的订单 O-1 已发货：顺丰速运 SF1234567890123。预计 2026-12-09 送达。",
    ),
    "delivery_exception": (
        {"carrier_en": "SF Express", "carrier_zh": "顺丰速运", "tracking_no": "SF1234567890123",
         "status": "returned_to_sender"},
        "The parcel of your order O-1 (SF Express SF1234567890123) is being returned to us. We are sorry for the trouble.",
        "您的订单 O-1 的包裹（顺丰速运 SF1234567890123）正在退回，给您带来不便，非常抱歉。",
    ),
    "delivered": (
        {},
        "Your order O-1 has been delivered. Thank you for shopping with us!",
        "您的订单 O-1 已签收，感谢您的支持！",
    ),
    "complaint_feedback": (
        {"complaint_id": "CP-261206-7K3QXM", "feedback": "We are sorry: a refund of ¥59.00 is on its way.\n=1+1"},
        "About your complaint CP-261206-7K3QXM on order O-1: We are sorry: a refund of ¥59.00 is on its way. =1+1",
        "关于您对订单 O-1 的投诉（CP-261206-7K3QXM）：We are sorry: a refund of ¥59.00 is on its way. =1+1",
    ),
}


def test_every_kind_has_an_expected_text():
    assert set(EXPECTED) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_renders_in_english_and_chinese(kind):
    context, en, zh = EXPECTED[kind]
    assert render(kind, {"order_id": "O-1", **context}) == {"en": en, "zh-CN": zh}


@pytest.mark.parametrize("amount, shown", [
    (Decimal("1234.5"), "¥1,234.50"),
    (Decimal("0"), "¥0.00"),
    (Decimal("0.005"), "¥0.01"),
    (Decimal("0.004"), "¥0.00"),
    (Decimal("1234567.891"), "¥1,234,567.89"),
    (Decimal("999.995"), "¥1,000.00"),
    (99, "¥99.00"),
    ("19.9", "¥19.90"),
    (Decimal("-5"), "-¥5.00"),
])
def test_money_is_yuan_with_thousands_and_two_decimals_rounded_half_up(amount, shown):
    assert money(amount) == shown


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(19.9)


def test_unknown_kind_is_a_value_error():
    with pytest.raises(ValueError, match="unknown notice kind 'teleported'"):
        render("teleported", {"order_id": "O-1"})


@pytest.mark.parametrize("kind, context", [
    ("received", {}),
    ("needs_info", {"findings": []}),
    ("waitlisted", {"skus": []}),
    ("promotion_applied", {"codes": ["X"]}),
    ("expired", {"order_id": ""}),
    ("claim_bumped", {"sku": "TEE-M"}),
])
def test_missing_context_is_a_value_error(kind, context):
    with pytest.raises(ValueError, match="needs context keys"):
        render(kind, {"order_id": "O-1", **context})


def test_payment_failed_without_an_amount_leaves_it_out():
    message = render("payment_failed", {"order_id": "O-1"})
    assert message["en"] == "The payment for your order O-1 did not go through. Please pay again before the order expires."
    assert message["zh-CN"] == "您的订单 O-1 支付未成功，请在订单失效前重新支付。"


def test_promotion_applied_shows_the_new_total_when_given():
    message = render("promotion_applied", {"order_id": "O-1", "codes": ["X"], "saving": "10", "total": "1089.9"})
    assert message["en"].endswith("You save ¥10.00. New total: ¥1,089.90.")
    assert message["zh-CN"].endswith("共节省 ¥10.00。优惠后应付 ¥1,089.90。")


def test_a_bilingual_cancellation_reason_is_shown_in_each_language():
    message = render("cancelled", {"order_id": "O-1", "reason": {"en": "Sold out.", "zh-CN": "已售罄。"}})
    assert message == {"en": "Your order O-1 has been cancelled. Reason: Sold out.",
                       "zh-CN": "您的订单 O-1 已取消。原因：已售罄。"}


@pytest.mark.parametrize("kind", ["rejected", "cancelled"])
def test_a_plain_text_reason_is_an_internal_note_and_not_shown_to_the_buyer(kind):
    message = render(kind, {"order_id": "O-1", "reason": "blocklisted: chargeback fraud"})
    assert "blocklisted" not in message["en"] and "blocklisted" not in message["zh-CN"]
    assert message == render(kind, {"order_id": "O-1"})


def test_promotion_applied_accepts_the_reviews_list_of_promotions_and_sums_the_saving():
    message = render("promotion_applied", {"order_id": "O-1", "promotions": [
        {"code": "FLASH10", "amount": "10.00"}, {"code": "NEW5", "amount": "5.00"}]})
    assert message == render("promotion_applied", {"order_id": "O-1", "codes": ["FLASH10", "NEW5"], "saving": "15"})


def test_buyer_text_with_braces_and_markup_is_inserted_verbatim_never_formatted():
    hostile = "<script>alert(1)</script>{order_id}{0.__class__}"
    message = render("waitlisted", {"order_id": "O-1", "skus": [hostile]})
    assert hostile in message["en"] and hostile in message["zh-CN"]
    assert "&lt;" not in message["en"]  # plain text for a JSON channel: nothing is HTML-escaped either


def test_buyer_text_cannot_add_lines_or_reorder_the_display():
    message = render("waitlisted", {"order_id": "O-1\nWe refunded you", "skus": ["A1\u202eevil", "B2\x00\x1b[31m"]})
    assert "\n" not in message["en"] and "\u202e" not in message["en"] and "\x1b" not in message["en"]
    assert "O-1 We refunded you" in message["en"]
    assert "A1evil, B2[31m" in message["en"]


def test_long_buyer_text_is_cut():
    text = clean("x" * 500)
    assert len(text) == 120 and text.endswith("…")


def test_received_lists_the_coupons_that_were_not_applied():
    refused = {"en": "SAVE20: min spend ¥200 not met", "zh-CN": "SAVE20：未满 ¥200"}
    message = render("received", {"order_id": "O-1", "total": "99", "refused": [refused]})
    assert message["en"] == ("We have received your order O-1 (¥99.00) and will confirm it shortly. "
                             "Not applied:\n- SAVE20: min spend ¥200 not met")
    assert message["zh-CN"].endswith("以下优惠未能使用：\n- SAVE20：未满 ¥200")
