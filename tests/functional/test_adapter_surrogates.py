"""A lone surrogate (half an emoji, "\\ud800" in JSON) in a live-room message: the request is still answered, an id
the inbox keys on is kept as a stable digest (a redelivery still finds its row), a message the ingestion refuses
fails alone with its reason, the good messages of the same request reach the chat, and nothing stays pending.
A message whose processing raises fails alone too, and its attempts are counted until it fails for good."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.adapters import processing
from live.adapters.connections import create_connection
from live.adapters.inbox import receive
from live.adapters.models import AdapterInboxMessage, AdapterRejection, PlatformConnection
from live.adapters.processing import MAX_ATTEMPTS, process_due
from live.broadcasts import create_broadcast, start_broadcast
from live.models import EventLog
from live.moderation.models import ModeratedMessage
from tests.support.auth import csrf_token, login
from tests.support.live_room import signed

SOURCE = "adapter:p14-tt"


@pytest.fixture
def tiktok(app, users, api):
    """Return a tiktok_live connection's JSON (with its secret), feeding a live broadcast."""
    broadcast_id = api.live_broadcast("Surrogates")
    admin = login(app, "admin")
    response = admin.post("/api/v1/connections", json={"name": "p14-tt", "platform": "tiktok_live",
                                                       "broadcast_id": broadcast_id},
                          headers={"X-CSRFToken": csrf_token(admin, "/settings")})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def chat(msg_id: str | None, comment: str = "GOOD", user_id: str = "ugood", **extra) -> dict:
    """Return a forwarder item of one TikTok chat message of now."""
    data = {"comment": comment, "userId": user_id, "nickname": "Lin",
            "createTime": str(int(datetime.now(timezone.utc).timestamp() * 1000))}
    if msg_id is not None:
        data["msgId"] = msg_id
    return {"event": "chat", "data": data, **extra}


def deliver(client, connection: dict, *items: dict):
    """Post items as a forwarder does: JSON with its escapes (a lone surrogate stays \\udXXX), signed."""
    payload = json.dumps(list(items)).encode()
    return client.post(connection["endpoint"], data=payload, headers=signed(payload, connection["secret"]))


def inbox(app) -> list[tuple[str, str, str, int, str | None]]:
    """Return (message id, kind, status, attempts, error) of every inbox row."""
    with app.app_context():
        return [(r.message_id, r.kind, r.status, r.attempts, r.error) for r in db.session.scalars(
            sa.select(AdapterInboxMessage).order_by(AdapterInboxMessage.id))]


def chat_texts(app) -> list[str]:
    """Return the texts of the moderated chat messages."""
    with app.app_context():
        return list(db.session.scalars(sa.select(ModeratedMessage.text).order_by(ModeratedMessage.id)))


def events(app) -> list[tuple[str, str]]:
    """Return (type, event id) of the connection's logged events."""
    with app.app_context():
        return [(r.type, r.event_id) for r in db.session.scalars(
            sa.select(EventLog).where(EventLog.source == SOURCE).order_by(EventLog.id))]


def rejections(app) -> list[tuple[str, str | None, str, str | None]]:
    """Return (code, message id, reason, excerpt) of every logged refusal."""
    with app.app_context():
        return [(r.code, r.message_id, r.reason, r.excerpt) for r in db.session.scalars(
            sa.select(AdapterRejection).order_by(AdapterRejection.id))]


def nothing_left_for_the_worker(app) -> bool:
    """Return True when a worker pass well after the request finds no message to take."""
    with app.app_context():
        return process_due(db.session, datetime.now(timezone.utc) + timedelta(hours=1), app.config) == {}


@pytest.mark.parametrize("where", ["msgId", "id"])
def test_a_surrogate_in_a_message_id_is_kept_as_a_stable_digest_and_a_redelivery_is_a_duplicate(app, client, tiktok,
                                                                                                 where):
    entry = chat("m-\ud800") if where == "msgId" else chat(None, id="m-\ud800")
    for _ in range(2):  # the platform sends it again: acknowledged, not stored twice
        response = deliver(client, tiktok, entry)
        assert (response.status_code, response.get_json()) == (200, {"ok": True})
    [(message_id, kind, status, attempts, error)] = inbox(app)
    assert message_id.startswith("h:") and (kind, status, attempts, error) == ("chat", "done", 1, None)
    assert events(app) == [("chat", message_id)] and chat_texts(app) == ["GOOD"]
    with app.app_context():
        row = db.session.scalar(sa.select(PlatformConnection))
        assert (row.received_count, row.duplicate_count) == (1, 1)


def test_two_ids_that_differ_only_in_their_surrogate_stay_two_messages(app, client, tiktok):
    assert deliver(client, tiktok, chat("m-\ud800", "one"), chat("m-\udc00", "two")).status_code == 200
    assert [status for _id, _k, status, _a, _e in inbox(app)] == ["done", "done"]
    assert chat_texts(app) == ["one", "two"]


