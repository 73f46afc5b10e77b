"""Purchase claims are what the room is for: no spam rule hides one, a wave of the same claim is a flash sale
and not a raid, and capitals in SKUs and sizes are no shouting (issue 10, items 8 and 9)."""

from __future__ import annotations

import pytest

from live.moderation.rules import ModerationContext, ModerationPolicy, moderate_and_record
from live.moderation.rules.spam import check_content
from tests.unit.live.moderation.conftest import message


def test_ten_viewers_claiming_the_same_item_within_the_raid_window_are_all_shown(context: ModerationContext) -> None:
    decisions = [moderate_and_record(message("SOLD A12 M 1", f"buyer{i}", seconds=3 * i), context) for i in range(10)]
    assert [d.action for d in decisions] == ["allow"] * 10
    assert not any(d.suggest_shield or d.raid_viewer_ids for d in decisions)


def test_a_wave_of_the_same_chinese_claim_is_no_raid_either(context: ModerationContext) -> None:
    decisions = [moderate_and_record(message("拍了 2件 A12 XL码 谢谢主播", f"b{i}", seconds=i), context)
                 for i in range(12)]
    assert {d.action for d in decisions} == {"allow"}


def test_the_same_text_without_a_claim_is_still_a_raid(context: ModerationContext) -> None:
    decisions = [moderate_and_record(message("this shop sells fakes", f"r{i}", seconds=i), context) for i in range(10)]
    assert decisions[-1].codes == ["spam_raid"]


def test_a_claim_that_floods_is_held_with_its_claim_never_hidden(context: ModerationContext) -> None:
    decisions = [moderate_and_record(message(f"SOLD A12 M {n}", "v1", seconds=n), context) for n in range(1, 8)]
    assert decisions[-1].action == "hold" and decisions[-1].claim is not None
    assert "claim_held" in decisions[-1].codes


NOT_SHOUTING = [
    "SOLD SCARF-01-GRY 1",
    "SOLD TSHIRT-01-M-BLK 2",
    "SOLD JACKET-01 XL 1 PLS",
    "SOLD A12 M 2, B7 XXL 1, C5 L 3",
    "ＳＯＬＤ ＳＣＡＲＦ－０１－ＧＲＹ １",
    "A12 B7 C5 D9 E3 F1 拍了",
    "SNEAKER-01-42 要一双",
]


@pytest.mark.parametrize("text", NOT_SHOUTING, ids=[f"not-shouting:{t}" for t in NOT_SHOUTING])
def test_skus_and_sizes_in_capitals_are_not_shouting(text: str) -> None:
    assert check_content(text, ModerationPolicy()) == []


SHOUTING = [
    "THIS SHOP IS A TOTAL SCAM",
    "SOLD A12 M 2 HURRY UP EVERYONE NOW",
    "BUY NOW BUY NOW A12",
]


@pytest.mark.parametrize("text", SHOUTING, ids=[f"shouting:{t}" for t in SHOUTING])
def test_shouting_around_a_sku_is_still_shouting(text: str) -> None:
    assert [h.reason.code for h in check_content(text, ModerationPolicy())] == ["spam_caps"]
