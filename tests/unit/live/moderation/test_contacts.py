"""Contact diversion: phone numbers, WeChat/QQ ids, long digit runs and links."""

from __future__ import annotations

import pytest

from live.moderation.rules import ModerationContext, ModerationPolicy, find_contacts, moderate, normalize
from live.moderation.rules.contacts import mask
from tests.unit.live.moderation.conftest import message

FOUND = [
    # phone numbers
    ("13812345678", "phone", "13812345678"),
    ("call 138-1234-5678", "phone", "13812345678"),
    ("电话 138 1234 5678", "phone", "13812345678"),
    ("+86 138 1234 5678", "phone", "13812345678"),
    ("+8613812345678", "phone", "13812345678"),
    ("008613812345678", "phone", "13812345678"),
    ("１３８１２３４５６７８", "phone", "13812345678"),
    ("一三八一二三四五六七八", "phone", "13812345678"),
    ("幺三八幺二三四五六七八", "phone", "13812345678"),
    ("壹叁捌壹贰叁肆伍陆柒捌", "phone", "13812345678"),
    ("電話：一三八 一二三四 五六七八", "phone", "13812345678"),
    ("1 3 8 1 2 3 4 5 6 7 8", "phone", "13812345678"),
    ("找我 159.0000.1111", "phone", "15900001111"),
    # WeChat ids
    ("加vx abc123", "wechat", "abc123"),
    ("wx: helloworld", "wechat", "helloworld"),
    ("V信 abc1234", "wechat", "abc1234"),
    ("微信 wxid_12345", "wechat", "wxid_12345"),
    ("薇❤信 abc123", "wechat", "abc123"),
    ("ｗｘ：abc123", "wechat", "abc123"),
    ("加 v 信 abc123", "wechat", "abc123"),
    ("微信號是 shop888", "wechat", "shop888"),
    ("wechat id: mystore", "wechat", "mystore"),
    # QQ ids
    ("QQ 12345678", "qq", "12345678"),
    ("qq:123456789", "qq", "123456789"),
    ("扣扣 1234567", "qq", "1234567"),
    ("q q 12345678", "qq", "12345678"),
    ("企鹅号 一二三四五六七", "qq", "1234567"),
    # runs of digits
    ("订单号 123456789", "digits", "123456789"),
    ("12345678", "digits", "12345678"),
    ("5 5 5 1 2 3 4 5 6", "digits", "555123456"),
    # links and bare domains
    ("看 www.example.com", "url", "www.example.com"),
    ("https://evil.example/x?y=1", "url", "https://evil.example/x?y=1"),
    ("cheap.shop 便宜", "url", "cheap.shop"),
    ("go to EVIL.COM now", "url", "evil.com"),
    ("evil。com", "url", "evil.com"),
    ("t.me/deals", "url", "t.me/deals"),
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND, ids=[f"contact:{t}" for t, _, _ in FOUND])
def test_contact_is_found_through_evasions(text: str, kind: str, value: str) -> None:
    hits = find_contacts(normalize(text))
    assert [(h.kind, h.value) for h in hits] == [(kind, value)]


NOT_CONTACTS = [
    "99元",
    "3件99元包邮",
    "2024-05-01 发货",
    "A12 L码",
    "身高165体重50穿什么码",
    "第12345期",
    "价格 128.5 元",
    "1.5kg 够吗",
    "v5",
    "wx好评",
    "wx please",
    "e.g. this one",
    "qq 123",
    "主播很有威信",
    "SOLD A12 M 2",
]


@pytest.mark.parametrize("text", NOT_CONTACTS, ids=[f"not-contact:{t}" for t in NOT_CONTACTS])
def test_ordinary_numbers_and_words_are_not_contacts(text: str) -> None:
    assert find_contacts(normalize(text)) == []


CODES = [
    ("加我 13812345678", ["contact_phone", "viewer_warning"]),
    ("vx: abc123", ["contact_wechat", "viewer_warning"]),
    ("QQ 12345678", ["contact_qq", "viewer_warning"]),
    ("订单号 123456789", ["contact_digits", "viewer_warning"]),
    ("看 evil.com", ["contact_url", "viewer_warning"]),
]


@pytest.mark.parametrize(("text", "codes"), CODES, ids=[f"code:{t}" for t, _ in CODES])
def test_contact_hides_the_message_and_warns_the_viewer(
    context: ModerationContext, text: str, codes: list[str]
) -> None:
    decision = moderate(message(text), context)
    assert (decision.action, decision.codes) == ("hide", codes)
    assert decision.viewer_action == {"type": "timeout", "seconds": 10}


ALLOWED_LINKS = ["taobao.com/item/1", "https://item.taobao.com/x", "www.taobao.com"]


@pytest.mark.parametrize("text", ALLOWED_LINKS, ids=[f"allowed-link:{t}" for t in ALLOWED_LINKS])
def test_links_to_allowed_domains_pass(context: ModerationContext, text: str) -> None:
    context.policy = ModerationPolicy(allowed_domains=("taobao.com",))
    assert moderate(message(text), context).action == "allow"


def test_lookalike_of_an_allowed_domain_is_still_a_link(context: ModerationContext) -> None:
    context.policy = ModerationPolicy(allowed_domains=("taobao.com",))
    assert moderate(message("nottaobao.com"), context).codes == ["contact_url", "viewer_warning"]


def test_digit_run_threshold_is_a_policy_field(context: ModerationContext) -> None:
    context.policy = ModerationPolicy(digit_run_min=10)
    assert moderate(message("订单号 123456789"), context).action == "allow"


def test_phone_reason_is_masked_and_points_at_the_original(context: ModerationContext) -> None:
    text = "电话 １３８-１２３４-５６７８ 哦"
    reason = moderate(message(text), context).reasons[0]
    assert reason.detail == "138****5678"
    assert reason.span is not None and text[reason.span[0]:reason.span[1]] == "１３８-１２３４-５６７８"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("abc123", "a***23"), ("1234", "****")],
    ids=["mask:phone", "mask:id", "mask:short"],
)
def test_mask_hides_the_middle(value: str, masked: str) -> None:
    assert mask(value) == masked
