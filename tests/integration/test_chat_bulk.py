"""Chat runs (live/moderation/run.py) decide, store and push exactly what taking each message alone did.

The same generated chat (flood, repetition, raid, slow mode, shield mode, escalation to timeouts and bans,
claims, nicknames changing, NUL characters, duplicate ids, late messages) goes once through ingest_events in
batches and once through the one-message-at-a-time reference (tests/support/chat_oracle.py), each on its own
SQLite database; results, stored rows and queued pushes must be equal. Then, on both databases: an order or a
payment later in a batch sees the chat before it.
"""
from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import realtime
from app.extensions import db
from live import ingest
from live.models import Broadcast, EventLog, Viewer
from live.moderation.models import (
    ModeratedMessage,
    ModerationOffence,
    ModerationPolicyRecord,
    ModerationTerm,
    ModerationVersion,
    ViewerSanction,
)
from live.moderation.terms import term_key
from orders.claims.models import ChatClaim
from tests.functional.test_chat_ingestion import chat, post_chat
from tests.support import databases
from tests.support.api import ApiClient, order_event
from tests.support.chat_oracle import ingest_chat_one_by_one

NOW = datetime.now(UTC).replace(microsecond=0)
TERMS = [("骗子", "timeout"), ("垃圾", "hide"), ("scam", "hold"), ("封号词", "ban"), ("微信", "timeout")]
POLICY = {"flood_messages": 3, "flood_window_s": 10, "repetition_count": 2, "raid_viewers": 4,
          "raid_min_chars": 6, "warning_timeout_s": 5, "timeout_s": 20}
TEXTS = ["主播好美", "666", "+1", "拍了 2件 A12", "A12 M码 一件", "多少钱？", "有没有L码", "你是骗子", "垃圾产品",
         "scam shop", "加微信 abc12345", "封号词来了", "HELLO EVERYONE HERE", "!!!!!!!!!!!!", "好\x00看",
         "关注我的小店每天都有优惠", "关注我的小店每天都有优惠", "哈哈哈哈哈哈"]


def corpus(seed: int, count: int = 400) -> list[dict]:
    """Return `count` chat events from a dozen viewers over a few minutes, hostile ones included."""
    rng = random.Random(seed)
    viewers = [f"v{n}" for n in range(12)]
    at, events = NOW - timedelta(minutes=30), []
    for n in range(count):
        at += timedelta(seconds=rng.choice([0, 0.3, 1, 2, 4]))
        viewer = rng.choice(viewers)
        text = rng.choice(TEXTS)
        if rng.random() < 0.1:  # a raid wave: many viewers, the same long text
            text = "关注我的小店每天都有优惠"
        when = at - timedelta(seconds=rng.choice([0, 0, 0, 5, 90]))  # platforms deliver late now and then
        event = chat(f"c-{n}", viewer, text, when, nickname=rng.choice([None, "", f"{viewer}-nick", "加微信的人"]))
        if rng.random() < 0.03 and events:
            event = dict(event, id=rng.choice(events)["id"])  # a redelivery: a duplicate
        events.append(event)
    return events


def _seed(app, shield: bool) -> int:
    """Return the id of a live broadcast selling A12 (M, L), with terms and a strict policy stored."""
    databases.create_users(app)
    api = ApiClient(app.test_client(), databases.create_token(app, "adapter"))
    api.product("A12", variants=[{"sku": "A12-M", "name": "M", "stock": 5}, {"sku": "A12-L", "name": "L", "stock": 5}])
    broadcast_id = api.live_broadcast(skus=("A12",))
    with app.app_context():
        db.session.execute(sa.insert(ModerationTerm), [
            {"term": term, "key": term_key(term), "category": "custom", "action": action, "scope": "global",
             "broadcast_id": None, "created_by": "test"} for term, action in TERMS])
        db.session.merge(ModerationVersion(name="terms", version=7))
        db.session.add(ModerationPolicyRecord(broadcast_id=broadcast_id, policy=POLICY, slow_seconds=3, shield=shield,
                                              version=1))
        db.session.commit()
    return broadcast_id


def _run(app, broadcast_id: int, batches: list[list[dict]], one_by_one: bool, monkeypatch) -> dict:
    """Return the results, queued pushes and stored rows after ingesting batches one way or the other."""
    results, pushes = [], []
    with app.app_context():
        for number, events in enumerate(batches):
            now = NOW + timedelta(seconds=number)
            monkeypatch.setattr(ingest, "utcnow", lambda now=now: now)
            broadcast = db.session.get(Broadcast, broadcast_id)
            if one_by_one:
                results += ingest_chat_one_by_one(db.session, broadcast, "adapter", events, now)
            else:
                results += ingest.ingest_events(db.session, broadcast, "adapter", events)
            pushes += [(p.room, p.broadcast_id, p.event, p.payload) for p in db.session.info.get(
                "livedesk_pending_pushes", []) if p.event.startswith(("chat.", "viewer."))]
            realtime.commit(db.session)
        return {"results": results, "pushes": pushes, "rows": _rows()}


