"""The after-sales flow as data: each type's legal steps, and everything else refused with what is allowed."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from orders.aftersales.flow import (ACTIONS, ENDED_STATUSES, TRANSITIONS, IllegalTransition, allowed_actions,
                                    is_ended, next_status)
from orders.aftersales.models import CASE_STATUSES, CASE_TYPES


@dataclass
class Case:
    type: str
    status: str
    appeal_used: bool = False


def walk(case_type: str, actions: list[str]) -> list[str]:
    case, seen = Case(case_type, "requested"), []
    for action in actions:
        case.status = next_status(case, action)
        seen.append(case.status)
    return seen


@pytest.mark.parametrize("case_type, actions, statuses", [
    ("refund_only", ["approve", "refund"], ["approved", "refunded"]),
    ("return_refund", ["approve", "ship_return", "receive", "inspect", "refund"],
     ["awaiting_return", "return_shipped", "received", "inspected", "refunded"]),
    ("exchange", ["approve", "ship_return", "receive", "inspect", "ship_replacement", "complete"],
     ["awaiting_return", "return_shipped", "received", "inspected", "replacement_shipped", "completed"]),
    ("reship", ["approve", "ship_replacement", "complete"], ["approved", "replacement_shipped", "completed"]),
    ("repair", ["approve", "receive", "ship_replacement", "complete"],
     ["awaiting_return", "received", "replacement_shipped", "completed"]),
])
def test_each_type_runs_its_documented_path(case_type, actions, statuses):
    assert walk(case_type, actions) == statuses


def test_every_table_uses_only_known_statuses_and_actions():
    assert set(TRANSITIONS) == set(CASE_TYPES)
    for table in TRANSITIONS.values():
        for (status, action), to_status in table.items():
            assert status in CASE_STATUSES and to_status in CASE_STATUSES and action in ACTIONS


def test_nothing_leaves_an_ended_status():
    for table in TRANSITIONS.values():
        assert not [key for key in table if key[0] in ENDED_STATUSES]


def test_an_exchange_cannot_be_refunded_and_a_refund_only_case_ships_nothing():
    with pytest.raises(IllegalTransition):
        next_status(Case("exchange", "inspected"), "refund")
    with pytest.raises(IllegalTransition):
        next_status(Case("refund_only", "approved"), "ship_replacement")


def test_an_illegal_step_names_what_the_case_could_do():
    with pytest.raises(IllegalTransition) as error:
        next_status(Case("return_refund", "requested"), "receive")
    assert error.value.allowed == ["approve", "reject", "cancel"]
    assert "can: approve, reject, cancel" in str(error.value)


def test_the_appeal_is_one_and_then_the_rejection_is_final():
    assert next_status(Case("exchange", "rejected"), "appeal") == "requested"
    used = Case("exchange", "rejected", appeal_used=True)
    with pytest.raises(IllegalTransition, match="already appealed"):
        next_status(used, "appeal")
    assert "appeal" not in allowed_actions(used)
    assert not is_ended("rejected", False) and is_ended("rejected", True)


def test_the_buyer_may_cancel_only_before_goods_come_back():
    assert next_status(Case("return_refund", "awaiting_return"), "cancel") == "cancelled"
    for status in ("return_shipped", "received", "inspected"):
        with pytest.raises(IllegalTransition):
            next_status(Case("return_refund", status), "cancel")


def test_a_refusal_names_only_steps_a_person_can_take():
    """Probe 14: an awaiting_return case refused `approve` saying it could also `close`, which only its timer does."""
    with pytest.raises(IllegalTransition) as refused:
        next_status(Case("return_refund", "awaiting_return"), "approve")
    assert "close" in refused.value.allowed  # the flow's own list keeps the timer's step
    assert str(refused.value).endswith("; it can: cancel, ship_return, receive")
