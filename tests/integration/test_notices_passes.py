"""Buyer notice delivery passes on SQLite and PostgreSQL: commits per pass, outcomes in chunks, a slow or failing
channel, workers during and across passes, the lease's half-time stop."""
from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from orders.notices.channels import LogChannel
from orders.notices.models import BuyerNotice
from orders.notices.service import LEASE, MAX_ATTEMPTS, backoff, deliver_due, queue_notice
from tests.support.notices import T0, FakeClock, Recorder, Transactions, make_order, notice, queue_many


def test_a_pass_costs_two_commits_whether_it_sends_one_notice_or_fifteen(ctx):
    queue_many(ctx, 1)
    with Transactions(db.engine) as one:
        assert deliver_due(ctx, LogChannel(), T0)["sent"] == 1
    queue_many(ctx, 15, order_id="O-2")
    with Transactions(db.engine) as fifteen:
        assert deliver_due(ctx, LogChannel(), T0)["sent"] == 15
    # One transaction leases the pass (one UPDATE), one records its outcomes (one UPDATE for all sent).
    assert (one.commits, one.updates) == (2, 2)
    assert (fifteen.commits, fifteen.updates) == (2, 2)
    with Transactions(db.engine) as idle:
        assert deliver_due(ctx, LogChannel(), T0)["sent"] == 0
    assert (idle.commits, idle.updates) == (1, 0)


def test_outcomes_are_committed_every_20_sends_so_a_crash_resends_at_most_a_chunk(ctx):
    ids = queue_many(ctx, 45)
    seen_sent = []

    def count_sent(_payload: dict) -> None:
        with db.engine.connect() as other:  # what a worker starting after a crash would find
            seen_sent.append(other.scalar(sa.select(sa.func.count()).where(BuyerNotice.status == "sent")))

    with Transactions(db.engine) as pass_:
        counts = deliver_due(ctx, Recorder(before_send=count_sent), T0, clock=FakeClock())
    assert counts == {"sent": 45, "retrying": 0, "failed": 0, "skipped": 0}
    assert pass_.commits == 1 + 3  # the lease, then chunks of 20, 20 and 5
    assert seen_sent == [0] * 20 + [20] * 20 + [40] * 5
    assert {notice(ctx, i).status for i in ids} == {"sent"}


def test_a_slow_channel_has_its_outcomes_committed_every_half_second(ctx):
    queue_many(ctx, 5)
    clock = FakeClock()

    def slow(_payload: dict) -> None:
        clock.t += 0.3

    with Transactions(db.engine) as pass_:
        assert deliver_due(ctx, Recorder(before_send=slow), T0, clock=clock)["sent"] == 5
    assert pass_.commits == 1 + 3  # after sends 2 and 4 (0.6 s each), then the last one


def test_a_failing_channel_for_some_notices_leaves_the_others_sent(ctx):
    ids = queue_many(ctx, 6)
    ctx.execute(sa.update(BuyerNotice).where(BuyerNotice.id == ids[4]).values(attempts=MAX_ATTEMPTS - 1))
    ctx.execute(sa.update(BuyerNotice).where(BuyerNotice.id == ids[0]).values(last_error="old trouble"))
    ctx.commit()
    payload_ids = [notice(ctx, i).payload["id"] for i in ids]
    channel = Recorder(fail=frozenset({payload_ids[1], payload_ids[4]}))

    with Transactions(db.engine) as pass_:
        counts = deliver_due(ctx, channel, T0, rng=random.Random(3))
    assert counts == {"sent": 4, "retrying": 1, "failed": 1, "skipped": 0}
    assert pass_.commits == 2 and set(channel.ids.values()) == {1} and len(channel.ids) == 6
    rows = [notice(ctx, i) for i in ids]
    assert [row.status for row in rows] == ["sent", "pending", "sent", "sent", "failed", "sent"]
    assert {(row.sent_at, row.last_error) for row in rows if row.status == "sent"} == {(T0, None)}
    retrying, gave_up = rows[1], rows[4]
    assert (retrying.attempts, retrying.last_error) == (1, "DeliveryError: HTTP 503: busy")
    assert retrying.next_attempt_at == T0 + backoff(1, random.Random(3))
    assert (gave_up.attempts, gave_up.sent_at, gave_up.last_error) == (MAX_ATTEMPTS, None, "DeliveryError: HTTP 503: busy")


def test_a_second_worker_during_a_pass_finds_every_notice_leased(any_app, ctx):
    ids = queue_many(ctx, 8)
    second, seconds = Recorder(), []

    def second_worker_runs(_payload: dict) -> None:
        if not seconds:  # while the first worker sends its first notice
            with Session(db.engine) as other:
                seconds.append(deliver_due(other, second, T0))

    first = Recorder(before_send=second_worker_runs)
    assert deliver_due(ctx, first, T0)["sent"] == 8
    assert seconds == [{"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}] and not second.ids
    assert len(first.ids) == 8 and set(first.ids.values()) == {1}
    assert {(notice(ctx, i).status, notice(ctx, i).attempts) for i in ids} == {("sent", 1)}


def test_two_workers_racing_pass_after_pass_never_send_a_notice_twice(any_app, ctx):
    ids = queue_many(ctx, 60)
    channel, barrier, totals = Recorder(before_send=lambda _payload: time.sleep(0.001)), threading.Barrier(2), []

    def work() -> None:
        with any_app.app_context():
            barrier.wait(timeout=30)
            while (counts := deliver_due(db.session, channel, T0, batch=7))["sent"] or counts["skipped"]:
                totals.append(counts)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(t["sent"] for t in totals) == 60 and sum(t["retrying"] + t["failed"] for t in totals) == 0
    assert len(channel.ids) == 60 and set(channel.ids.values()) == {1}
    assert {(notice(ctx, i).status, notice(ctx, i).attempts) for i in ids} == {("sent", 1)}


def test_no_send_starts_after_half_the_lease_and_the_rest_is_given_back_as_it_was(ctx):
    order = make_order(ctx)
    ids = [queue_notice(ctx, order, "payment_failed", dedupe=f"evt-{i}", now=T0 - timedelta(minutes=5 - i)).id
           for i in range(5)]
    ctx.execute(sa.update(BuyerNotice).where(BuyerNotice.id == ids[4]).values(attempts=2, channel="webhook"))
    ctx.commit()
    clock = FakeClock()

    def slow(_payload: dict) -> None:
        clock.t += LEASE.total_seconds() / 3

    counts = deliver_due(ctx, Recorder(before_send=slow), T0, clock=clock)
    assert counts == {"sent": 2, "retrying": 0, "failed": 0, "skipped": 3}
    given_back = [notice(ctx, i) for i in ids[2:]]
    assert [(r.status, r.attempts, r.channel) for r in given_back] == [("pending", 0, None), ("pending", 0, None),
                                                                        ("pending", 2, "webhook")]
    assert [r.next_attempt_at for r in given_back] == [T0 - timedelta(minutes=m) for m in (3, 2, 1)]
    assert deliver_due(ctx, LogChannel(), T0) == {"sent": 3, "retrying": 0, "failed": 0, "skipped": 0}
