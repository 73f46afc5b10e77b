"""Complaint rules: the status moves, the severity a complaint gets, platform categories mapped to ours, the
resolution plan read from JSON, and the cause report's grouping (pure)."""
from __future__ import annotations

from datetime import date

import pytest

from orders.care.complaints.report import ComplaintFact, group, totals, week_of
from orders.care.complaints.rules import (MoveRefused, PlanError, allowed_actions, mark_taken, merge_plan,
                                          next_status, platform_category, read_plan, suggest_severity)


@pytest.mark.parametrize("status, action, target", [
    ("new", "acknowledge", "acknowledged"), ("new", "investigate", "investigating"),
    ("acknowledged", "investigate", "investigating"), ("investigating", "resolve", "resolved"),
    ("new", "resolve", "resolved"), ("resolved", "close", "closed"), ("resolved", "reopen", "investigating"),
    ("closed", "reopen", "investigating"),
])
def test_each_allowed_move_leads_to_its_status(status, action, target):
    assert next_status(status, action) == target


@pytest.mark.parametrize("status, action", [
    ("acknowledged", "acknowledge"), ("new", "close"), ("investigating", "close"), ("new", "reopen"),
    ("closed", "resolve"), ("resolved", "acknowledge"), ("new", "teleport"),
])
def test_a_move_the_status_does_not_allow_is_refused(status, action):
    with pytest.raises(MoveRefused):
        next_status(status, action)


def test_the_allowed_actions_follow_the_status():
    assert allowed_actions("new") == ["acknowledge", "investigate", "resolve"]
    assert allowed_actions("closed") == ["reopen"]


@pytest.mark.parametrize("category, channel, text, severity", [
    ("logistics", "back_office", "还没到", "normal"),
    ("logistics", "back_office", "我要打１２３１５投诉", "urgent"),  # full-width digits fold to 12315
    ("other", "chat", "I will call my lawyer", "urgent"),
    ("logistics", "platform", "还没到", "high"),
    ("product_quality", "back_office", "破了", "high"),
    ("other", "back_office", "impressive", "normal"),  # "press" only as a word
])
def test_a_complaint_without_severity_gets_one_from_what_it_says(category, channel, text, severity):
    assert suggest_severity(category, channel, text) == severity


@pytest.mark.parametrize("raw, category", [
    ("logistics", "logistics"), ("LOGISTICS ", "logistics"), ("物流太慢", "logistics"), ("售后服务差", "aftersales_delay"),
    ("客服态度恶劣", "service_attitude"), ("商品质量问题", "product_quality"), ("价格欺诈", "price_dispute"),
    ("与描述不符", "misleading_description"), ("外星人", "other"), (None, "other"), ("", "other"),
])
def test_platform_categories_are_mapped_to_ours(raw, category):
    assert platform_category(raw) == category


def test_a_plan_is_read_from_kinds_or_objects():
    assert read_plan(["reship", {"kind": "apology_coupon", "note": " SORRY10 "}]) == [
        {"kind": "reship", "note": None}, {"kind": "apology_coupon", "note": "SORRY10"}]
    assert read_plan(None) == []


@pytest.mark.parametrize("raw, field", [
    ("reship", "actions"), (["reship"] * 5, "actions"), (["teleport"], "actions[0]"), ([{"note": "x"}], "actions[0]"),
    (["reship", "reship"], "actions[1]"), ([{"kind": "reship", "note": 5}], "actions[0].note"),
    ([{"kind": "reship", "note": "x" * 501}], "actions[0].note"),
])
def test_a_bad_plan_names_its_entry(raw, field):
    with pytest.raises(PlanError) as error:
        read_plan(raw)
    assert error.value.field == field


def fact(day: date, category: str = "logistics", cause: str | None = "carrier", actions=(), status="resolved",
         breached=False, sku="A1") -> ComplaintFact:
    """Return a complaint fact of broadcast 1."""
    return ComplaintFact(day, 1, sku, category, cause, status, breached, tuple(actions))


def test_the_report_groups_by_week_broadcast_product_category_and_cause():
    change = {"kind": "process_change", "note": "switch carrier"}
    facts = [fact(date(2026, 12, 7), actions=[change]), fact(date(2026, 12, 13), actions=[change, {"kind": "reship"}]),
             fact(date(2026, 12, 14), status="new", cause=None, breached=True), fact(date(2026, 12, 7), sku="B2")]
    lines = group(facts)
    assert [(l.week, l.sku, l.complaints) for l in lines] == [
        (date(2026, 12, 14), "A1", 1), (date(2026, 12, 7), "A1", 2), (date(2026, 12, 7), "B2", 1)]
    week = lines[1]
    assert (week.resolved, week.breached, dict(week.actions), week.lessons) == (
        2, 0, {"process_change": 2, "reship": 1}, ["switch carrier"])
    assert lines[0].breached == 1 and lines[0].root_cause is None
    summary = totals(facts)
    assert summary["complaints"] == 4 and summary["by_root_cause"] == {"carrier": 3, "": 1}
    assert summary["actions"] == {"refund_via_aftersales": 0, "reship": 1, "apology_coupon": 0, "process_change": 2}


def test_weeks_start_on_monday():
    assert week_of(date(2026, 12, 13)) == date(2026, 12, 7) and week_of(date(2026, 12, 7)) == date(2026, 12, 7)


def test_a_new_plan_replaces_what_was_only_planned_but_keeps_what_was_taken():
    taken = mark_taken([{"kind": "refund_via_aftersales", "note": None, "ref": "AS-1"},
                        {"kind": "process_change", "note": "thicker boxes", "ref": None}], "2026-12-07T10:00:00+00:00")
    current = taken + [{"kind": "reship", "note": None, "ref": None, "taken_at": None}]
    merged = merge_plan(current, [{"kind": "refund_via_aftersales", "note": "again"},
                                  {"kind": "process_change", "note": "thicker boxes"},
                                  {"kind": "apology_coupon", "note": "C-10"}])
    assert [(a["kind"], a["note"], a["ref"], bool(a["taken_at"])) for a in merged] == [
        ("refund_via_aftersales", None, "AS-1", True), ("process_change", "thicker boxes", None, True),
        ("apology_coupon", "C-10", None, False)]
    assert merge_plan(current, []) == taken  # an empty plan drops only what was never carried out
    second_lesson = merge_plan(taken, [{"kind": "process_change", "note": "new carrier"}])
    assert [a["note"] for a in second_lesson if a["kind"] == "process_change"] == ["thicker boxes", "new carrier"]
