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
