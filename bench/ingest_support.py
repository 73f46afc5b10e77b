"""What bench/ingest.py measures with: databases (SQLite files or PostgreSQL databases), the server, the load.

Imported by bench/ingest.py after it has set the environment (no monkey-patching, a temporary instance/).
"""
from __future__ import annotations

import http.client
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("LIVEDESK_INSTANCE") or tempfile.mkdtemp(prefix="livedesk-bench-"))
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.auth.tokens import issue_token  # noqa: E402
from app.extensions import db  # noqa: E402
from live import broadcasts as lineup  # noqa: E402
from orders.catalog import create_product  # noqa: E402

SKUS = [f"BENCH-{n:02d}" for n in range(20)]
PRICE = Decimal("99.00")


def make_app(url: str):
    """Return an app on the database at url."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SOCKETIO_MESSAGE_QUEUE": None})


def migrate(url: str) -> str:
    """Return url after migrating its database to head (or, when the migrations lag the models, say so)."""
    from alembic.autogenerate import compare_metadata  # here: only this step needs alembic
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    with make_app(url).app_context():
        upgrade()
        with db.engine.connect() as connection:
            lag = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    if lag:
        print(f"WARNING: the migrations lag the models ({len(lag)} differences, e.g. {lag[0]})")
    return url


class SqliteDatabases:
    """Fresh SQLite files, each a copy of one migrated template."""

    engine = "sqlite"

    def __init__(self) -> None:
        self.template = WORKDIR / "template.sqlite3"
        migrate(f"sqlite:///{self.template}")

    def fresh(self, name: str) -> str:
        """Return the URL of a new copy of the migrated template."""
        path = WORKDIR / f"{name}.sqlite3"
        shutil.copy(self.template, path)
        return f"sqlite:///{path}"

    def close(self) -> None:
        """Nothing to drop: the files go with the temporary folder."""


def seed(app) -> tuple[str, int]:
    """Return (token, broadcast id) after creating products with plenty of stock in a live broadcast."""
    with app.app_context():
        for sku in SKUS:
            create_product(db.session, sku, f"Bench {sku}", PRICE, 10_000_000, [])
        broadcast = lineup.create_broadcast(db.session, "bench", "douyin")
        for sku in SKUS:
            lineup.add_to_lineup(db.session, broadcast, sku, None)
        lineup.start_broadcast(db.session, broadcast, None)
        token = issue_token(db.session, "bench")
        db.session.commit()
        broadcast_id = broadcast.id
        db.session.remove()
        db.engine.dispose()
        return token, broadcast_id


def order(tag: str, n: int) -> dict:
    """Return a complete order event for one unit of a bench SKU."""
    return {"id": f"{tag}-{n}", "type": "order", "ts": datetime.now(timezone.utc).isoformat(),
            "order_id": f"{tag}-{n}", "source": "in_stream",
            "buyer": {"id": f"buyer-{n % 500}", "name": "张三", "phone": "13812345678",
                      "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}},
            "items": [{"sku": SKUS[n % len(SKUS)], "qty": 1, "unit_price": str(PRICE)}], "coupon_codes": []}


class Poster:
    """One keep-alive HTTP/1.1 connection that POSTs JSON with a bearer token.

    http.client, not requests: the load generator shares the machine's cores with the server, and requests costs
    about 1 ms of client CPU per request, which the server then loses. Platforms send from their own machines.
    """

    def __init__(self, base: str, token: str) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.connection = http.client.HTTPConnection(host, int(port or 80), timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, payload: dict) -> tuple[int, dict | None]:
        """Return (status, JSON body) of one POST on the kept-alive connection."""
        self.connection.request("POST", path, json.dumps(payload).encode(), self.headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, (json.loads(body) if body else None)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def http_rate(base: str, token: str, path: str, tag: str, total: int, batch: int,
              budget: float) -> tuple[int, float]:
    """Return (orders, orders/s) for POSTing up to total orders in batches, one request after another, for budget s."""
    poster, started, sent = Poster(base, token), time.perf_counter(), 0
    try:
        while sent < total and time.perf_counter() - started < budget:
            events = [order(tag, n) for n in range(sent, min(total, sent + batch))]
            status, body = poster.post(path, {"events": events})
            if status != 200 or any(r["status"] != "accepted" for r in body["results"]):
                raise RuntimeError(f"not all accepted ({status}): {str(body)[:200]}")
            sent += len(events)
    finally:
        poster.close()
    return sent, sent / (time.perf_counter() - started)


def concurrent_rate(base: str, token: str, path: str, tag: str, total: int, connections: int,
                    budget: float) -> tuple[int, float]:
    """Return (orders, orders/s) for POSTing one order per request from several connections at once, for budget s."""
    counter, lock, failures, done = itertools.count(), threading.Lock(), [], []
    started = time.perf_counter()

    def sender() -> None:
        poster = Poster(base, token)
        try:
            while time.perf_counter() - started < budget:
                with lock:
                    n = next(counter)
                if n >= total:
                    return
                status, body = poster.post(path, {"events": [order(tag, n)]})
                if status != 200 or body["results"][0]["status"] != "accepted":
                    failures.append(f"{status} {str(body)[:200]}")
                    return
                done.append(n)
        finally:
            poster.close()

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"not all accepted: {failures[0]}")
    elapsed = time.perf_counter() - started
    return len(done), len(done) / elapsed


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int, token: str, mode: str) -> subprocess.Popen:
    """Return the real server (`python wsgi.py` in the async mode given) on the database at url, once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL=url, HOST="127.0.0.1", PORT=str(port), SOCKETIO_ASYNC_MODE=mode)
    with open(WORKDIR / "server.log", "wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/broadcasts", headers={"Authorization": f"Bearer {token}"},
                         timeout=2).raise_for_status()
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"the server did not start:\n{(WORKDIR / 'server.log').read_text()}")


def server_log_tail() -> str:
    """Return the end of the server's log (shown when a run fails)."""
    path = WORKDIR / "server.log"
    return path.read_text()[-6000:] if path.exists() else ""
