"""Merged group commit: one-order requests become one batch per broadcast, and groups of several servers on
PostgreSQL take their locks in one order (no deadlock, no lost order, no oversold unit)."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from app.db.group_commit import GroupCommit, Mergeable, group_commit
from app.extensions import db
from live.ingest.merged import order_skus
from tests.support.api import ApiClient, order_event
from tests.support.databases import create_token, dispose, make_app

SKUS = ("M1", "M2", "M3", "M4")


def _until(condition, seconds: float = 10) -> None:
    """Wait (polling, bounded) until condition() holds."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def test_writes_of_one_kind_and_key_run_as_one_call_and_each_gets_its_own_results(any_app):
    calls: list = []

    def apply(session, batches):
        calls.append(batches)
        return [[f"{key}:{item}" for item in items] if key != "gone" else LookupError(key) for key, items in batches]

    committer, release, answers = GroupCommit(), threading.Event(), {}
    holding = threading.Event()

    def hold(session):
        holding.set()  # the leader's group is closed now: every later write waits for the next one
        release.wait(timeout=10)

    def send(name, write):
        with any_app.app_context():
            try:
                answers[name] = committer.run(db.session, write)
            except Exception as error:  # noqa: BLE001  kept to assert on
                answers[name] = error
            finally:
                db.session.remove()

    first = threading.Thread(target=send, args=("hold", hold))
    first.start()
    _until(holding.is_set)
    writes = {"a": Mergeable(apply, "b", [1, 2]), "b": Mergeable(apply, "a", [3]),
              "c": Mergeable(apply, "b", [4]), "d": Mergeable(apply, "gone", [5])}
    threads = [threading.Thread(target=send, args=item) for item in writes.items()]
    for thread in threads:
        thread.start()
    _until(lambda: len(committer._waiting) >= 4)
    release.set()
    for thread in [first, *threads]:
        thread.join(timeout=30)
    assert calls == [[("a", [3]), ("b", [1, 2, 4]), ("gone", [5])]]  # one call, keys in order
    assert (answers["a"], answers["b"], answers["c"]) == (["b:1", "b:2"], ["a:3"], ["b:4"])
    assert isinstance(answers["d"], LookupError)


def test_a_merged_call_that_fails_reruns_each_write_alone_so_only_the_bad_one_fails(any_app):
    def apply(session, batches):
        if any("bad" in items for _key, items in batches):
            raise ValueError("bad event")
        return [[item.upper() for item in items] for _key, items in batches]

    with any_app.app_context():
        committer = GroupCommit()
        assert committer.run(db.session, Mergeable(apply, 1, ["ok"])) == ["OK"]
        with pytest.raises(ValueError):
            committer.run(db.session, Mergeable(apply, 1, ["bad"]))
        db.session.remove()


def test_order_skus_reads_the_skus_of_order_events_as_received():
    raw = [order_event("A1"), {"type": "order", "items": [{"sku": "B2"}, {"sku": 3}, "x", {"sku": "x" * 65}]},
           {"type": "chat", "items": [{"sku": "C3"}]}, "not an event"]
    assert order_skus(raw) == {"A1", "B2"}


@pytest.mark.slow
def test_two_servers_merging_orders_for_several_skus_neither_deadlock_nor_oversell(database_url):
    # Two apps on one database stand for two servers, each with its own group committer; every request is one
    # order of two SKUs, so each group touches stock rows in every order there is.
    servers = [make_app(database_url, INGEST_GROUP_COMMIT="auto") for _ in range(2)]
    try:
        token = create_token(servers[0], "merged")
        setup = ApiClient(servers[0].test_client(), token)
        for sku in SKUS:
            setup.product(sku, stock=30)
        broadcast_id = setup.live_broadcast(skus=SKUS)
        statuses: list[tuple[int, str]] = []

        def sender(server, worker: int) -> None:
            client = ApiClient(server.test_client(), token)
            for n in range(8):
                first, second = SKUS[(worker + n) % 4], SKUS[(worker + n + 1 + n % 2) % 4]
                event = order_event(first, order_id=f"m{worker}-{n}", event_id=f"me{worker}-{n}")
                event["items"].append({"sku": second, "qty": 1, "unit_price": "99.00"})
                if n % 2:
                    event["items"].reverse()
                response = client.events(broadcast_id, [event])
                statuses.append((response.status_code, response.get_json()["results"][0]["status"]
                                 if response.status_code == 200 else response.get_data(as_text=True)[:200]))

        threads = [threading.Thread(target=sender, args=(servers[worker % 2], worker)) for worker in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert statuses == [(200, "accepted")] * 96
        # Locks taken in one order: no group had to run again (no deadlock between the two servers' groups).
        assert [group_commit(server).stats.reruns for server in servers] == [0, 0]
        with servers[0].app_context():
            assert db.session.execute(sa.text("SELECT COUNT(*) FROM orders")).scalar_one() == 96
            levels = db.session.execute(sa.text("SELECT sku, available, reserved, sold FROM stock_levels")).all()
            held = dict(db.session.execute(sa.text(
                "SELECT l.sku, SUM(l.qty) FROM order_lines l JOIN orders o ON o.id = l.order_pk "
                "WHERE o.stock_reserved GROUP BY l.sku")).all())
        for sku, available, reserved, sold in levels:
            assert available >= 0 and available + reserved + sold == 30
            assert reserved == held.get(sku, 0)
        assert sum(reserved for _sku, _a, reserved, _s in levels) > 0
    finally:
        for server in servers:
            dispose(server)


def test_a_batch_reserves_in_its_book_and_writes_stock_once_per_sku_never_past_what_is_there(any_app):
    token = create_token(any_app, "book")
    api = ApiClient(any_app.test_client(), token)
    api.product("K1", stock=10)
    api.product("K2", stock=10)
    broadcast_id = api.live_broadcast(skus=("K1", "K2"))
    stock_updates: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("UPDATE STOCK_LEVELS"):
            stock_updates.append(statement)

    events = [order_event("K1" if n % 2 else "K2", order_id=f"k{n}", event_id=f"ke{n}") for n in range(16)]
    with any_app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = api.events(broadcast_id, events)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert [r["status"] for r in response.get_json()["results"]] == ["accepted"] * 16
    assert len(stock_updates) == 2
    more = [order_event("K1", order_id=f"k1-{n}", event_id=f"k1e{n}") for n in range(4)]
    orders = [r["order"]["status"] for r in api.events(broadcast_id, more).get_json()["results"]]
    assert orders == ["accepted", "accepted", "waitlisted", "waitlisted"]  # 8 + 2 = 10 units of K1, then the line
    with any_app.app_context():
        rows = dict(db.session.execute(sa.text("SELECT sku, available FROM stock_levels")).all())
        reserved = dict(db.session.execute(sa.text("SELECT sku, reserved FROM stock_levels")).all())
    assert (rows, reserved) == ({"K1": 0, "K2": 2}, {"K1": 10, "K2": 8})


def test_group_commit_is_on_by_default_on_both_engines_and_off_when_asked():
    from app.db.group_commit import group_commit_on

    assert group_commit_on({})  # auto: on for SQLite and PostgreSQL alike
    assert group_commit_on({"INGEST_GROUP_COMMIT": "1"})
    assert not group_commit_on({"INGEST_GROUP_COMMIT": "0"})
