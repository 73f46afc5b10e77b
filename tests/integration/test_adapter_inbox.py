"""The adapters' durable inbox on SQLite and PostgreSQL: the worker takes what a request left, retries a passing
failure with backoff and then fails it, processes a message twice without a second event, and two workers
never take the same message."""
from __future__ import annotations

import sys
import threading
import types
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.adapters import registry
from live.adapters.base import InboundMessage
from live.adapters.connections import connection_view, create_connection
from live.adapters.inbox import _store
from live.adapters.models import AdapterInboxMessage, AdapterRejection, PlatformConnection
from live.adapters.processing import MAX_ATTEMPTS, lease_due, process_due, process_messages
from live.adapters.registry import adapter_for
from live.broadcasts import create_broadcast, start_broadcast
from live.models import EventLog
from tests.support.live_room import at, item

NOW = datetime.now(timezone.utc)


def _connection(app, platform: str = "tiktok_live", name: str = "room") -> int:
    """Create a live broadcast and a connection to it; return the connection's id."""
    with app.app_context():
        broadcast = create_broadcast(db.session, "Inbox test", "douyin")
        start_broadcast(db.session, broadcast, NOW - timedelta(minutes=5))
        if platform in registry.PLATFORMS:
            row, _secret = create_connection(db.session, name, platform, broadcast.id, now=NOW)
        else:
            row = PlatformConnection(name=name, platform=platform, broadcast_id=broadcast.id, secret="s" * 20,
                                     settings={}, received_count=0, duplicate_count=0, rejected_count=0)
            db.session.add(row)
        db.session.commit()
        return row.id


def _messages(count: int) -> list[InboundMessage]:
    """Return count TikTok chat messages of now, with distinct ids."""
    found = []
    for n in range(count):
        entry = at(item("tiktok_live", "chat"), NOW)
        entry["data"]["msgId"] = f"m-{n}"
        found.append(InboundMessage(f"chat:m-{n}", "chat", entry))
    return found


def _stored(app, connection_id: int, messages: list[InboundMessage], full: bool = False) -> None:
    """Store messages as a request would, left to the worker (not leased)."""
    with app.app_context():
        _store(db.session, db.session.get(PlatformConnection, connection_id), messages, NOW, full=full)


def _rows(app) -> list[tuple[str, int, str | None]]:
    with app.app_context():
        return [(r.status, r.attempts, r.error) for r in db.session.scalars(
            sa.select(AdapterInboxMessage).order_by(AdapterInboxMessage.id))]


def _events(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(EventLog))


def test_the_worker_takes_messages_a_request_left_behind(any_app):
    connection_id = _connection(any_app)
    _stored(any_app, connection_id, _messages(3), full=True)  # leased by a request that then died
    with any_app.app_context():
        assert process_due(db.session, NOW, any_app.config) == {}  # still leased
        assert process_due(db.session, NOW + timedelta(minutes=2), any_app.config) == {"done": 3}
    assert [status for status, _a, _e in _rows(any_app)] == ["done"] * 3 and _events(any_app) == 3


def test_processing_a_message_twice_makes_its_event_once(any_app):
    connection_id = _connection(any_app)
    messages = _messages(1)
    _stored(any_app, connection_id, messages)
    with any_app.app_context():
        row = db.session.get(PlatformConnection, connection_id)
        module = adapter_for("tiktok_live")
        view = connection_view(row, NOW)
        row_id = db.session.scalar(sa.select(AdapterInboxMessage.id))
        first = process_messages(db.session, row, module, view, None, [(row_id, messages[0])], NOW)
        again = process_messages(db.session, row, module, view, None, [(row_id, messages[0])], NOW)
    assert first[0].results[0]["status"] == "accepted" and again[0].results[0]["status"] == "duplicate"
    assert _events(any_app) == 1


@pytest.fixture
def flaky_platform(monkeypatch):
    """Register a platform whose detail call always times out (a commerce platform's API being down)."""
    module = types.ModuleType("tests_flaky_adapter")
    module.PLATFORM = "flaky"
    module.verify = lambda headers, body, connection: True
    module.split = lambda headers, body: []
    module.ack = lambda ok: ({"code": 0}, 200)
    module.detail_client = lambda connection, config: object()

    def to_events(message, connection, details):
        raise TimeoutError("detail API did not answer in 5 s")

    module.to_events = to_events
    monkeypatch.setitem(sys.modules, "tests_flaky_adapter", module)
    monkeypatch.setitem(registry.PLATFORM_MODULES, "flaky", "tests_flaky_adapter")
    monkeypatch.setattr(registry, "_loaded", {})
    return module


def test_a_passing_failure_is_retried_with_backoff_then_fails_and_is_logged(any_app, flaky_platform):
    connection_id = _connection(any_app, platform="flaky")
    _stored(any_app, connection_id, [InboundMessage("n-1", "order_status", {"order_id": "1"})])
    moment = NOW
    with any_app.app_context():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert process_due(db.session, moment, any_app.config) == {"pending" if attempt < MAX_ATTEMPTS else "failed": 1}
            assert process_due(db.session, moment, any_app.config) == {}  # waits out its backoff
            moment += timedelta(minutes=11)
        [refusal] = db.session.scalars(sa.select(AdapterRejection)).all()
        assert refusal.code == "message_failed" and "TimeoutError" in refusal.reason
    [(status, attempts, error)] = _rows(any_app)
    assert (status, attempts) == ("failed", MAX_ATTEMPTS) and "detail API did not answer" in error


def test_a_platform_whose_module_is_unavailable_waits_without_losing_its_messages(any_app, monkeypatch):
    connection_id = _connection(any_app, platform="gone")
    monkeypatch.setitem(registry.PLATFORM_MODULES, "gone", "tests.no_such_adapter_module")
    monkeypatch.setattr(registry, "_loaded", {})
    _stored(any_app, connection_id, _messages(1))
    with any_app.app_context():
        assert process_due(db.session, NOW, any_app.config) == {"waiting": 1}
    [(status, attempts, error)] = _rows(any_app)
    assert (status, attempts) == ("pending", 0) and "cannot import" in error


@pytest.mark.postgres
def test_two_workers_never_take_the_same_message(postgres_url):
    from tests.support import databases

    databases.truncate_postgres(postgres_url)
    app = databases.make_app(postgres_url)
    try:
        connection_id = _connection(app)
        _stored(app, connection_id, _messages(60))
        taken: list[list[int]] = []
        barrier = threading.Barrier(3)

        def worker() -> None:
            with app.app_context():
                barrier.wait()
                mine = []
                while True:
                    rows = lease_due(db.session, NOW, limit=7)
                    if not rows:
                        break
                    mine.extend(row_id for row_id, _c in rows)
                taken.append(mine)
                db.session.remove()

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        every = [row_id for mine in taken for row_id in mine]
        assert len(every) == len(set(every)) == 60
    finally:
        databases.dispose(app)
