"""Chat when the shared Redis does not answer (probe 4 of session 15: every event batch holding a chat message was a
500 and nothing was stored, the orders in it included). Chat is then moderated by the server's own window, as
before sharing, and the batch is taken in whole."""
from __future__ import annotations

import redis
import sqlalchemy as sa

from app.extensions import db
from live.moderation.rules import ModerationPolicy, RecentChat
from live.moderation.shared_recent import SharedRecentChat
from orders.models import Order
from tests.support import databases
from tests.support.api import ApiClient, now_iso, order_event

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def test_a_window_without_redis_answers_as_this_servers_own():
    shared = SharedRecentChat(redis.Redis.from_url(DOWN, socket_connect_timeout=1), "test:chat:1")
    local, policy = RecentChat(), ModerationPolicy()
    for n in range(8):
        at = 1_000.0 + n
        assert shared.observe("v1", f"fp{n}", f"text {n}", at, policy) == local.observe("v1", f"fp{n}", f"text {n}",
                                                                                       at, policy)


def test_an_event_batch_with_chat_is_taken_in_while_redis_is_down(sqlite_url):
    app = databases.make_app(sqlite_url, REDIS_URL=DOWN)
    api = ApiClient(app.test_client(), databases.create_token(app, "platform"))
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    chat = {"id": "chat-1", "type": "chat", "ts": now_iso(), "viewer_id": "v1", "nickname": "小王", "text": "多少钱"}
    answer = api.events(broadcast_id, [order_event("A1", 1, order_id="CM-1"), chat])
    assert answer.status_code == 200, answer.get_json()
    assert [result["status"] for result in answer.get_json()["results"]] == ["accepted", "accepted"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order).where(Order.order_id == "CM-1")) == 1
    databases.dispose(app)
