"""After-sales timers with a frozen clock: due at exactly the deadline, one kind per status, platform deadlines win."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from orders.aftersales.timers import Timer, TimerPolicy, due, next_timer, no_reason_open, timer_kind

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
POLICY = TimerPolicy()


@dataclass
class Case:
    type: str
    status: str
    appeal_used: bool = False


def test_a_request_is_not_due_at_47_59_59_and_due_at_48_00_00():
    timer = next_timer("return_refund", "requested", False, T0, POLICY)
    assert timer == Timer("respond", T0 + timedelta(hours=48))
    case = Case("return_refund", "requested")
    assert due(case, timer.kind, timer.at, T0 + timedelta(hours=47, minutes=59, seconds=59)) is None
    fired = due(case, timer.kind, timer.at, T0 + timedelta(hours=48))
    assert fired.action == "approve" and fired.key == f"respond@{(T0 + timedelta(hours=48)).isoformat()}"


@pytest.mark.parametrize("case_type, status, kind, action, after", [
    ("return_refund", "awaiting_return", "return_ship", "close", timedelta(days=7)),
    ("return_refund", "return_shipped", "confirm_receipt", "refund", timedelta(days=10)),
    ("exchange", "return_shipped", "confirm_receipt", "receive", timedelta(days=10)),
    ("return_refund", "received", "refund", "refund", timedelta(days=7)),
    ("refund_only", "approved", "refund", "refund", timedelta(days=7)),
    ("exchange", "rejected", "appeal", "expire_appeal", timedelta(days=7)),
])
def test_each_status_runs_its_timer_with_its_remedy(case_type, status, kind, action, after):
    timer = next_timer(case_type, status, False, T0, POLICY)
    assert timer == Timer(kind, T0 + after)
    case = Case(case_type, status)
    assert due(case, kind, timer.at, timer.at - timedelta(microseconds=1)) is None
    assert due(case, kind, timer.at, timer.at).action == action


@pytest.mark.parametrize("case_type, status", [("exchange", "received"), ("reship", "approved"),
                                               ("return_refund", "refunded"), ("exchange", "completed")])
def test_statuses_without_a_remedy_run_no_timer(case_type, status):
    assert timer_kind(case_type, status, False) is None


def test_inspecting_keeps_the_refund_deadline_of_the_receipt():
    received = next_timer("return_refund", "received", False, T0, POLICY)
    later = T0 + timedelta(days=3)
    assert next_timer("return_refund", "inspected", False, later, POLICY, received) is received


def test_a_deadline_left_from_another_status_never_fires():
    assert due(Case("return_refund", "awaiting_return"), "respond", T0, T0 + timedelta(days=30)) is None


def test_a_platform_deadline_replaces_the_policys_and_fires_at_its_own_time():
    platform = Timer("respond", T0 + timedelta(hours=24))
    case = Case("return_refund", "requested")
    assert due(case, platform.kind, platform.at, T0 + timedelta(hours=24)).action == "approve"
    assert next_timer("return_refund", "requested", False, T0, POLICY, platform) is platform


def test_the_policy_reads_its_durations_from_config_and_refuses_zero():
    policy = TimerPolicy.from_config({"AFTERSALES_RESPOND_HOURS": 24, "AFTERSALES_REFUND_DAYS": "3"})
    assert policy.respond == timedelta(hours=24) and policy.refund == timedelta(days=3)
    assert policy.return_ship == timedelta(days=7)
    with pytest.raises(ValueError):
        TimerPolicy.from_config({"AFTERSALES_APPEAL_DAYS": 0})


def test_no_reason_returns_run_seven_days_from_delivery():
    assert not no_reason_open(None, T0, POLICY)
    assert no_reason_open(T0, T0 + timedelta(days=7), POLICY)
    assert not no_reason_open(T0, T0 + timedelta(days=7, seconds=1), POLICY)