def _rows() -> dict:
    """Return what chat stored, comparable across databases (no creation times; viewer and event-log ids may
    differ: a run upserts its viewers in id order, and a duplicate takes no event-log id)."""
    def table(model, *skip):
        columns = [c for c in model.__table__.columns if c.name not in skip]
        return [tuple(row) for row in db.session.execute(sa.select(*columns).order_by(*model.__table__.primary_key))]
    return {"messages": table(ModeratedMessage, "created_at"), "offences": table(ModerationOffence),
            "sanctions": table(ViewerSanction), "viewers": sorted(table(Viewer, "id")),
            "log": sorted(table(EventLog, "id")), "claims": table(ChatClaim, "id", "created_at")}


@pytest.mark.parametrize(("seed", "shield"), [(1, False), (2, False), (3, True)])
def test_a_batch_of_chat_is_decided_stored_and_pushed_as_if_each_message_came_alone(
        sqlite_template, tmp_path, monkeypatch, seed, shield):
    apps = []
    for name in ("runs", "one-by-one"):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copy(sqlite_template, path)
        apps.append(databases.make_app(f"sqlite:///{path}"))
    try:
        broadcast_ids = [_seed(app, shield) for app in apps]
        events = corpus(seed)
        rng, batches, start = random.Random(seed), [], 0
        while start < len(events):
            size = rng.choice([1, 7, 40, 100])
            batches.append(events[start:start + size])
            start += size
        runs = _run(apps[0], broadcast_ids[0], batches, False, monkeypatch)
        alone = _run(apps[1], broadcast_ids[1], batches, True, monkeypatch)
    finally:
        for app in apps:
            databases.dispose(app)
    # The corpus exercises every rule the runs must get right, not only clean chat.
    codes = {reason["code"] for row in alone["rows"]["messages"] for reason in row[9]}
    assert {"spam_flood", "spam_repetition", "spam_raid", "slow_mode", "viewer_timeout", "viewer_ban"} <= codes
    assert {"duplicate", "accepted"} == {result["status"] for result in alone["results"]}
    assert ("shield_new_viewer" in codes) is shield
    pushed = {"chat.moderated", "viewer.sanctioned"} | (set() if shield else {"chat.message", "chat.hidden"})
    assert pushed == {push[2] for push in alone["pushes"]}
    # Claims made draft orders (in shield mode every viewer's first minutes are held: no drafts).
    assert any("order_id" in result.get("claim", {}) for result in alone["results"]) is not shield
    assert runs["results"] == alone["results"]
    for name in alone["rows"]:
        assert runs["rows"][name] == alone["rows"][name], name
    assert runs["pushes"] == alone["pushes"]


def test_an_order_later_in_the_batch_completes_the_claim_made_by_chat_before_it(any_app):
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("A12", variants=[{"sku": "A12-M", "name": "M", "stock": 50}])
    broadcast_id = api.live_broadcast(skus=("A12",))
    at = NOW - timedelta(minutes=1)
    results = post_chat(api, broadcast_id, chat("c-0", "v0", "hi", at), chat("c-1", "v1", "SOLD A12 M 2", at),
                        order_event("A12-M", 2, order_id="O-1", comment_id="c-1"), chat("c-2", "v2", "+1", at),
                        chat("c-1", "v1", "SOLD A12 M 2", at))
    assert [r["status"] for r in results] == ["accepted", "accepted", "accepted", "accepted", "duplicate"]
    assert results[1]["claim"]["status"] == "claimed"
    order = api.get("/api/v1/orders/O-1").get_json()
    assert order["status"] == "accepted", order["findings"]
    assert [n["kind"] for n in order["notices"]] == ["claimed", "received"]


def test_a_payment_after_chat_in_one_batch_finds_the_order_and_the_chat_is_stored_once(any_app):
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    at = NOW - timedelta(minutes=1)
    order = order_event("A1", 1, order_id="P-1")
    payment = {"id": "pay-1", "type": "payment", "ts": at.isoformat(), "order_id": "P-1", "status": "paid", "amount": "99.00"}
    results = post_chat(api, broadcast_id, order, chat("c-1", "v1", "好看", at), chat("c-1", "v1", "好看", at),
                        payment, chat("c-2", "v1", "好看吗", at))
    assert [r["status"] for r in results] == ["accepted", "accepted", "duplicate", "accepted", "accepted"]
    with any_app.app_context():
        stored = db.session.scalars(sa.select(ModeratedMessage.event_id).order_by(ModeratedMessage.id)).all()
    assert stored == ["c-1", "c-2"]
