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

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from app import realtime
from app.db.group_commit.process import WriterLost, apply_name
from app.db.group_commit.writes import GroupStats, Mergeable, Pending, Write
from app.db.transactions import retryable, run_with_retry

__all__ = ["GroupCommit", "GroupStats", "Mergeable", "Pending", "Write", "WriterLost", "group_commit",
           "group_commit_on"]

logger = logging.getLogger("livedesk.ingest")
MAX_GROUP_WRITES = 64
# Before taking a group, the leader yields while more writes keep arriving: under eventlet the database calls
# do not yield, so requests already read from their sockets reach the queue only when the leader lets them run.
GATHER_ROUNDS = 4


class GroupCommit:
    """Merges concurrent writes of one process into shared transactions."""

    def __init__(self, max_writes: int = MAX_GROUP_WRITES, max_weight: int = 2000) -> None:
        self.max_writes = max_writes
        self.max_weight = max_weight
        self.stats = GroupStats()
        self._lock = threading.Lock()
        self._waiting: list[Pending] = []
        self._leading = False
        # Set on a served process (app.db.group_commit.writer): merged groups run in the writer process, not here.
        self.remote = None

    def run(self, session: Session, write: Write, weight: int = 1) -> Any:
        """Return write(session)'s result once it is committed (sharing the commit with concurrent writes).

        write must not commit; it may raise, which rolls back only its own changes and is raised here. weight
        (e.g. the events of a request) bounds how much one group takes on.
        """
        # The caller's own transaction ends first: on SQLite every transaction takes the write lock (BEGIN
        # IMMEDIATE), and a waiter holding it would stall the leader's write until the busy timeout.
        session.commit()
        pending = Pending(write, max(1, weight))
        if self.remote is not None and not isinstance(write, Mergeable):
            self._commit_alone(session, pending)  # only merged writes go to the writer process
            return self._outcome(pending)
        with self._lock:
            self._waiting.append(pending)
            pending.lead = not self._leading
            self._leading = True
        while True:
            if pending.lead:
                pending.lead = False
                self._lead(session, pending)
            pending.done.wait()
            if pending.answered:
                break
            pending.done.clear()  # woken to lead the next group, which holds this write
        return self._outcome(pending)

    @staticmethod
    def _outcome(pending: Pending) -> Any:
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _take_group(self) -> list[Pending]:
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

    def _lead(self, session: Session, leader: Pending) -> None:
        """Commit one group on session, hand the lead to the next waiter (or give it up), then answer the group."""
        if self.remote is not None:
            self._lead_remotely(leader)
            return
        self._gather()
        group = self._take_group()
        try:
            if group:
                self.commit_group(session, group)
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

    def commit_group(self, session: Session, group: list[Pending]) -> None:
        """Run every write of group in its own savepoint of one transaction, and commit them together."""
        attempts = []

        def together() -> None:
            attempts.append(1)
            if len(attempts) > 1:
                self.stats.reruns += 1
            kinds: dict[Callable, dict[Hashable, list[Pending]]] = {}
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
        self.stats.count(group)

    def _lead_remotely(self, leader: Pending) -> None:
        """Wait for the writer process to answer the group that holds leader (sending it first when no one has).

        As soon as the writer answers, the writes that arrived meanwhile go to it as the next group, led by their
        first write, and only then is this group answered and are its pushes emitted: the writer never waits on
        this process's answering, and groups are whatever arrived while it worked.
        """
        group, lost = leader.sent or self._send(self._take_group())
        leader.sent = None
        outcomes: list = []
        pushes: list = []
        if lost is None:
            try:
                outcomes, pushes = self.remote.receive_group()
            except Exception as error:  # noqa: BLE001  the writer is gone: every write of the group is told
                outcomes, lost = [], error
        following: list[Pending] = []
        while not following:
            following = self._take_group()
            with self._lock:
                if not following and not self._waiting:
                    self._leading = False
                    break
        if following:
            successor = following[0]
            successor.sent, successor.lead = self._send(following), True
            successor.done.set()
        for pending, (result, error) in zip(group, outcomes or [(None, lost)] * len(group)):
            pending.result, pending.error = result, error
        self.stats.count(group)
        try:
            realtime.emit_captured(pushes)
        except Exception:  # noqa: BLE001  the group is committed: its requests are answered all the same
            logger.exception("the pushes of a committed group could not be emitted")
        for pending in group:
            pending.answered = True
            pending.done.set()

    def _send(self, group: list[Pending]) -> tuple[list[Pending], BaseException | None]:
        """Return (group, None) once the writer process has group, or (group, the error) when it could not take it."""
        try:
            self.remote.send_group([(apply_name(pending.write.apply), pending.write.key, pending.write.items)
                                    for pending in group])
            return group, None
        except Exception as error:  # noqa: BLE001  answered to every write of the group
            return group, error

    @staticmethod
    def _run_saved(session: Session, pending: Pending) -> None:
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

    def _run_merged(self, session: Session, apply: Callable, by_key: dict[Hashable, list[Pending]]) -> None:
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
    def _commit_alone(session: Session, pending: Pending) -> None:
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
