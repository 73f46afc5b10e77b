"""A real server (`python wsgi.py`, eventlet) starts its writer process with it, takes orders in through it, and
starts another when it dies."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests

from tests.support.api import order_event
from tests.support.databases import create_token, make_app
from tests.support.server import ServerProcess


def _writers(pid: int) -> list[int]:
    """Return the pids of pid's children started as its writer process."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    writers = []
    for child in children:
        try:
            if b"LIVEDESK_WRITER_FD=" in Path(f"/proc/{child}/environ").read_bytes():
                writers.append(int(child))
        except OSError:  # gone (a zombie until the server reaps it)
            continue
    return writers


def _ended(pid: int) -> bool:
    """Return True once process pid has exited (a zombie, or reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _until(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    return condition()


def _set_up(sqlite_url: str, tmp_path) -> tuple[ServerProcess, requests.Session, str]:
    app = make_app(sqlite_url)
    token = create_token(app, "writer")
    server = ServerProcess(sqlite_url, tmp_path)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return server, session, server.url


def _live_broadcast(session: requests.Session, base: str) -> str:
    session.post(f"{base}/api/v1/products", json={"sku": "WS1", "name": "Scarf", "price": "99.00", "stock": 50},
                 timeout=30).raise_for_status()
    broadcast = session.post(f"{base}/api/v1/broadcasts", json={"title": "Writer", "platform": "douyin"}, timeout=30)
    broadcast_id = broadcast.json()["id"]
    session.post(f"{base}/api/v1/broadcasts/{broadcast_id}/start", json={}, timeout=30).raise_for_status()
    session.post(f"{base}/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "WS1"},
                 timeout=30).raise_for_status()
    return f"{base}/api/v1/broadcasts/{broadcast_id}/events"


def test_the_server_starts_its_writer_takes_orders_through_it_and_replaces_a_dead_one(sqlite_url, tmp_path):
    server, session, base = _set_up(sqlite_url, tmp_path)
    try:
        writers = _until(lambda: _writers(server.process.pid))
        assert len(writers) == 1  # started with the server, before any event request
        events = _live_broadcast(session, base)
        answer = session.post(events, json={"events": [order_event("WS1", order_id="ws-1")]}, timeout=60)
        assert answer.json()["results"][0]["order"]["status"] == "accepted"
        os.kill(writers[0], signal.SIGKILL)
        _until(lambda: _ended(writers[0]), 10)  # a writer dying as a group is sent fails that group (503)
        answer = session.post(events, json={"events": [order_event("WS1", order_id="ws-2")]}, timeout=60)
        assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "accepted"
        assert _writers(server.process.pid) not in ([], writers)
        orders = session.get(f"{base}/api/v1/orders", timeout=30).json()
        assert {order["order_id"] for order in orders["orders"]} == {"ws-1", "ws-2"}
    finally:
        server.stop()
