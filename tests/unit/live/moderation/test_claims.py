"""Purchase claims and questions for the host."""

from __future__ import annotations

import pytest

from live.moderation.rules import Claim, ModerationContext, is_question, moderate, parse_claim
from tests.unit.live.moderation.conftest import message

CLAIMS = [
    ("SOLD A12 M 2", Claim("A12", "M", 2)),
    ("sold a-12 xxl x3", Claim("A12", "XXL", 3)),
    ("Sold B7 XL 10", Claim("B7", "XL", 10)),
    ("拍了 2件 A12", Claim("A12", None, 2)),
    ("拍了", Claim(None, None, None)),
    ("已拍 C5", Claim("C5", None, None)),
    ("下单了 3件", Claim(None, None, 3)),
    ("+1 A12", Claim("A12", None, 1)),
    ("+1", Claim(None, None, 1)),
    ("＋２", Claim(None, None, 2)),
    ("+ 2", Claim(None, None, 2)),
    ("要 2 件", Claim(None, None, 2)),
    ("要两件黑色", Claim(None, "黑色", 2)),
    ("A12 L码 一件", Claim("A12", "L", 1)),
    ("A12 2XL 拍十件", Claim("A12", "2XL", 10)),
    ("来一件", Claim(None, None, 1)),
    ("38码 要一双", Claim(None, "38", 1)),
    ("B7 XL *2", Claim("B7", "XL", 2)),
    ("mine! A3 S", Claim("A3", "S", None)),
    ("拍了 A12 均码 三件", Claim("A12", "均码", 3)),
    ("要 二十件", Claim(None, None, 20)),
    ("拍了 A１２ Ｍ", Claim("A12", "M", None)),
    ("買了兩件 A12", Claim("A12", None, 2)),
]


@pytest.mark.parametrize(("text", "claim"), CLAIMS, ids=[f"claim:{t}" for t, _ in CLAIMS])
def test_purchase_claim_is_parsed(text: str, claim: Claim) -> None:
    assert parse_claim(text) == claim


NOT_CLAIMS = [
    "多少钱",
    "有没有 L 码",
    "L码",
    "99元",
    "3件99元",
    "我要看看",
    "A12 多少钱",
    "我不要了",
    "主播来了",
    "我昨天买的C35收到了",
    "666",
    "好看",
    "i'm here",
]


@pytest.mark.parametrize("text", NOT_CLAIMS, ids=[f"not-claim:{t}" for t in NOT_CLAIMS])
def test_ordinary_chat_is_not_a_claim(text: str) -> None:
    assert parse_claim(text) is None


QUESTIONS = [
    "多少钱",
    "多少钱？",
    "有没有 L 码",
    "怎么买",
    "how much is A12",
    "do you have XL",
    "A12?",
    "还有货吗",
    "什么时候发货",
    "price?",
    "包邮吗",
    "這個多少錢",
]


@pytest.mark.parametrize("text", QUESTIONS, ids=[f"question:{t}" for t in QUESTIONS])
def test_question_is_flagged_for_the_host(text: str) -> None:
    assert is_question(text)


NOT_QUESTIONS = ["好看", "+1", "SOLD A12 M 2", "主播好美", "whatsapp me", "somewhere nice"]


@pytest.mark.parametrize("text", NOT_QUESTIONS, ids=[f"not-question:{t}" for t in NOT_QUESTIONS])
def test_statement_is_not_a_question(text: str) -> None:
    assert not is_question(text)


HELD = [
    ("拍了 2件 A12 加微信", ["term_diversion", "viewer_warning", "claim_held"], Claim("A12", None, 2)),
    ("+1 A12 垃圾", ["term_abuse", "claim_held"], Claim("A12", None, 1)),
    ("SOLD A12 M 2 PLEASE HURRY UP NOW", ["spam_caps", "claim_held"], Claim("A12", "M", 2)),
    ("要 2 件 13812345678", ["contact_phone", "viewer_warning", "claim_held"], Claim(None, None, 2)),
    ("拍了 A12 fuck", ["term_abuse", "viewer_ban", "claim_held"], Claim("A12", None, None)),
]


@pytest.mark.parametrize(("text", "codes", "claim"), HELD, ids=[f"held:{t}" for t, _, _ in HELD])
def test_claim_under_a_hide_rule_is_held_with_the_claim(
    context: ModerationContext, text: str, codes: list[str], claim: Claim
) -> None:
    decision = moderate(message(text), context)
    assert (decision.action, decision.codes, decision.claim) == ("hold", codes, claim)


def test_clean_claim_is_allowed_with_the_claim_attached(context: ModerationContext) -> None:
    decision = moderate(message("SOLD A12 M 2"), context)
    assert (decision.action, decision.claim, decision.is_question) == ("allow", Claim("A12", "M", 2), False)


def test_question_is_allowed_and_flagged(context: ModerationContext) -> None:
    decision = moderate(message("有没有 L 码？"), context)
    assert (decision.action, decision.is_question, decision.claim) == ("allow", True, None)
