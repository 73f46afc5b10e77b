"""The buyer notice outbox on SQLite and PostgreSQL: queueing once, delivery, retries, leases and channels."""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import background
from app.auth.tokens import signature_valid
from app.extensions import db
from live.models import Broadcast
from orders.expiry import sweep
from orders.models import Order
from orders.notices.channels import DeliveryError, LogChannel, WebhookChannel, channel_from_config
from orders.notices.jobs import deliver_job, register_notice_jobs
from orders.notices.models import BuyerNotice
from orders.notices.service import LEASE, MAX_ATTEMPTS, backoff, deliver_due, notices_for_order, queue_notice
from tests.support.api import now_iso, order_event

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SECRET = "notice-secret"


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that checks signatures and fails the first `fail_first` requests."""

    def __init__(self) -> None:
        self.fail_first = 0
        self.lock = threading.Lock()
        self.received: list[tuple[bool, bytes]] = []
        self.url = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = signature_valid(self.headers.get("X-LiveDesk-Signature"), body, [SECRET], time.time(), 300)
                with receiver.lock:
                    receiver.received.append((valid, body))
                    n = len(receiver.received)
                status = 401 if not valid else 500 if n <= receiver.fail_first else 200
                reply = b"boom" if status == 500 else b""
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def ids(self) -> Counter:
        """Return how often each notice id arrived with a valid signature."""
        return Counter(json.loads(body)["id"] for valid, body in self.received if valid)


@pytest.fixture
def receiver():
    recv = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), recv.handler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    recv.url = f"http://127.0.0.1:{server.server_address[1]}/notices"
    yield recv
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def ctx(any_app):
    with any_app.app_context():
        yield db.session


def make_order(session, order_id: str = "O-1") -> Order:
    broadcast = session.scalar(sa.select(Broadcast)) or Broadcast(title="Live", platform="douyin")
    order = Order(order_id=order_id, source="in_stream", buyer_id=f"buyer-{order_id}",
                  total=Decimal("1234.50"), placed_at=T0)
    session.add(broadcast)
    session.flush()
    order.broadcast_id = broadcast.id
    session.add(order)
    session.commit()
    return order


def notice(session, notice_id: int) -> BuyerNotice:
    session.expire_all()
    return session.get(BuyerNotice, notice_id)


def test_queued_notice_is_pending_bilingual_and_due_now(ctx):
    order = make_order(ctx)
    row = queue_notice(ctx, order, "waitlisted", {"skus": ["TEA"]}, now=T0)
    ctx.commit()
    row = notice(ctx, row.id)
    assert (row.status, row.attempts, row.next_attempt_at, row.channel) == ("pending", 0, T0, None)
    assert row.message["zh-CN"].startswith("您的订单 O-1 已进入候补")
    assert row.payload["message"] == row.message
    assert (row.payload["kind"], row.payload["order_id"], row.payload["buyer_id"]) == ("waitlisted", "O-1", "buyer-O-1")
    assert row.payload["data"] == {"order_id": "O-1", "skus": ["TEA"]}


def test_same_event_is_queued_once_and_a_new_dedupe_key_queues_again(ctx):
    order = make_order(ctx)
    assert queue_notice(ctx, order, "payment_failed", {"amount": Decimal(9)}, dedupe="evt-1") is not None
    assert queue_notice(ctx, order, "payment_failed", {"amount": Decimal(9)}, dedupe="evt-1") is None
    assert queue_notice(ctx, order, "payment_failed", {"amount": Decimal(9)}, dedupe="evt-2") is not None
    assert queue_notice(ctx, order, "payment_failed", dedupe="x" * 300) is not None
    assert queue_notice(ctx, order, "payment_failed", dedupe="x" * 300) is None
    ctx.commit()
    assert ctx.scalar(sa.select(sa.func.count()).select_from(BuyerNotice)) == 3


def test_unknown_kind_is_refused_before_anything_is_stored(ctx):
    order = make_order(ctx)
    with pytest.raises(ValueError):
        queue_notice(ctx, order, "shipped")
    assert ctx.scalar(sa.select(sa.func.count()).select_from(BuyerNotice)) == 0


def test_concurrent_queueing_of_one_event_stores_one_notice(any_app, ctx):
    order_pk = make_order(ctx).id
    ctx.commit()  # reading the id began a transaction; on SQLite that holds the write lock
    barrier, results = threading.Barrier(6), []

    def queue():
        with any_app.app_context():
            order = db.session.get(Order, order_pk)
            db.session.commit()  # waiting at the barrier inside a transaction would hold SQLite's lock
            barrier.wait(timeout=30)
            results.append(queue_notice(db.session, order, "expired") is not None)
            db.session.commit()

    threads = [threading.Thread(target=queue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert ctx.scalar(sa.select(sa.func.count()).select_from(BuyerNotice)) == 1


def test_log_channel_sends_one_line_and_marks_the_notice_sent(ctx, caplog):
    order = make_order(ctx)
    row_id = queue_notice(ctx, order, "waitlisted", {"skus": ["A1\nforged line"]}, now=T0).id
    ctx.commit()
    with caplog.at_level(logging.INFO, logger="livedesk.notices"):
        counts = deliver_due(ctx, LogChannel(), T0)
    assert counts == {"sent": 1, "retrying": 0, "failed": 0, "skipped": 0}
    row = notice(ctx, row_id)
    assert (row.status, row.attempts, row.sent_at, row.channel) == ("sent", 1, T0, "log")
    [line] = [r.getMessage() for r in caplog.records if r.name == "livedesk.notices"]
    assert "\n" not in line and '"order_id":"O-1"' in line
    assert deliver_due(ctx, LogChannel(), T0 + timedelta(hours=1))["sent"] == 0


def test_webhook_is_retried_with_growing_backoff_and_ends_sent_after_3_attempts(ctx, receiver):
    receiver.fail_first = 2
    channel, rng = WebhookChannel(receiver.url, SECRET), random.Random(7)
    row_id = queue_notice(ctx, make_order(ctx), "promoted", now=T0).id
    ctx.commit()

    assert deliver_due(ctx, channel, T0, rng=rng)["retrying"] == 1
    first = notice(ctx, row_id)
    first_retry, first_error = first.next_attempt_at, first.last_error
    assert first.attempts == 1 and timedelta(seconds=2) <= first_retry - T0 <= timedelta(seconds=2.2)
    assert first_error == "DeliveryError: HTTP 500: boom"
    assert deliver_due(ctx, channel, first_retry - timedelta(milliseconds=1), rng=rng)["retrying"] == 0

    assert deliver_due(ctx, channel, first_retry, rng=rng)["retrying"] == 1
    second_retry = notice(ctx, row_id).next_attempt_at
    assert second_retry - first_retry > first_retry - T0
    assert timedelta(seconds=4) <= second_retry - first_retry <= timedelta(seconds=4.4)

    assert deliver_due(ctx, channel, second_retry, rng=rng)["sent"] == 1
    row = notice(ctx, row_id)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 3, second_retry, None)
    assert [valid for valid, _ in receiver.received] == [True, True, True]
    assert list(receiver.ids().values()) == [3]


def test_a_notice_that_always_fails_is_given_up_after_max_attempts(ctx, receiver):
    receiver.fail_first = 1000
    channel, now = WebhookChannel(receiver.url, SECRET), T0
    row_id = queue_notice(ctx, make_order(ctx), "expired", now=T0).id
    ctx.commit()
    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        counts = deliver_due(ctx, channel, now, rng=random.Random(1))
        outcomes.append("failed" if counts["failed"] else "retrying")
        now = notice(ctx, row_id).next_attempt_at
    assert outcomes == ["retrying"] * (MAX_ATTEMPTS - 1) + ["failed"]
    row = notice(ctx, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("failed", MAX_ATTEMPTS, None)
    assert "HTTP 500" in row.last_error
    assert deliver_due(ctx, channel, T0 + timedelta(days=1)) == {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    assert len(receiver.received) == MAX_ATTEMPTS


def test_a_receiver_refusing_the_signature_is_a_failure(receiver):
    with pytest.raises(DeliveryError, match="HTTP 401"):
        WebhookChannel(receiver.url, "not-the-secret").send({"id": "n-1"})
    assert receiver.received[0][0] is False


def test_a_worker_dying_mid_send_leaves_the_notice_leased_then_sent_again(ctx):
    class Crash(BaseException):
        pass

    class Crashing:
        name = "log"

        def send(self, notice_payload: dict) -> None:
            raise Crash()

    row_id = queue_notice(ctx, make_order(ctx), "received", {"total": Decimal(5)}, now=T0).id
    ctx.commit()
    with pytest.raises(Crash):
        deliver_due(ctx, Crashing(), T0)
    ctx.rollback()
    assert deliver_due(ctx, LogChannel(), T0 + LEASE - timedelta(seconds=1))["sent"] == 0
    assert deliver_due(ctx, LogChannel(), T0 + LEASE)["sent"] == 1
    assert notice(ctx, row_id).attempts == 2


def test_two_workers_at_once_send_each_notice_exactly_once(any_app, ctx, receiver):
    order = make_order(ctx)
    ids = [queue_notice(ctx, order, "payment_failed", dedupe=f"evt-{i}", now=T0).id for i in range(20)]
    ctx.commit()
    barrier, totals = threading.Barrier(2), []

    def work():
        with any_app.app_context():
            barrier.wait(timeout=30)
            totals.append(deliver_due(db.session, WebhookChannel(receiver.url, SECRET), T0))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(t["sent"] for t in totals) == 20
    assert sum(t["retrying"] + t["failed"] for t in totals) == 0
    assert len(receiver.received) == 20 and set(receiver.ids().values()) == {1}
    assert {notice(ctx, i).status for i in ids} == {"sent"}


class Recorder:
    """A channel that records each payload id it is given and fails for the ids in `fail` (thread-safe)."""

    name = "log"

    def __init__(self, fail: frozenset[str] = frozenset(), before_send=None) -> None:
        self.fail, self.before_send, self.lock, self.ids = fail, before_send, threading.Lock(), Counter()

    def send(self, notice_payload: dict) -> None:
        if self.before_send:
            self.before_send(notice_payload)
        with self.lock:
            self.ids[notice_payload["id"]] += 1
        if notice_payload["id"] in self.fail:
            raise DeliveryError("HTTP 503: busy")


class FakeClock:
    """A monotonic clock that moves only when a test moves it."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class Transactions:
    """Counts the COMMITs and UPDATE statements the engine runs while it listens."""

    def __init__(self, engine) -> None:
        self.engine, self.commits, self.updates = engine, 0, 0

    def _commit(self, conn) -> None:
        self.commits += 1

    def _execute(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.updates += statement.lstrip().upper().startswith("UPDATE")

    def __enter__(self) -> Self:
        sa.event.listen(self.engine, "commit", self._commit)
        sa.event.listen(self.engine, "before_cursor_execute", self._execute)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(self.engine, "commit", self._commit)
        sa.event.remove(self.engine, "before_cursor_execute", self._execute)


def queue_many(session, count: int, now: datetime = T0, order_id: str = "O-1") -> list[int]:
    """Return the ids of count pending notices of one order, due at now, committed."""
    order = make_order(session, order_id)
    ids = [queue_notice(session, order, "payment_failed", dedupe=f"evt-{i}", now=now).id for i in range(count)]
    session.commit()
    return ids


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


def test_notices_for_order_lists_what_the_order_page_shows(ctx):
    order = make_order(ctx)
    queue_notice(ctx, order, "received", {"total": order.total}, now=T0)
    queue_notice(ctx, order, "expired", now=T0 + timedelta(minutes=1))
    ctx.commit()
    deliver_due(ctx, LogChannel(), T0)
    listed = notices_for_order(ctx, order.id)
    assert [(n["kind"], n["status"], n["attempts"]) for n in listed] == [("received", "sent", 1), ("expired", "pending", 0)]
    assert listed[0]["message"]["en"].startswith("We have received your order O-1 (¥1,234.50)")
    assert (listed[0]["created_at"], listed[0]["sent_at"], listed[0]["last_error"]) == (T0.isoformat(), T0.isoformat(), None)
    assert listed[1]["next_attempt_at"] == (T0 + timedelta(minutes=1)).isoformat()


def _events(any_api, broadcast_id: int, *events: dict) -> list[dict]:
    response = any_api.events(broadcast_id, list(events))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def _notices(any_api, order_id: str) -> list[dict]:
    return any_api.get(f"/api/v1/orders/{order_id}").get_json()["notices"]


def _review_again(app, order_id: str, **buyer) -> str:
    """Return the status after correcting buyer fields and reviewing the stored order again, as the back office does."""
    from app.db import utcnow
    from orders.actions import find_order
    from orders.review.step import review_order

    with app.app_context():
        order = find_order(db.session, order_id, for_update=True)
        for name, value in buyer.items():
            setattr(order, name, value)
        status = review_order(db.session, order, utcnow(), actor="auditor-1").status
        db.session.commit()
        return status


def test_needs_info_asks_only_for_what_the_buyer_can_supply_and_only_once(any_app, any_api):
    any_api.product("A1", stock=10)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1, order_id="ASK-1", coupon_codes=["NOPE"])
    event["buyer"]["phone"] = None
    event["items"].append({"sku": "X", "qty": 1, "unit_price": "5.00"})
    [result] = _events(any_api, broadcast_id, event)
    found = {f["code"]: f for f in result["order"]["findings"]}
    assert result["order"]["status"] == "held" and {"phone_missing", "sku_unknown", "coupon_refused"} <= set(found)
    [row] = _notices(any_api, "ASK-1")
    assert row["kind"] == "needs_info"
    assert found["phone_missing"]["message"]["zh-CN"] in row["message"]["zh-CN"]
    assert found["sku_unknown"]["message"]["en"] not in row["message"]["en"]
    with any_app.app_context():
        asked = db.session.scalar(sa.select(BuyerNotice.payload).where(BuyerNotice.kind == "needs_info"))
    assert [f["code"] for f in asked["data"]["findings"]] == ["phone_missing"]
    assert _review_again(any_app, "ASK-1", buyer_name="张三丰") == "held"  # the same asks: not asked again
    assert _review_again(any_app, "ASK-1", buyer_phone="13812345678") == "held"  # nothing left to ask
    assert [n["kind"] for n in _notices(any_api, "ASK-1")] == ["needs_info"]


