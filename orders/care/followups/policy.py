"""Follow-up rules: when a task is due, which deliveries get one, and who is next in the rotation (pure).

Delivery follow-ups are not made for every order: after a flash sale that would be thousands of calls. The
default rule ("first_or_amount") opens one for a buyer's first delivered order and for orders of ¥500 or more;
"all" and "none" are the other modes. Cases, complaints and low survey ratings always get one.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

DELIVERY_MODES = ("first_or_amount", "all", "none")
DEFAULT_MIN_TOTAL = Decimal("500.00")
LATEST_DUE = timedelta(days=365)  # a task due later than this is a typing mistake
# How long the agent has, from the moment the task is opened, per source.
DUE_AFTER: Mapping[str, timedelta] = {
    "delivery": timedelta(days=3),
    "case": timedelta(days=2),
    "complaint": timedelta(days=2),
    "survey": timedelta(days=1),  # an unhappy buyer is called back first
    "manual": timedelta(days=2),
}


@dataclass(frozen=True)
class DeliveryRule:
    """Which delivered orders get a follow-up: mode (first_or_amount, all, none) and the amount of first_or_amount."""

    mode: str = "first_or_amount"
    min_total: Decimal = DEFAULT_MIN_TOTAL

    @classmethod
    def parse(cls, mode: str | None, min_total: str | Decimal | None) -> DeliveryRule:
        """Return the rule of a mode name and an amount (None: the defaults); ValueError for unknown values."""
        mode = (mode or cls.mode).strip()
        if mode not in DELIVERY_MODES:
            raise ValueError(f"the delivery follow-up mode must be one of {', '.join(DELIVERY_MODES)}")
        try:
            amount = DEFAULT_MIN_TOTAL if min_total in (None, "") else Decimal(str(min_total))
        except InvalidOperation:
            raise ValueError("the delivery follow-up amount must be a number") from None
        if not amount.is_finite() or amount < 0:
            raise ValueError("the delivery follow-up amount must be 0 or more")
        return cls(mode, amount)


def wants_delivery_followup(rule: DeliveryRule, order_total: Decimal, earlier_deliveries: int) -> bool:
    """Return True when a delivered order of this total gets a follow-up, given the buyer's earlier deliveries."""
    if rule.mode == "all":
        return True
    if rule.mode == "none":
        return False
    return earlier_deliveries == 0 or order_total >= rule.min_total


def due_at(source: str, opened_at: datetime) -> datetime:
    """Return when a task of source opened at opened_at is due."""
    return opened_at + DUE_AFTER[source]


def is_overdue(status: str, due: datetime, now: datetime) -> bool:
    """Return True for an open task whose due time has passed."""
    return status == "open" and due < now


def next_assignee(open_tasks_by_agent: Sequence[tuple[int, int]]) -> int | None:
    """Return the agent (user id) with the fewest open tasks, the lowest id on a tie; None when there is nobody.

    Given (user id, open tasks) for every agent in the rotation: with equal loads this is round-robin.
    """
    if not open_tasks_by_agent:
        return None
    return min(open_tasks_by_agent, key=lambda pair: (pair[1], pair[0]))[0]
