"""The real server (`python wsgi.py`, eventlet) against clients that misbehave at the connection level: a chunked
request body is read, not taken for an empty one; idle clients that never finish their headers are dropped after
SOCKET_TIMEOUT_SECONDS, so they cannot hold every connection slot (MAX_CONNECTIONS) and stop everyone else."""
from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
import requests

from tests.support.databases import create_token, dispose, make_app
from tests.support.server import ServerProcess

pytestmark = pytest.mark.slow


@pytest.fixture
def server(sqlite_url, tmp_path, monkeypatch):
    """Return (server, token) of a real server allowing 16 connections, each dropped after 2 silent seconds."""
    app = make_app(sqlite_url)
    token = create_token(app, "platform")
    dispose(app)
    monkeypatch.setenv("SOCKET_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("MAX_CONNECTIONS", "16")
    running = ServerProcess(sqlite_url, tmp_path)
    yield running, token
    running.stop()


def _chunked_post(port: int, path: str, token: str, body: bytes) -> tuple[int, dict]:
    """Send body in three chunks with Transfer-Encoding: chunked; return the status and the JSON answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    third = len(body) // 3
    parts = iter([body[:third], body[third:2 * third], body[2 * third:]])
    connection.request("POST", path, body=parts, encode_chunked=True,
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer


def test_a_chunked_body_is_read_and_a_too_large_one_is_413(server):
    running, token = server
    created = requests.post(running.url + "/api/v1/broadcasts", json={"title": "Chunked", "platform": "douyin"},
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    path = f"/api/v1/broadcasts/{created.json()['id']}/events"
    event = {"id": "join-1", "type": "viewer_join", "ts": "2026-12-07T10:00:00Z", "viewer_id": "v-1"}
    status, answer = _chunked_post(running.port, path, token, json.dumps({"events": [event]}).encode())
    assert status == 200, answer
    assert answer["results"][0]["status"] == "accepted"
    status, answer = _chunked_post(running.port, path, token, b'{"events": ["' + b"x" * (9 * 1024 * 1024) + b'"]}')
    assert status == 413, answer


def test_clients_that_never_finish_their_headers_are_dropped_and_others_are_served_again(server):
    running, _token = server
    idle = []
    for _ in range(16):  # every slot the server has
        client = socket.create_connection(("127.0.0.1", running.port))
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        idle.append(client)
    time.sleep(3)  # past the 2 s time-out: the server has closed them
    try:
        assert requests.get(running.url + "/healthz", timeout=5).status_code == 200
        assert all(client.recv(1) == b"" for client in idle)  # closed by the server, nothing sent
    finally:
        for client in idle:
            client.close()
    assert "Traceback" not in running.log()
