"""What the group committer takes: a request's write, a mergeable write, a write waiting for its group; its counts."""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

Write = Callable[[Session], Any]


@dataclass(frozen=True)
class Mergeable:
    """A write that a group may merge with the others of its kind and key into one call of apply.

    apply(session, [(key, items), ...]) returns, per (key, items) and in that order, a list with one result per
    item, or an exception that answers every write of that key. Keys must sort (merged calls run in key order,
    so their locks are taken in one order). A write's result is the list of its own items' results.
    """

    apply: Callable[[Session, list[tuple[Hashable, list]]], list]
    key: Hashable
    items: list

    def __call__(self, session: Session) -> list:
        """Return the results of this write's items, applied alone."""
        output = self.apply(session, [(self.key, self.items)])[0]
        if isinstance(output, BaseException):
            raise output
        return output


@dataclass
class Pending:
    """One request's write, waiting for its group's commit."""

    write: Write
    weight: int
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    answered: bool = False
    sent: tuple | None = None  # (its group, the error sending it) when the previous leader sent this one's group
    result: Any = None
    error: BaseException | None = None


@dataclass
class GroupStats:
    """How many groups were committed, how many writes they held, how often one ran again (for benches and tests)."""

    groups: int = 0
    writes: int = 0
    largest: int = 0
    reruns: int = 0  # a group run again from the start (a deadlock or lock timeout), or its writes run alone

    def count(self, group: list) -> None:
        """Count one committed group."""
        self.groups += 1
        self.writes += len(group)
        self.largest = max(self.largest, len(group))
