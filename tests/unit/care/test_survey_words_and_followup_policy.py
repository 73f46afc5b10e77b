"""Top words of comments (Chinese bigrams, Latin words, stop words) and the follow-up rules (pure)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from orders.care.followups.policy import DeliveryRule, due_at, is_overdue, next_assignee, wants_delivery_followup
from orders.care.surveys.words import terms, top_terms

T0 = datetime(2026, 5, 4, 10, tzinfo=timezone.utc)


def test_chinese_is_read_as_bigrams_without_function_characters():
    assert terms("质量很好，物流很快") == ["质量", "物流"]
    assert "的包" not in terms("我的包装破了")


def test_latin_words_are_folded_and_stop_words_dropped():
    assert terms("The DELIVERY was late, very late!") == ["delivery", "late", "late"]
    assert terms("ＳＩＺＥ too small 123") == ["size", "small"]


def test_a_word_counts_once_per_comment_and_ties_sort_alphabetically():
    comments = ["物流 物流 物流 物流", "包装", "物流慢", None, ""]
    assert top_terms(comments, 3) == [("物流", 2), ("包装", 1), ("流慢", 1)]


def test_hostile_text_is_just_words():
    assert terms("<script>alert(1)</script>") == ["script", "alert", "script"]
    assert terms("=HYPERLINK(\"x\")\u202e") == ["hyperlink"]


def test_by_default_a_first_delivery_or_a_large_order_gets_a_follow_up():
    rule = DeliveryRule()
    assert wants_delivery_followup(rule, Decimal("10"), earlier_deliveries=0)
    assert not wants_delivery_followup(rule, Decimal("10"), earlier_deliveries=3)
    assert wants_delivery_followup(rule, Decimal("500.00"), earlier_deliveries=3)
    assert wants_delivery_followup(DeliveryRule("all"), Decimal("1"), 9)
    assert not wants_delivery_followup(DeliveryRule("none"), Decimal("9999"), 0)


def test_the_delivery_rule_is_read_from_settings_and_refuses_nonsense():
    assert DeliveryRule.parse(None, None) == DeliveryRule("first_or_amount", Decimal("500.00"))
    assert DeliveryRule.parse("all", "0") == DeliveryRule("all", Decimal("0"))
    for mode, amount in (("sometimes", None), (None, "lots"), (None, "-1"), (None, "NaN")):
        with pytest.raises(ValueError):
            DeliveryRule.parse(mode, amount)


def test_due_dates_follow_the_source_and_overdue_means_open_and_past_due():
    assert (due_at("delivery", T0) - T0).days == 3 and (due_at("survey", T0) - T0).days == 1
    assert is_overdue("open", T0, T0.replace(hour=11)) and not is_overdue("done", T0, T0.replace(hour=11))
    assert not is_overdue("open", T0, T0)


def test_the_rotation_gives_the_task_to_the_least_loaded_agent_lowest_id_first():
    assert next_assignee([]) is None
    assert next_assignee([(7, 2), (3, 1), (5, 1)]) == 3
    assert next_assignee([(7, 0), (3, 0)]) == 3
