"""The writer process: merged event requests taken in by a process of their own, answered after its commit.

A real writer (`python wsgi.py` started by WriterProcess) on the test's database, SQLite and PostgreSQL; the
app in this process stands for the server that hands it the groups.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.db.group_commit import Mergeable, group_commit
from app.db.group_commit.process import WriterLost, WriterProcess, writer_wanted
from app.extensions import db, socketio
from tests.support.api import ApiClient, order_event
from tests.support.databases import create_token


@pytest.fixture
def served(any_app, tmp_path, monkeypatch):
    """Return (api client, the app's writer process, pushes the app emitted) with a writer on any_app's database."""
    writer = WriterProcess(str(any_app.config["SQLALCHEMY_DATABASE_URI"]),
                           {"SECRET_KEY": "test-secret", "LIVEDESK_INSTANCE": str(tmp_path)})
    group_commit(any_app).remote = writer
    pushes: list = []
    monkeypatch.setattr(socketio, "emit", lambda event, payload, **kwargs: pushes.append((event, payload, kwargs)))
    yield ApiClient(any_app.test_client(), create_token(any_app, "writer")), writer, pushes
    writer.stop()


def _stock(app, sku: str) -> tuple[int, int]:
    with app.app_context():
        return db.session.execute(sa.text("SELECT available, reserved FROM stock_levels WHERE sku = :sku"),
                                  {"sku": sku}).one()


def test_orders_sent_one_per_request_are_committed_by_the_writer_and_pushed_here(any_app, served):
    api, writer, pushes = served
    api.product("W1", stock=5)
    broadcast_id = api.live_broadcast(skus=("W1",))
    statuses: list = []

    def send(n: int) -> None:
        response = api.events(broadcast_id, [order_event("W1", order_id=f"w{n}", event_id=f"we{n}")])
        statuses.append((response.status_code, response.get_json()["results"][0]["order"]["status"]))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [(200, "accepted")] * 5 + [(200, "waitlisted")] * 3  # never past the stock
    assert tuple(_stock(any_app, "W1")) == (0, 5)
    assert writer.started == 1 and writer.process.poll() is None
    created = [payload for event, payload, kwargs in pushes if event == "order.created"]
    rooms = {kwargs["to"] for event, _payload, kwargs in pushes if event == "order.created"}
    assert len(created) == 16  # each order to the full and the masked room, emitted by this process
    assert rooms == {f"broadcast:{broadcast_id}:full", f"broadcast:{broadcast_id}:masked"}
    # A resend is a duplicate, answered as such by the writer.
    again = api.events(broadcast_id, [order_event("W1", order_id="w0", event_id="we0")]).get_json()
    assert again["results"][0]["status"] == "duplicate"


def test_an_unknown_broadcast_is_a_404_from_the_writer_and_the_others_of_its_group_pass(any_app, served):
    api, _writer, _pushes = served
    api.product("W2", stock=5)
    broadcast_id = api.live_broadcast(skus=("W2",))
    missing = api.events(broadcast_id + 99, [order_event("W2")])
    assert missing.status_code == 404
    assert missing.get_json()["error"]["field"] == "broadcast_id"
    assert api.events(broadcast_id, [order_event("W2")]).get_json()["results"][0]["status"] == "accepted"


def test_a_writer_that_died_between_groups_is_started_again_before_the_next(any_app, served):
    api, writer, _pushes = served
    api.product("W3", stock=5)
    broadcast_id = api.live_broadcast(skus=("W3",))
    assert api.events(broadcast_id, [order_event("W3")]).status_code == 200
    writer.process.kill()
    writer.process.wait(timeout=10)
    assert api.events(broadcast_id, [order_event("W3")]).get_json()["results"][0]["status"] == "accepted"
    assert writer.started == 2


def test_a_writer_that_dies_holding_a_group_fails_it_with_503_and_a_resend_is_taken(any_app, served, monkeypatch):
    api, writer, _pushes = served
    api.product("W5", stock=5)
    broadcast_id = api.live_broadcast(skus=("W5",))
    assert api.events(broadcast_id, [order_event("W5")]).status_code == 200
    receive = writer.receive_group

    def die_first():
        writer.process.kill()  # the group was sent: the writer dies before it answers
        return receive()

    monkeypatch.setattr(writer, "receive_group", die_first)
    lost = api.events(broadcast_id, [order_event("W5", order_id="lost", event_id="lost")])
    assert lost.status_code == 503
    assert lost.get_json()["error"] | {"message": ""} == {"code": "busy", "field": "events", "message": ""}
    monkeypatch.setattr(writer, "receive_group", receive)
    resent = api.events(broadcast_id, [order_event("W5", order_id="lost", event_id="lost")]).get_json()
    assert resent["results"][0]["status"] in ("accepted", "duplicate")  # the group may have committed or not
    assert writer.started == 2
    with any_app.app_context():
        assert db.session.execute(sa.text("SELECT COUNT(*) FROM orders WHERE order_id = 'lost'")).scalar_one() == 1


def test_a_write_that_cannot_merge_runs_here_even_with_a_writer(any_app, served):
    _api, writer, _pushes = served
    with any_app.app_context():
        result = group_commit(any_app).run(db.session, lambda session: session.execute(sa.text("SELECT 7")).scalar())
        db.session.remove()
    assert result == 7
    assert writer.process is None  # no group went to the writer: it was never started


def test_a_writer_that_cannot_start_fails_the_group_and_leaves_nothing_running(tmp_path):
    writer = WriterProcess("nosuchengine://nowhere", {"SECRET_KEY": "x", "LIVEDESK_INSTANCE": str(tmp_path)})
    try:
        with pytest.raises(WriterLost):
            writer.send_group([("live.ingest.merged:ingest_batches", (1, "t"), [order_event("W4")])])
        assert writer.process is None and writer.sock is None and writer.started == 1
    finally:
        writer.stop()


def test_the_writer_is_used_by_the_served_process_of_the_green_modes_unless_switched_off():
    assert writer_wanted({}, "eventlet") and writer_wanted({"INGEST_WRITER": "auto"}, "gevent")
    assert not writer_wanted({}, "threading")
    assert writer_wanted({"INGEST_WRITER": "1"}, "threading")
    assert not writer_wanted({"INGEST_WRITER": "0"}, "eventlet")
    assert not writer_wanted({"INGEST_WRITER": "off"}, "eventlet")


def test_merged_writes_name_a_module_function_the_writer_can_import():
    from app.db.group_commit.process import apply_name, resolve_apply
    from live.ingest.merged import ingest_batches

    assert apply_name(ingest_batches) == "live.ingest.merged:ingest_batches"
    assert resolve_apply(apply_name(ingest_batches)) is ingest_batches
    assert isinstance(Mergeable(ingest_batches, (1, "s"), []), Mergeable)


class _HeldWriter:
    """Stands for the writer process: records what it is sent, holds its first group until released."""

    def __init__(self, answers: dict, lose: bool = False) -> None:
        self.answers = answers  # the requests answered so far, as each group is sent
        self.log: list = []
        self.sent: list = []
        self.release = threading.Event()
        self.lose = lose

    def send_group(self, writes) -> None:
        self.log.append(("sent", [items for _name, _key, items in writes], sorted(self.answers)))
        self.sent.append(writes)

    def receive_group(self):
        writes = self.sent.pop(0)
        if len(self.log) == 1:
            self.release.wait(timeout=10)
        if self.lose:
            raise WriterLost("gone")
        self.log.append(("answered", [items for _name, _key, items in writes]))
        return ([([f"ok:{item}" for item in items], None) for _name, _key, items in writes],
                [(("chat.message", {"n": len(writes)}), {"to": "room", "namespace": "/live"})])


def _send_all(app, committer, names: list[str], answers: dict) -> list[threading.Thread]:
    from live.ingest.merged import ingest_batches

    def send(name: str) -> None:
        with app.app_context():
            try:
                answers[name] = committer.run(db.session, Mergeable(ingest_batches, (1, name), [name]))
            except Exception as error:  # noqa: BLE001  kept to assert on
                answers[name] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    return threads


def _until(condition) -> None:
    import time

    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def test_the_writes_that_arrive_while_the_writer_works_are_its_next_group_sent_the_moment_it_answers(app, monkeypatch):
    from app.db.group_commit import GroupCommit

    answers, emitted = {}, []
    committer, writer = GroupCommit(), _HeldWriter(answers)
    committer.remote = writer
    monkeypatch.setattr(socketio, "emit", lambda *args, **kwargs: emitted.append(args))
    first = _send_all(app, committer, ["a"], answers)
    _until(lambda: writer.log)
    others = _send_all(app, committer, ["b", "c"], answers)
    _until(lambda: len(committer._waiting) == 2)
    assert "b" not in answers and writer.log == [("sent", [["a"]], [])]  # one group at the writer at a time
    writer.release.set()
    for thread in first + others:
        thread.join(timeout=30)
    # The next group went out before "a" was answered: the writer does not wait on this process's answering.
    assert writer.log == [("sent", [["a"]], []), ("answered", [["a"]]), ("sent", [["b"], ["c"]], []),
                          ("answered", [["b"], ["c"]])]
    assert answers == {"a": ["ok:a"], "b": ["ok:b"], "c": ["ok:c"]}
    assert emitted == [("chat.message", {"n": 1}), ("chat.message", {"n": 2})]  # each group's pushes, here
    assert (committer.stats.groups, committer.stats.writes, committer.stats.largest) == (2, 3, 2)
    assert not committer._leading


def test_a_group_the_writer_lost_fails_every_write_of_it_and_the_committer_goes_on(app):
    from app.db.group_commit import GroupCommit

    answers = {}
    committer, writer = GroupCommit(), _HeldWriter(answers, lose=True)
    committer.remote = writer
    writer.release.set()
    for thread in _send_all(app, committer, ["x"], answers):
        thread.join(timeout=30)
    assert isinstance(answers["x"], WriterLost)
    writer.lose = False
    for thread in _send_all(app, committer, ["y"], answers):
        thread.join(timeout=30)
    assert answers["y"] == ["ok:y"]
