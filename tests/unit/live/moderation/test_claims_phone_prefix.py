"""A country code before a phone number ("+86 138 1234 5678") is no "+N" purchase claim."""

from __future__ import annotations

import pytest

from live.moderation.rules import Claim, ModerationContext, moderate, parse_claim
from live.moderation.rules.claims import claim_terms
from tests.unit.live.moderation.conftest import message

PHONES = [
    "+86 138 1234 5678",
    "+86 138-1234-5678",
    "+86-138-1234-5678",
    "＋８６ １３８ １２３４ ５６７８",
    "+86 一三八 一二三四 五六七八",
    "+1 415 555 0134",
    "+44 20 7946 0958",
    "call me +86 138 1234 5678",
]


@pytest.mark.parametrize("text", PHONES, ids=[f"phone:{t}" for t in PHONES])
def test_a_country_code_before_a_phone_number_is_no_claim(text: str) -> None:
    assert parse_claim(text) is None
    assert claim_terms(text) is None


def test_a_phone_number_with_its_country_code_is_hidden_as_a_contact(context: ModerationContext) -> None:
    decision = moderate(message("+86 138 1234 5678"), context)
    assert (decision.action, decision.codes[0], decision.claim) == ("hide", "contact_phone", None)


STILL_CLAIMS = [
    ("+1", Claim(None, None, 1)),
    ("+2", Claim(None, None, 2)),
    ("+1 A12", Claim("A12", None, 1)),
    ("+1 8 M", Claim(None, "M", 1)),
    ("+2 3号 黑色", Claim(None, "黑色", 2)),
    ("+1 12 34", Claim(None, None, 1)),  # two short numbers are a link and a quantity, not a phone
]


@pytest.mark.parametrize(("text", "claim"), STILL_CLAIMS, ids=[f"claim:{t}" for t, _ in STILL_CLAIMS])
def test_a_plus_before_short_numbers_is_still_a_claim(text: str, claim: Claim) -> None:
    assert parse_claim(text) == claim
