"""Group commit: concurrent writes share a transaction, each is answered only after its commit, failures stay alone."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from app.db.group_commit import GroupCommit, group_commit
from app.extensions import db
from live.models import Broadcast
from tests.support.api import ApiClient, order_event
from tests.support.databases import create_token, make_app


def _title_count(app, title: str) -> int:
    """Return how many broadcasts carry title, read on a connection of its own (what is on disk)."""
    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(Broadcast)
                                  .where(Broadcast.title == title)).scalar_one()


def _insert(title: str):
    def write(session):
        session.add(Broadcast(title=title, platform="douyin"))
        session.flush()
        return title
    return write


def _in_threads(app, calls) -> list:
    """Run each call(session) in its own thread with its own app context; return results or exceptions in order."""
    answers: list = [None] * len(calls)

    def one(index, call):
        with app.app_context():
            try:
                answers[index] = call(db.session)
            except Exception as error:  # noqa: BLE001  kept to assert on
                answers[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_writes_waiting_behind_a_slow_group_are_committed_together(any_app):
    committer = GroupCommit()
    release = threading.Event()

    def slow(session):
        release.wait(timeout=10)
        return _insert("first")(session)

    def first(session):
        return committer.run(session, slow)

    def later(index):
        def call(session):
            time.sleep(0.05)  # after the first write leads
            return committer.run(session, _insert(f"later-{index}"))
        return call

    def releaser(session):
        deadline = time.monotonic() + 10
        while len(committer._waiting) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        release.set()

    answers = _in_threads(any_app, [first, *[later(i) for i in range(5)], releaser])
    assert answers[:6] == ["first", *[f"later-{i}" for i in range(5)]]
    assert (committer.stats.groups, committer.stats.writes, committer.stats.largest) == (2, 6, 5)
    assert all(_title_count(any_app, title) == 1 for title in answers[:6])


def test_a_failing_write_fails_alone_and_the_others_of_its_group_commit(any_app):
    committer = GroupCommit()
    release = threading.Event()

    def hold(session):
        release.wait(timeout=10)
        return _insert("holder")(session)

    def failing(session):
        session.add(Broadcast(title="never", platform="douyin"))
        session.flush()
        raise ValueError("bad write")

    def queued(write):
        def call(session):
            time.sleep(0.05)
            return committer.run(session, write)
        return call

    def releaser(session):
        deadline = time.monotonic() + 10
        while len(committer._waiting) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        release.set()

    answers = _in_threads(any_app, [lambda s: committer.run(s, hold), queued(_insert("ok-1")), queued(failing),
                                    queued(_insert("ok-2")), releaser])
    assert answers[0] == "holder" and {answers[1], answers[3]} == {"ok-1", "ok-2"}
    assert isinstance(answers[2], ValueError)
    assert _title_count(any_app, "never") == 0
    assert _title_count(any_app, "ok-1") == _title_count(any_app, "ok-2") == 1


def test_an_answer_means_the_write_is_on_disk(any_app):
    committer = GroupCommit()
    with any_app.app_context():
        assert committer.run(db.session, _insert("durable")) == "durable"
        db.session.remove()
    assert _title_count(any_app, "durable") == 1


@pytest.mark.slow
def test_sixteen_connections_sending_one_order_per_request_lose_nothing_and_share_commits(sqlite_url):
    app = make_app(sqlite_url)
    token = create_token(app, "group")
    setup = ApiClient(app.test_client(), token)
    setup.product("G1", stock=1000)
    broadcast_id = setup.live_broadcast(skus=("G1",))
    statuses: list[int] = []

    def sender(worker: int):
        def call(session):
            client = ApiClient(app.test_client(), token)
            for n in range(10):
                response = client.events(broadcast_id, [order_event("G1", order_id=f"w{worker}-{n}",
                                                                    event_id=f"e{worker}-{n}")])
                statuses.append(response.status_code)
                assert response.get_json()["results"][0]["status"] == "accepted"
        return call

    answers = _in_threads(app, [sender(i) for i in range(16)])
    assert all(answer is None for answer in answers), answers
    assert statuses == [200] * 160
    with app.app_context():
        assert db.session.execute(sa.text("SELECT COUNT(*) FROM orders")).scalar_one() == 160
        assert db.session.execute(sa.text("SELECT sold + reserved FROM stock_levels WHERE sku = 'G1'")).scalar_one() == 160
    stats = group_commit(app).stats
    assert stats.writes == 160 + 0 and stats.groups <= 160


def test_a_deadlock_inside_a_write_runs_the_whole_group_again(any_app):
    from sqlalchemy.exc import OperationalError

    class Deadlock(Exception):
        pgcode = "40P01"

    committer, calls = GroupCommit(), []

    def deadlocks_once(session):
        calls.append(1)
        session.add(Broadcast(title="retried", platform="douyin"))
        session.flush()
        if len(calls) == 1:
            raise OperationalError("UPDATE stock_levels ...", {}, Deadlock("deadlock detected"))
        return "retried"

    with any_app.app_context():
        assert committer.run(db.session, deadlocks_once) == "retried"
        db.session.remove()
    assert len(calls) == 2 and _title_count(any_app, "retried") == 1