def test_each_order_event_queues_its_notice_once_even_when_delivered_again(any_app, any_api):
    any_api.product("A1", stock=3)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    assert any_api.post("/api/v1/promotions", json={"code": "NEW5", "kind": "coupon", "coupon_type": "fixed",
                                                    "value": "5"}).status_code == 201
    received = order_event("A1", 1, order_id="N-OK", coupon_codes=["NEW5"])
    waiting = order_event("A1", 3, order_id="N-WAIT")
    no_buyer = order_event("A1", 1, order_id="N-REJECT")
    no_buyer["buyer"]["id"] = None
    expiring = order_event("A1", 1, order_id="N-EXPIRE")
    cancel = {"id": "cancel-1", "type": "order_cancel", "ts": now_iso(), "order_id": "N-OK", "reason": "changed mind"}
    _events(any_api, broadcast_id, received, waiting, no_buyer, expiring, received)  # the receipt redelivered
    assert [n["kind"] for n in _notices(any_api, "N-OK")] == ["received", "promotion_applied"]
    assert [n["kind"] for n in _notices(any_api, "N-WAIT")] == ["waitlisted"]
    assert [n["kind"] for n in _notices(any_api, "N-REJECT")] == ["rejected"]
    assert _review_again(any_app, "N-WAIT") == "waitlisted"  # still short of the same SKU: not told again

    def payment(event_id: str) -> dict:
        return {"id": event_id, "type": "payment", "ts": now_iso(), "order_id": "N-EXPIRE", "status": "failed",
                "amount": "99.00", "method": "alipay"}

    _events(any_api, broadcast_id, payment("pay-1"), payment("pay-1"), payment("pay-2"))
    failed = [n for n in _notices(any_api, "N-EXPIRE") if n["kind"] == "payment_failed"]
    assert len(failed) == 2 and failed[0]["message"]["en"].startswith("The payment of ¥99.00")
    _events(any_api, broadcast_id, cancel, dict(cancel, id="cancel-2"))  # 2 units back: N-WAIT still waits for 3
    with any_app.app_context():
        due = db.session.scalar(sa.select(Order.reserved_until).where(Order.order_id == "N-EXPIRE"))
        assert sweep(db.session, due) == 1  # N-EXPIRE's unit makes 3: N-WAIT is promoted (and received)
        assert sweep(db.session, due) == 0
    kinds = Counter()
    for order_id in ("N-OK", "N-WAIT", "N-REJECT", "N-EXPIRE"):
        kinds.update(n["kind"] for n in _notices(any_api, order_id))
    assert kinds == {"waitlisted": 1, "payment_failed": 2, "received": 3, "promoted": 1, "expired": 1,
                     "rejected": 1, "cancelled": 1, "promotion_applied": 1}


