"""Local fakes of the commerce platforms' detail APIs, served on a local port while a test runs.

Each fake (douyin.py, tiktok_shop.py, kuaishou.py) is a small Flask app that checks the request signature the
way the platform documents it and answers the documented responses from tests/fixtures/adapters/<platform>/.
A test can make the next answers fail (HTTP 500 or 429, or the platform's own "too fast" code) to exercise
the clients' retries, reads ``calls`` (monotonic time, path, query) to check the rate limit, and may set
``on_call`` to look at the caller's side while the platform answers (``WriteLockProbe``: is the database free?).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flask import Flask, Response
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "adapters"


def fixture(platform: str, name: str) -> dict:
    """Return a JSON fixture of a platform (tests/fixtures/adapters/<platform>/<name>.json)."""
    return json.loads((FIXTURES / platform / f"{name}.json").read_text(encoding="utf-8"))


@dataclass
class FakeState:
    """What a fake knows (credentials, answers by id) and what it saw (calls, rejected signatures)."""

    app_key: str
    app_secret: str
    access_token: str = "test-access-token"
    answers: dict = field(default_factory=dict)  # (call, id) → JSON answer
    failures: deque = field(default_factory=deque)  # the next answers: (HTTP status, headers, body)
    calls: list = field(default_factory=list)  # (monotonic time, path, query dict)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_call: Callable[[str], None] | None = None  # called with the path of each call, before it is answered

    def fail_next(self, count: int, status: int = 500, headers: dict | None = None, body: dict | None = None) -> None:
        """Make the next count calls answer status (with headers/body) before answering normally again."""
        for _ in range(count):
            self.failures.append((status, headers or {}, body or {"message": "try again"}))

    def record(self, path: str, query: dict) -> Response | None:
        """Log a call (and show it to on_call); return the queued failure answer when one is due."""
        if self.on_call is not None:
            self.on_call(path)
        with self.lock:
            self.calls.append((time.monotonic(), path, dict(query)))
            if not self.failures:
                return None
            status, headers, body = self.failures.popleft()
        return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


def json_response(payload: dict, status: int = 200) -> Response:
    """Return a JSON answer (UTF-8, as the platforms send)."""
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")


class FakeServer:
    """A fake platform app served on 127.0.0.1 in a thread; stop() ends it."""

    def __init__(self, app: Flask, state: FakeState):
        """Start serving app on a free port."""
        self.state = state
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class WriteLockProbe:
    """An on_call that tries BEGIN IMMEDIATE on a SQLite database from its own connection, without waiting.

    ``seen`` lists, per platform call, "free" or SQLite's refusal: on SQLite every LiveDesk transaction holds the
    write lock, so anything but "free" means the platform was called with a transaction open.
    """

    def __init__(self, database_uri: str):
        """Watch the SQLite file of database_uri."""
        self.path = make_url(database_uri).database
        self.seen: list[str] = []

    def __call__(self, _path: str) -> None:
        """Record whether another writer could begin now."""
        other = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            self.seen.append("free")
        except sqlite3.OperationalError as error:
            self.seen.append(str(error))
        finally:
            other.close()
