"""Group commit across requests: concurrent writes share one transaction, and each is answered after its commit.

Platforms push one event per request, many at once; one commit (one fsync, one WAL flush) per request caps a
server far below what the same work costs in batches. A request hands its write to the process's
``GroupCommit`` and waits. Whoever finds no group running leads: it takes every write waiting (up to a
bound), runs each in a savepoint of one transaction (a write that fails rolls back alone and gets its own
error), commits once with the queued pushes, then answers them all and hands the lead to the next waiter.
Durability is unchanged: no request is answered before the commit that holds its write.

A write may also be ``Mergeable``: the writes of one kind (their ``apply`` function) are merged by key and run
as one call per key, in key order, so ten requests of one order each cost what one request of ten orders does
(the events API merges by broadcast and source: live.ingest.merged.ingest_batches). The merged call runs in one
savepoint; if it fails for a reason of its own, each of its writes runs alone so that only the bad one fails.

A commit that fails as a whole (a deadlock on PostgreSQL, a lost connection) is retried as a group, and so is a
write that meets a deadlock (the deadlock is the transaction's, not the write's); when the group still fails,
each write runs alone with the same retries, so one bad write cannot fail the others. Works with real threads (tests,
threading mode) and with eventlet's green threads (the locks and events are patched there).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from app import realtime
from app.db.transactions import retryable, run_with_retry

Write = Callable[[Session], Any]
MAX_GROUP_WRITES = 64
# Before taking a group, the leader yields while more writes keep arriving: under eventlet the database calls
# do not yield, so requests already read from their sockets reach the queue only when the leader lets them run.
GATHER_ROUNDS = 4


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
class _Pending:
    """One request's write, waiting for its group's commit."""

    write: Write
    weight: int
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    answered: bool = False
    result: Any = None
    error: BaseException | None = None


@dataclass
class GroupStats:
    """How many groups were committed, how many writes they held, how often one ran again (for benches and tests)."""

    groups: int = 0
    writes: int = 0
    largest: int = 0
    reruns: int = 0  # a group run again from the start (a deadlock or lock timeout), or its writes run alone


class GroupCommit:
    """Merges concurrent writes of one process into shared transactions."""

    def __init__(self, max_writes: int = MAX_GROUP_WRITES, max_weight: int = 2000) -> None:
        self.max_writes = max_writes
        self.max_weight = max_weight
        self.stats = GroupStats()
        self._lock = threading.Lock()
        self._waiting: list[_Pending] = []
        self._leading = False

    def run(self, session: Session, write: Write, weight: int = 1) -> Any:
        """Return write(session)'s result once it is committed (sharing the commit with concurrent writes).

        write must not commit; it may raise, which rolls back only its own changes and is raised here. weight
        (e.g. the events of a request) bounds how much one group takes on.
        """
        # The caller's own transaction ends first: on SQLite every transaction takes the write lock (BEGIN
        # IMMEDIATE), and a waiter holding it would stall the leader's write until the busy timeout.
        session.commit()
        pending = _Pending(write, max(1, weight))
        with self._lock:
            self._waiting.append(pending)
            pending.lead = not self._leading
            self._leading = True
        while True:
            if pending.lead:
                pending.lead = False
                self._lead(session)
            pending.done.wait()
            if pending.answered:
                break
            pending.done.clear()  # woken to lead the next group, which holds this write
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _take_group(self) -> list[_Pending]:
        """Return the next writes to commit together, in arrival order, within the bounds."""
        with self._lock:
            group, weight = [], 0
            while self._waiting and len(group) < self.max_writes:
                candidate = self._waiting[0]
                if group and weight + candidate.weight > self.max_weight:
                    break
                group.append(self._waiting.pop(0))
                weight += candidate.weight
            return group

    def _gather(self) -> None:
        """Yield to other requests while the queue grows, so they join this group instead of waiting a whole one."""
        seen = len(self._waiting)
        for _ in range(GATHER_ROUNDS):
            time.sleep(0)
            now = len(self._waiting)
            if now == seen or now >= self.max_writes:
                return
            seen = now

    def _lead(self, session: Session) -> None:
        """Commit one group on session, answer it, and hand the lead to the next waiter (or give it up)."""
        self._gather()
        group = self._take_group()
        try:
            if group:
                self._commit_group(session, group)
        finally:
            for pending in group:
                pending.lead, pending.answered = False, True
                pending.done.set()
            with self._lock:
                if self._waiting:
                    successor = self._waiting[0]
                    successor.lead = True
                    successor.done.set()  # wakes it to lead; it is answered by a later group
                else:
                    self._leading = False

    def _commit_group(self, session: Session, group: list[_Pending]) -> None:
        """Run every write of group in its own savepoint of one transaction, and commit them together."""
        attempts = []

        def together() -> None:
            attempts.append(1)
            if len(attempts) > 1:
                self.stats.reruns += 1
            kinds: dict[Callable, dict[Hashable, list[_Pending]]] = {}
            for pending in group:
                pending.result, pending.error = None, None
                if isinstance(pending.write, Mergeable):
                    kinds.setdefault(pending.write.apply, {}).setdefault(pending.write.key, []).append(pending)
            for apply, by_key in kinds.items():
                self._run_merged(session, apply, by_key)
            for pending in group:
                if not isinstance(pending.write, Mergeable):
                    self._run_saved(session, pending)
            realtime.commit(session)

        try:
            run_with_retry(together)
        except Exception:
            session.rollback()
            realtime.discard(session)
            self.stats.reruns += 1
            for pending in group:
                self._commit_alone(session, pending)
        self.stats.groups += 1
        self.stats.writes += len(group)
        self.stats.largest = max(self.stats.largest, len(group))

    @staticmethod
    def _run_saved(session: Session, pending: _Pending) -> None:
        """Run one write in its own savepoint; its failure is kept for its request (a deadlock is the group's)."""
        savepoint = session.begin_nested()
        try:
            pending.result = pending.write(session)
            savepoint.commit()
        except Exception as error:  # noqa: BLE001  the write's own failure, answered to its request
            if retryable(error):
                raise  # a deadlock is the group's, not the write's: the whole group runs again
            savepoint.rollback()
            pending.error = error

    def _run_merged(self, session: Session, apply: Callable, by_key: dict[Hashable, list[_Pending]]) -> None:
        """Run the writes of one kind as one call of apply (keys in order) and hand each write its results."""
        keys = sorted(by_key)
        savepoint = session.begin_nested()
        try:
            outputs = apply(session, [(key, [item for pending in by_key[key] for item in pending.write.items])
                                      for key in keys])
            savepoint.commit()
        except Exception as error:  # noqa: BLE001
            if retryable(error):
                raise
            savepoint.rollback()
            for key in keys:  # one write broke the merged call: each runs alone, so only it fails
                for pending in by_key[key]:
                    self._run_saved(session, pending)
            return
        for key, output in zip(keys, outputs):
            start = 0
            for pending in by_key[key]:
                if isinstance(output, BaseException):
                    pending.error = output
                    continue
                pending.result = output[start:start + len(pending.write.items)]
                start += len(pending.write.items)

    @staticmethod
    def _commit_alone(session: Session, pending: _Pending) -> None:
        """Run and commit one write by itself (after its group could not commit)."""
        def alone() -> Any:
            result = pending.write(session)
            realtime.commit(session)
            return result

        try:
            pending.result, pending.error = run_with_retry(alone), None
        except Exception as error:  # noqa: BLE001
            session.rollback()
            realtime.discard(session)
            pending.result, pending.error = None, error


def group_commit_on(config) -> bool:
    """Return True when event requests share transactions: INGEST_GROUP_COMMIT "auto" (the default) or "1".

    "0" commits each request alone. On SQLite one writer holds the database anyway, so a group costs no
    concurrency and saves a commit (an fsync) per request. On PostgreSQL a group takes its row locks in one
    global order (stock rows by SKU, then each broadcast's rollup state and push counter by broadcast id:
    live.ingest.merged.ingest_batches), so the groups of several servers queue on shared rows instead of deadlocking.
    """
    setting = str(config.get("INGEST_GROUP_COMMIT", "auto")).lower()
    return setting in ("1", "true", "on", "auto")


def group_commit(app: Flask) -> GroupCommit:
    """Return the app's group committer (one per app and process)."""
    found = app.extensions.get("livedesk_group_commit")
    if found is None:
        found = app.extensions["livedesk_group_commit"] = GroupCommit()
    return found
