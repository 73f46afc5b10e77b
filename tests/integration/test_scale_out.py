"""Two servers behind a Redis message queue: an order posted to one reaches a socket on the other."""
from __future__ import annotations

import queue
import uuid

import pytest
import requests
import socketio

from tests.support.api import order_event
from tests.support import databases
from tests.support.databases import create_token, make_app, truncate_postgres
from tests.support.server import ServerProcess


pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def redis_url():
    """Return the Redis URL, or skip (fail with CI=true) when Redis does not answer."""
    return databases.redis_url_or_skip()


def test_order_posted_to_one_server_arrives_on_a_socket_of_the_other(postgres_url, redis_url, tmp_path):
    truncate_postgres(postgres_url)
    token = create_token(make_app(postgres_url), "scale-out")
    server_a = ServerProcess(postgres_url, tmp_path, message_queue=redis_url)
    server_b = ServerProcess(postgres_url, tmp_path, message_queue=redis_url)
    client = socketio.Client(reconnection=False)
    arrived: queue.Queue = queue.Queue()
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"
        api.post(f"{server_a.url}/api/v1/products", json={"sku": "A1", "name": "a", "price": "10.00", "stock": 5}).raise_for_status()
        broadcast_id = api.post(f"{server_a.url}/api/v1/broadcasts", json={"title": "t", "platform": "douyin"}).json()["id"]

        client.on("order.created", lambda payload: arrived.put(payload), namespace="/live")
        client.connect(server_b.url, namespaces=["/live"], auth={"token": token}, wait_timeout=10)
        ack = client.call("join", {"broadcast_id": broadcast_id}, namespace="/live", timeout=10)
        assert ack["ok"] is True

        order_id = f"SCALE-{uuid.uuid4().hex[:8]}"
        response = api.post(f"{server_a.url}/api/v1/broadcasts/{broadcast_id}/events",
                            json={"events": [order_event("A1", 1, order_id=order_id)]})
        assert response.json()["results"][0]["status"] == "accepted"

        payload = arrived.get(timeout=15)
        assert payload["order"]["order_id"] == order_id
        assert payload["seq"] == ack["seq"] + 1
    finally:
        client.disconnect()
        server_a.stop()
        server_b.stop()
