"""Chat runs (live/moderation/run.py, orders/claims/run.py) decide, store and push exactly what taking each message
alone did.

The same generated chat (flood, repetition, raid, slow mode, shield mode, escalation to timeouts and bans,
nicknames changing, NUL characters, duplicate ids, late messages, and purchase claims: by link number, by code, for
the pinned product, for a product that sells out, for an unknown link, for too many units, a viewer's claims
twice in a run, comments that a platform order named before they arrived, comments claimed already and relayed
by a second source, claims made draft orders or only tagged) goes once through ingest_events in batches and once
through the one-message-at-a-time reference (tests/support/chat_oracle.py), each on its own database, on SQLite
and on PostgreSQL; results, stored rows (messages, claims, drafts and their lines, history, notices, findings,
stock) and queued pushes must be equal.
Then, on both databases: an order or a payment later in a batch sees the chat before it.
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
from live.moderation.rules.claims import claim_terms
from live.moderation.terms import term_key
from orders.claims.models import ChatClaim
from orders.claims.policy import ClaimPolicy, save_claim_policy
from orders.models import Order, OrderFinding, OrderHistory, OrderLine, StockLevel
from orders.notices.models import BuyerNotice
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
         "关注我的小店每天都有优惠", "关注我的小店每天都有优惠", "哈哈哈哈哈哈",
         # claims: link numbers (B7 is link 2, pinned, and sells out), unknown links, too many units, variants
         "2号 +1", "+1", "+1", "拍了 9号", "拍了 20件 A12 M码", "1号 L码 要2件", "拍了 1号", "A12 XL 一件", "拍了 B7"]
# Comments a platform order named before they arrived: the claim joins that order (and releases its hold).
NAMED = (5, 30, 77, 150)


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
        if n in NAMED:  # a platform order named this comment before it arrived
            text = "拍了 1号 M码"
        when = at - timedelta(seconds=rng.choice([0, 0, 0, 5, 90]))  # platforms deliver late now and then
        event = chat(f"c-{n}", viewer, text, when, nickname=rng.choice([None, "", f"{viewer}-nick", "加微信的人"]))
        if rng.random() < 0.03 and events:
            event = dict(event, id=rng.choice(events)["id"])  # a redelivery: a duplicate
        events.append(event)
    # Claims delivered very late, from viewers seen for the first time: their comments come before every draft,
    # so each takes a unit back from a later comment's draft once the pinned product has sold out.
    events.insert(count // 2, chat("c-late-1", "late-1", "拍了 B7", NOW - timedelta(minutes=31)))
    events.append(chat("c-late-2", "late-2", "2号 +1", NOW - timedelta(minutes=31)))
    return events


def _seed(app, shield: bool, claims: str, monkeypatch) -> int:
    """Return the id of a live broadcast selling A12 (M, L) and B7 (pinned, 3 units), with terms, a strict policy,
    the claim mode and platform orders naming comments of the corpus stored."""
    databases.create_users(app)
    api = ApiClient(app.test_client(), databases.create_token(app, "adapter"))
    api.product("A12", variants=[{"sku": "A12-M", "name": "M", "stock": 5}, {"sku": "A12-L", "name": "L", "stock": 5}])
    api.product("B7", stock=3)
    broadcast_id = api.live_broadcast(skus=("A12", "B7"))
    at = NOW - timedelta(minutes=31)
    monkeypatch.setattr(ingest, "utcnow", lambda: NOW - timedelta(seconds=1))
    seeded = [{"id": "pin-1", "type": "product_pin", "ts": at.isoformat(), "sku": "B7"}] + [
        order_event("A12-M" if n % 2 else "B7", 1, order_id=f"P-{n}", event_id=f"po-{n}", comment_id=f"c-{n}",
                    ts=at.isoformat(), buyer={"id": f"v{n % 12}", "name": "张三", "phone": "13812345678", "address": {
                        "province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}})
        for n in NAMED]
    response = api.events(broadcast_id, seeded)
    assert {result["status"] for result in response.get_json()["results"]} == {"accepted"}, response.get_json()
    with app.app_context():
        save_claim_policy(db.session, broadcast_id, ClaimPolicy(mode=claims, hold_minutes=10, max_qty=10), "test")
        db.session.execute(sa.insert(ModerationTerm), [
            {"term": term, "key": term_key(term), "category": "custom", "action": action, "scope": "global",
             "broadcast_id": None, "created_by": "test"} for term, action in TERMS])
        db.session.merge(ModerationVersion(name="terms", version=7))
        db.session.add(ModerationPolicyRecord(broadcast_id=broadcast_id, policy=POLICY, slow_seconds=3, shield=shield,
                                              version=1))
        db.session.commit()
    return broadcast_id


def _run(app, broadcast_id: int, batches: list[list[dict]], one_by_one: bool, monkeypatch) -> dict:
    """Return the results, queued pushes and stored rows after ingesting batches one way or the other; the last
    batch comes from a second source (a relay delivering chat the adapter delivered already)."""
    results, pushes = [], []
    with app.app_context():
        for number, events in enumerate(batches):
            now = NOW + timedelta(seconds=number)
            monkeypatch.setattr(ingest, "utcnow", lambda now=now: now)
            broadcast = db.session.get(Broadcast, broadcast_id)
            source = "relay" if number == len(batches) - 1 else "adapter"
            if one_by_one:
                results += ingest_chat_one_by_one(db.session, broadcast, source, events, now)
            else:
                results += ingest.ingest_events(db.session, broadcast, source, events)
            pushes += [(p.room, p.broadcast_id, p.event, p.payload) for p in db.session.info.get(
                "livedesk_pending_pushes", []) if not p.event.startswith("analytics.")]
            realtime.commit(db.session)
        return {"results": results, "pushes": pushes, "rows": _rows()}


def _rows() -> dict:
    """Return what chat stored, comparable across databases (no creation times, nor the times the ORM takes from the
    clock; viewer and event-log ids may differ: a run upserts its viewers in id order, and a duplicate takes no
    event-log id)."""
    def table(model, *skip):
        columns = [c for c in model.__table__.columns if c.name not in skip]
        return [tuple(row) for row in db.session.execute(sa.select(*columns).order_by(*model.__table__.primary_key))]
    return {"messages": table(ModeratedMessage, "created_at"), "offences": table(ModerationOffence),
            "sanctions": table(ViewerSanction), "viewers": sorted(table(Viewer, "id")),
            "log": sorted(table(EventLog, "id")), "claims": table(ChatClaim), "orders": table(Order, "updated_at"),
            "lines": table(OrderLine), "history": table(OrderHistory, "at"), "findings": table(OrderFinding),
            # a notice's payload id is random
            "notices": list(zip(table(BuyerNotice, "payload"), [dict(payload, id=None) for payload in
                                                                db.session.scalars(sa.select(BuyerNotice.payload)
                                                                                   .order_by(BuyerNotice.id))])),
            "stock": table(StockLevel)}


def _apps(database: str, request, tmp_path, name: str):
    """Return an app on a fresh database of the kind asked for (SQLite: a copy of the template; PostgreSQL: the
    test database emptied)."""
    if database == "sqlite":
        path = tmp_path / f"{name}.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return databases.make_app(f"sqlite:///{path}")
    url = request.getfixturevalue("postgres_url")
    databases.truncate_postgres(url)
    return databases.make_app(url)


@pytest.mark.parametrize(("database", "seed", "shield", "claims"), [
    ("sqlite", 1, False, "draft"), ("sqlite", 2, False, "draft"), ("sqlite", 4, True, "draft"),
    ("sqlite", 8, False, "draft"),
    ("sqlite", 4, False, "off"), pytest.param("postgres", 5, False, "draft", marks=pytest.mark.postgres)])
@pytest.mark.slow
def test_a_batch_of_chat_is_decided_stored_and_pushed_as_if_each_message_came_alone(
        request, tmp_path, monkeypatch, database, seed, shield, claims):
    events = corpus(seed)
    rng, batches, start = random.Random(seed), [], 0
    while start < len(events):
        size = rng.choice([1, 7, 40, 100])
        batches.append(events[start:start + size])
        start += size
    relayed = max(batches, key=len)
    batches.append(relayed)  # its comments were claimed already: no claim, no outcome
    taken = {}
    for name, one_by_one in (("runs", False), ("one-by-one", True)):
        app = _apps(database, request, tmp_path, name)
        try:
            broadcast_id = _seed(app, shield, claims, monkeypatch)
            taken[name] = _run(app, broadcast_id, batches, one_by_one, monkeypatch)
        finally:
            databases.dispose(app)
    runs, alone = taken["runs"], taken["one-by-one"]
    # The corpus exercises every rule the runs must get right, not only clean chat.
    codes = {reason["code"] for row in alone["rows"]["messages"] for reason in row[9]}
    assert {"spam_flood", "spam_repetition", "spam_raid", "slow_mode", "viewer_timeout", "viewer_ban"} <= codes
    assert {"duplicate", "accepted"} == {result["status"] for result in alone["results"]}
    assert ("shield_new_viewer" in codes) is shield
    pushed = {"chat.moderated", "viewer.sanctioned"} | (set() if shield else {"chat.message", "chat.hidden"})
    assert pushed <= {push[2] for push in alone["pushes"]}
    # ... and every way a claim goes: unresolved for each reason, joining a platform order, drafts that hold
    # their units, wait in line or lose them to an earlier comment (in shield mode every viewer's first minutes
    # are held: no drafts; with claims off, none either).
    made = [result["claim"] for result in alone["results"] if "claim" in result]
    reasons = {claim.get("reason") for claim in made}
    assert {"unknown_link", "variant_missing", "qty_over_limit", "held_by_moderation"} <= reasons
    assert len({order for order in (claim.get("order_id", "") for claim in made) if order.startswith("P-")}) > 1
    drafts = [row for row in alone["rows"]["orders"] if row[1].startswith("claim-")]
    assert bool(drafts) is (claims == "draft") or shield
    if drafts and not shield:
        history = {row[6] for row in alone["rows"]["history"]}
        assert {"waiting for stock", "an earlier comment claimed the unit"} <= history, history
        assert {"order.created", "order.updated", "claims.changed", "stock.changed"} <= {p[2] for p in alone["pushes"]}
    assert any(result["status"] == "accepted" and claim_terms(event["text"]) and "claim" not in result
               for event, result in zip(relayed, alone["results"][-len(relayed):]))  # a claim taken already
    claimers = [[event["viewer_id"] for event in batch if claim_terms(event["text"])] for batch in batches]
    assert any(len(viewers) > len(set(viewers)) for viewers in claimers)  # a viewer claims twice in one batch
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
