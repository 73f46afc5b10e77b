"""The after-sales flow as data (pure): which action moves a case of which type from which status to which.

    requested ──approve──▶ approved (refund_only, reship) | awaiting_return (return_refund, exchange, repair)
        └──reject──▶ rejected ──appeal (once)──▶ requested
    awaiting_return ──ship_return──▶ return_shipped ──receive──▶ received ──inspect──▶ inspected
    approved | received | inspected | return_shipped ──refund──▶ refunded            (refund types)
    approved | received | inspected ──ship_replacement──▶ replacement_shipped ──complete──▶ completed
    requested | approved | awaiting_return | rejected ──cancel──▶ cancelled           (the buyer withdraws)
    awaiting_return ──close──▶ closed                                                 (no return within its time)

A rejection whose one appeal is spent is final: the case has ended and takes no action, not even cancel.
Anything not in the table is an IllegalTransition (the API answers 409 illegal_transition).
While a refund of the case waits for its payout (pending), the case neither refunds again nor is cancelled
(WAITS_FOR_PAYOUT): the payout is recorded first (succeed / fail), so a case never ends with money in flight.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

REFUND_TYPES = frozenset({"refund_only", "return_refund"})
# Types whose goods come back to us before the case goes on.
RETURN_TYPES = frozenset({"return_refund", "exchange", "repair"})
# Types that end with something shipped to the buyer (a replacement, the missing item, the repaired one).
REPLACEMENT_TYPES = frozenset({"exchange", "reship", "repair"})
# Types whose shipped replacement takes units from stock (a repair sends the buyer's own item back).
STOCK_REPLACEMENT_TYPES = frozenset({"exchange", "reship"})

ACTIONS = ("approve", "reject", "appeal", "cancel", "ship_return", "receive", "inspect", "refund",
           "ship_replacement", "complete", "close")
# Statuses after which nothing more happens to a case (rejected ends too once the appeal is used or has expired).
ENDED_STATUSES = frozenset({"refunded", "completed", "cancelled", "closed"})

_CANCELLABLE = ("requested", "approved", "awaiting_return", "rejected")
# Actions refused (409 refund_pending) while a refund of the case waits for its payout: a second refund would be
# paid twice; a cancel would end the case with the payout unrecorded and the paid amount held by the pending refund.
WAITS_FOR_PAYOUT = frozenset({"refund", "cancel"})


def _table(case_type: str) -> dict[tuple[str, str], str]:
    """Return {(status, action): next status} for one case type."""
    moves = {("requested", "reject"): "rejected", ("rejected", "appeal"): "requested"}
    moves.update({(status, "cancel"): "cancelled" for status in _CANCELLABLE})
    if case_type in RETURN_TYPES:
        moves.update({
            ("requested", "approve"): "awaiting_return",
            ("awaiting_return", "ship_return"): "return_shipped",
            ("awaiting_return", "receive"): "received",  # the parcel came before the buyer gave its tracking
            ("return_shipped", "receive"): "received",
            ("received", "inspect"): "inspected",
            ("awaiting_return", "close"): "closed",
        })
    else:
        moves[("requested", "approve")] = "approved"
    if case_type in REFUND_TYPES:
        sources = ("approved",) if case_type == "refund_only" else ("return_shipped", "received", "inspected")
        moves.update({(status, "refund"): "refunded" for status in sources})
    if case_type in REPLACEMENT_TYPES:
        sources = ("approved",) if case_type == "reship" else ("received", "inspected")
        moves.update({(status, "ship_replacement"): "replacement_shipped" for status in sources})
        moves[("replacement_shipped", "complete")] = "completed"
    return moves


TRANSITIONS: dict[str, dict[tuple[str, str], str]] = {
    case_type: _table(case_type) for case_type in ("refund_only", "return_refund", "exchange", "reship", "repair")}


class CaseLike(Protocol):
    """What the flow reads of a case."""

    type: str
    status: str
    appeal_used: bool


TIMER_ONLY = frozenset({"close"})  # a case is closed by its return timer, never by a person


class IllegalTransition(Exception):
    """An action a case cannot take in its status; names what a person could do instead (the case's `actions`)."""

    def __init__(self, case_type: str, status: str, action: str, allowed: list[str], message: str | None = None):
        self.case_type, self.status, self.action, self.allowed = case_type, status, action, allowed
        offered = [name for name in allowed if name not in TIMER_ONLY]
        super().__init__(message or (f"a {case_type} case that is {status} cannot {action}"
                                     + (f"; it can: {', '.join(offered)}" if offered else
                                        "; it waits for its timer" if allowed else "; it has ended")))


@dataclass(frozen=True)
class Move:
    """A legal move: the action and the status it leads to."""

    action: str
    to_status: str


def allowed_actions(case: CaseLike) -> list[str]:
    """Return the actions a case may take now, in ACTIONS order."""
    if is_ended(case.status, case.appeal_used):
        return []  # a final rejection too: nothing more happens to the case, not even a cancel
    table = TRANSITIONS.get(case.type, {})
    found = {action for (status, action) in table if status == case.status}
    return [action for action in ACTIONS if action in found]


def next_status(case: CaseLike, action: str) -> str:
    """Return the status action leads case to; raise IllegalTransition when the flow does not allow it."""
    to_status = TRANSITIONS.get(case.type, {}).get((case.status, action))
    if to_status is None:
        raise IllegalTransition(case.type, case.status, action, allowed_actions(case))
    if action == "appeal" and case.appeal_used:
        raise IllegalTransition(case.type, case.status, action, allowed_actions(case),
                                "the buyer has already appealed this case once")
    if is_ended(case.status, case.appeal_used):
        raise IllegalTransition(case.type, case.status, action, [])
    return to_status


def is_ended(status: str, appeal_used: bool) -> bool:
    """Return True when a case in status is over: nothing more will happen to it.

    A rejected case is over once its one appeal is spent: used by the buyer, or let lapse (the appeal timer
    sets appeal_used when the window passes).
    """
    if status == "rejected":
        return appeal_used
    return status in ENDED_STATUSES


def is_legal(case_type: str, from_status: str, action: str, to_status: str) -> bool:
    """Return True when the flow moves a case of case_type from from_status by action to to_status."""
    return TRANSITIONS.get(case_type, {}).get((from_status, action)) == to_status
