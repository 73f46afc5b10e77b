"""What the survey and follow-up listeners need to know about the thing a signal names (pure reads).

After-sales cases (orders/aftersales) and complaints (orders/care/complaints) are other domains' rows; only
their public attributes are read, by name, so that these listeners need no import of those domains:

- a case: ``id``, ``order_pk`` (or ``order``), ``reason``, ``claimed_by`` (the agent's user id);
- a complaint: ``id``, ``order_pk`` (or ``order``), ``buyer_id``, ``category`` (or ``reason``), ``reopen_count``, and the agent as
  ``assignee_id`` / ``assigned_to`` / ``claimed_by`` (a user id) or ``assignee`` / ``handled_by`` (a username).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.auth.models import User
from orders.models import Order

_AGENT_IDS = ("assignee_id", "assigned_to", "claimed_by", "handled_by_id")
_AGENT_NAMES = ("assignee", "handled_by", "agent")


@dataclass(frozen=True)
class Subject:
    """A closed case or resolved complaint as the listeners see it: its id, order, buyer, agent and reason."""

    id: int
    order: Order | None
    buyer_id: str | None
    agent: str | None
    reason: str | None
    round: int = 0  # a complaint reopened and resolved again is in a later round

    @property
    def round_key(self) -> str:
        """Return the id, with the round after the first ("8", "8:1"): one follow-up per resolution."""
        return f"{self.id}:{self.round}" if self.round else str(self.id)


def _order_of(session: Session, thing: Any, order: Order | None = None) -> Order | None:
    """Return the order a case or complaint is about (given, its order attribute, or by order_pk)."""
    if order is not None:
        return order
    related = getattr(thing, "order", None)
    if isinstance(related, Order):
        return related
    order_pk = getattr(thing, "order_pk", None)
    return session.get(Order, order_pk) if isinstance(order_pk, int) else None


def _agent_of(session: Session, thing: Any) -> str | None:
    """Return the username of who handled the case or complaint, when it says."""
    for name in _AGENT_IDS:
        value = getattr(thing, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            user = session.get(User, value)
            return user.username if user else None
        if isinstance(value, User):
            return value.username
    for name in _AGENT_NAMES:
        value = getattr(thing, name, None)
        if isinstance(value, User):
            return value.username
        if isinstance(value, str) and value.strip():
            return value.strip()[:64]
    return None


def _text(value: Any) -> str | None:
    return str(value)[:64] if value not in (None, "") else None


def case_subject(session: Session, case: Any, order: Order | None = None) -> Subject:
    """Return the subject of an after-sales case that ended."""
    found = _order_of(session, case, order)
    return Subject(id=int(case.id), order=found, buyer_id=found.buyer_id if found else None,
                   agent=_agent_of(session, case), reason=_text(getattr(case, "reason", None)))


def complaint_subject(session: Session, complaint: Any) -> Subject:
    """Return the subject of a resolved complaint."""
    found = _order_of(session, complaint)
    buyer = getattr(complaint, "buyer_id", None) or (found.buyer_id if found else None)
    reason = getattr(complaint, "category", None) or getattr(complaint, "reason", None)
    rounds = getattr(complaint, "reopen_count", 0)
    return Subject(id=int(complaint.id), order=found, buyer_id=_text(buyer), agent=_agent_of(session, complaint),
                   reason=_text(reason), round=rounds if isinstance(rounds, int) and rounds > 0 else 0)
