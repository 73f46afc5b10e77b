"""Shared pieces of the buyer notice tests (tests/integration/test_notices_*.py): a signing webhook receiver,
orders and notices to work on, channels and clocks a test drives, a counter of commits."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Self

import sqlalchemy as sa

from app.auth.tokens import signature_valid
from live.models import Broadcast
from orders.models import Order
from orders.notices.channels import DeliveryError
from orders.notices.models import BuyerNotice
from orders.notices.service import queue_notice

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


SECRET = "notice-secret"


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that checks signatures and fails the first `fail_first` requests."""

    def __init__(self) -> None:
        self.fail_first = 0
        self.lock = threading.Lock()
        self.received: list[tuple[bool, bytes]] = []
        self.url = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = signature_valid(self.headers.get("X-LiveDesk-Signature"), body, [SECRET], time.time(), 300)
                with receiver.lock:
                    receiver.received.append((valid, body))
                    n = len(receiver.received)
                status = 401 if not valid else 500 if n <= receiver.fail_first else 200
                reply = b"boom" if status == 500 else b""
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def ids(self) -> Counter:
        """Return how often each notice id arrived with a valid signature."""
        return Counter(json.loads(body)["id"] for valid, body in self.received if valid)


def make_order(session, order_id: str = "O-1") -> Order:
    broadcast = session.scalar(sa.select(Broadcast)) or Broadcast(title="Live", platform="douyin")
    order = Order(order_id=order_id, source="in_stream", buyer_id=f"buyer-{order_id}",
                  total=Decimal("1234.50"), placed_at=T0)
    session.add(broadcast)
    session.flush()
    order.broadcast_id = broadcast.id
    session.add(order)
    session.commit()
    return order


def notice(session, notice_id: int) -> BuyerNotice:
    session.expire_all()
    return session.get(BuyerNotice, notice_id)


class Recorder:
    """A channel that records each payload id it is given and fails for the ids in `fail` (thread-safe)."""

    name = "log"

    def __init__(self, fail: frozenset[str] = frozenset(), before_send=None) -> None:
        self.fail, self.before_send, self.lock, self.ids = fail, before_send, threading.Lock(), Counter()

    def send(self, notice_payload: dict) -> None:
        if self.before_send:
            self.before_send(notice_payload)
        with self.lock:
            self.ids[notice_payload["id"]] += 1
        if notice_payload["id"] in self.fail:
            raise DeliveryError("HTTP 503: busy")


class FakeClock:
    """A monotonic clock that moves only when a test moves it."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class Transactions:
    """Counts the COMMITs and UPDATE statements the engine runs while it listens."""

    def __init__(self, engine) -> None:
        self.engine, self.commits, self.updates = engine, 0, 0

    def _commit(self, conn) -> None:
        self.commits += 1

    def _execute(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.updates += statement.lstrip().upper().startswith("UPDATE")

    def __enter__(self) -> Self:
        sa.event.listen(self.engine, "commit", self._commit)
        sa.event.listen(self.engine, "before_cursor_execute", self._execute)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(self.engine, "commit", self._commit)
        sa.event.remove(self.engine, "before_cursor_execute", self._execute)


def queue_many(session, count: int, now: datetime = T0, order_id: str = "O-1") -> list[int]:
    """Return the ids of count pending notices of one order, due at now, committed."""
    order = make_order(session, order_id)
    ids = [queue_notice(session, order, "payment_failed", dedupe=f"evt-{i}", now=now).id for i in range(count)]
    session.commit()
    return ids