@pytest.mark.parametrize("config, env, expected", [
    ({}, {}, "log"),
    ({"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "https://example.test/n", "NOTICE_WEBHOOK_SECRET": "s"},
     {}, "webhook"),
    ({}, {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "http://x.test/n", "NOTICE_WEBHOOK_SECRET": "s"},
     "webhook"),
])
def test_channel_comes_from_config_then_environment(monkeypatch, config, env, expected):
    for key in ("NOTICE_CHANNEL", "NOTICE_WEBHOOK_URL", "NOTICE_WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert channel_from_config(config).name == expected


@pytest.mark.parametrize("config", [
    {"NOTICE_CHANNEL": "sms"},
    {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_SECRET": "s"},
    {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "https://example.test/n"},
    {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "file:///etc/passwd", "NOTICE_WEBHOOK_SECRET": "s"},
])
def test_misconfigured_channel_is_a_value_error(monkeypatch, config):
    for key in ("NOTICE_CHANNEL", "NOTICE_WEBHOOK_URL", "NOTICE_WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ValueError):
        channel_from_config(config)


def test_background_job_delivers_through_the_configured_webhook(any_app, ctx, receiver):
    register_notice_jobs()
    assert [job.seconds for job in background.jobs() if job.name == "notices"] == [2]
    any_app.config.update(NOTICE_CHANNEL="webhook", NOTICE_WEBHOOK_URL=receiver.url, NOTICE_WEBHOOK_SECRET=SECRET)
    queue_notice(ctx, make_order(ctx), "promoted")
    ctx.commit()
    assert deliver_job(any_app)["sent"] == 1
    assert [valid for valid, _ in receiver.received] == [True]


def test_notices_deliver_command_sends_due_notices_once(any_app, ctx):
    queue_notice(ctx, make_order(ctx), "promoted")
    ctx.commit()
    result = any_app.test_cli_runner().invoke(args=["notices-deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1, retrying 0, failed 0, skipped 0"


def test_notices_deliver_command_reports_a_misconfigured_channel(any_app):
    any_app.config["NOTICE_CHANNEL"] = "carrier-pigeon"
    result = any_app.test_cli_runner().invoke(args=["notices-deliver", "--once"])
    assert result.exit_code != 0 and "NOTICE_CHANNEL must be" in result.output