def test_a_surrogate_in_the_event_name_is_answered_and_the_message_ignored(app, client, tiktok):
    response = deliver(client, tiktok, {"event": "x\ud800", "data": {}, "id": "e-1"}, chat("m-good-0"))
    assert (response.status_code, response.get_json()) == (200, {"ok": True})
    [(_id, kind, status, _a, error), good] = inbox(app)
    assert (kind, status) == ("x\ufffd\ufffd\ufffd", "ignored") and "mapped to no event" in error
    assert good[1:4] == ("chat", "done", 1) and chat_texts(app) == ["GOOD"]


@pytest.mark.parametrize("bad", [{"comment": "bad\ud800"}, {"user_id": "\ud800"}],
                         ids=["in the comment", "in the user id"])
def test_a_bad_message_fails_alone_and_the_good_one_of_the_same_request_reaches_the_chat(app, client, tiktok, bad):
    response = deliver(client, tiktok, chat("m-good-1"), chat("m-bad-1", **bad))
    assert (response.status_code, response.get_json()) == (200, {"ok": True})
    good, failed = inbox(app)
    assert good == ("chat:m-good-1", "chat", "done", 1, None)
    assert failed[:4] == ("chat:m-bad-1", "chat", "failed", 1) and "invalid_character" in failed[4]
    assert chat_texts(app) == ["GOOD"] and events(app) == [("chat", "chat:m-good-1")]
    [(code, message_id, reason, excerpt)] = rejections(app)
    assert (code, message_id) == ("message_failed", "chat:m-bad-1") and "invalid_character" in reason
    assert "\ufffd" in excerpt and "m-bad-1" in excerpt
    excerpt.encode("utf-8")  # storable: no surrogate left
    assert nothing_left_for_the_worker(app) and [row[2] for row in inbox(app)] == ["done", "failed"]


def test_the_connection_page_counts_the_failure_and_nothing_pending(app, client, tiktok):
    deliver(client, tiktok, chat("m-good-2"), chat("m-bad-2", comment="\udfff"))
    shown = login(app, "admin").get("/api/v1/connections/p14-tt").get_json()
    assert shown["inbox"]["pending"] == 0 and shown["inbox"]["failed"] == 1 and shown["inbox"]["done"] == 1


@pytest.fixture
def crashing_ingestion(monkeypatch):
    """Make the ingestion raise whenever a batch holds a chat saying "boom" (a bug met by one message only)."""
    real = processing.ingest_events

    def ingest(session, broadcast, source, batch, recorded=False):
        if any(event.get("text") == "boom" for event in batch):
            raise RuntimeError("a bug met by one message")
        return real(session, broadcast, source, batch, recorded=recorded)

    monkeypatch.setattr(processing, "ingest_events", ingest)


def test_a_message_whose_processing_raises_fails_alone_and_counts_its_attempts(app, client, tiktok,
                                                                                crashing_ingestion):
    assert deliver(client, tiktok, chat("m-a"), chat("m-boom", comment="boom"), chat("m-c", comment="C")).status_code == 200
    first, crashed, third = inbox(app)
    assert first[2:4] == third[2:4] == ("done", 1) and chat_texts(app) == ["GOOD", "C"]
    assert crashed[2:4] == ("pending", 1) and "RuntimeError" in crashed[4]
    moment = datetime.now(timezone.utc)
    with app.app_context():
        for _ in range(MAX_ATTEMPTS - 1):  # the worker tries it again after each backoff, then gives up
            moment += timedelta(minutes=11)
            process_due(db.session, moment, app.config)
    crashed = inbox(app)[1]
    assert crashed[2:4] == ("failed", MAX_ATTEMPTS) and "RuntimeError" in crashed[4]
    assert [code for code, message_id, _r, _e in rejections(app) if message_id == "chat:m-boom"] == ["message_failed"]
    assert nothing_left_for_the_worker(app)


def test_on_either_database_surrogates_are_stored_safely_and_the_bad_message_fails_alone(any_app):
    now = datetime.now(timezone.utc)
    payload = json.dumps([chat("m-\ud800", "one"), chat("m-bad", comment="bad\udfff"),
                          {"event": "x\ud800\u0000", "data": {}, "id": "e-\u0000"}]).encode()
    with any_app.app_context():
        broadcast = create_broadcast(db.session, "Surrogates", "douyin")
        start_broadcast(db.session, broadcast, now - timedelta(minutes=5))
        connection, secret = create_connection(db.session, "p14-tt", "tiktok_live", broadcast.id, now=now)
        db.session.commit()
        delivery = receive(db.session, connection, signed(payload, secret), payload, now, any_app.config)
        assert (delivery.status, delivery.stored) == (200, 3)
        assert [o.status for o in delivery.outcomes] == ["done", "failed", "ignored"]
    ids = [row[0] for row in inbox(any_app)]
    assert ids[0].startswith("h:") and ids[1] == "chat:m-bad" and ids[2].startswith("h:")
    assert chat_texts(any_app) == ["one"] and len(rejections(any_app)) == 1
    assert nothing_left_for_the_worker(any_app)
