"""Order ingestion on SQLite: HTTP API orders/s (batches of 1 and 100) against the raw SQL ceiling, and push latency.

Run: .venv/bin/python bench/ingest.py [--budget 10] [--rate 200] [--seconds 10] [--profile]
         [--server-mode threading|eventlet]  (--help for more)
The server is `python wsgi.py` in threading mode unless --server-mode eventlet (the production default) is given.
Each throughput run stops at its order count or after --budget seconds. Everything lives in a temporary folder
(database, instance/, server log) removed at the end. Figures only: no assertion is made on time.
"""
from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import requests
import socketio as socketio_client
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="livedesk-bench-"))
# Before the app is imported: no monkey-patching, and nothing written to the project's instance/.
os.environ.update(SOCKETIO_ASYNC_MODE="threading", LIVEDESK_INSTANCE=str(WORKDIR), SECRET_KEY="bench",
                  DATABASE_URL=f"sqlite:///{WORKDIR / 'unused.sqlite3'}")
sys.path.insert(0, str(ROOT))

from app import create_app, realtime  # noqa: E402
from app.auth.tokens import issue_token  # noqa: E402
from app.db.engine import configure_engine  # noqa: E402
from app.extensions import db  # noqa: E402
from live import broadcasts as lineup  # noqa: E402
from live.ingest import ingest_events  # noqa: E402
from live.models import Broadcast  # noqa: E402
from orders.catalog import create_product  # noqa: E402
from orders.models import Order, OrderLine, Product, StockLevel  # noqa: E402

SKUS = [f"BENCH-{n:02d}" for n in range(20)]
PRICE = Decimal("99.00")


def make_app(path: Path):
    """Return an app on the SQLite file at path."""
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SOCKETIO_MESSAGE_QUEUE": None})


def make_template() -> Path:
    """Return an SQLite file migrated to head (or, when the migrations lag the models, built from the models)."""
    from alembic.autogenerate import compare_metadata  # here: only this step needs alembic
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    template = WORKDIR / "template.sqlite3"
    with make_app(template).app_context():
        upgrade()
        with db.engine.connect() as connection:
            lag = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    if lag:
        print(f"WARNING: the migrations lag the models ({len(lag)} differences, e.g. {lag[0]}); "
              "this run uses a schema made by create_all()")
        template = WORKDIR / "template-models.sqlite3"
        with make_app(template).app_context():
            db.create_all()
            db.engine.dispose()
    return template


def migrated_copy(template: Path, name: str) -> Path:
    """Return a fresh copy of the migrated template database."""
    path = WORKDIR / name
    shutil.copy(template, path)
    return path


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
        return token, broadcast.id


def order(tag: str, n: int) -> dict:
    """Return a complete order event for one unit of a bench SKU."""
    return {"id": f"{tag}-{n}", "type": "order", "ts": datetime.now(timezone.utc).isoformat(),
            "order_id": f"{tag}-{n}", "source": "in_stream",
            "buyer": {"id": f"buyer-{n % 500}", "name": "张三", "phone": "13812345678",
                      "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}},
            "items": [{"sku": SKUS[n % len(SKUS)], "qty": 1, "unit_price": str(PRICE)}], "coupon_codes": []}


def http_rate(session: requests.Session, url: str, tag: str, total: int, batch: int,
              budget: float) -> tuple[int, float]:
    """Return (orders, orders/s) for POSTing up to total orders in batches, one request after another, for budget s."""
    started, sent = time.perf_counter(), 0
    while sent < total and time.perf_counter() - started < budget:
        events = [order(tag, n) for n in range(sent, min(total, sent + batch))]
        response = session.post(url, json={"events": events}, timeout=120)
        response.raise_for_status()
        if any(r["status"] != "accepted" for r in response.json()["results"]):
            raise RuntimeError(f"not all accepted: {response.json()['results'][:2]}")
        sent += len(events)
    return sent, sent / (time.perf_counter() - started)


def concurrent_rate(url: str, token: str, tag: str, total: int, connections: int,
                    budget: float) -> tuple[int, float]:
    """Return (orders, orders/s) for POSTing one order per request from several connections at once, for budget s."""
    counter, lock, failures, done = itertools.count(), threading.Lock(), [], []
    started = time.perf_counter()

    def sender() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        while time.perf_counter() - started < budget:
            with lock:
                n = next(counter)
            if n >= total:
                return
            response = session.post(url, json={"events": [order(tag, n)]}, timeout=120)
            if response.status_code != 200 or response.json()["results"][0]["status"] != "accepted":
                failures.append(response.text[:200])
                return
            done.append(n)

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"not all accepted: {failures[0]}")
    elapsed = time.perf_counter() - started
    return len(done), len(done) / elapsed


def raw_rate(path: Path, total: int, budget: float) -> tuple[int, float]:
    """Return (orders, orders/s) for SQLAlchemy Core, per order one transaction: conditional decrement, 2 inserts."""
    engine = sa.create_engine(f"sqlite:///{path}")
    configure_engine(engine)  # the app's PRAGMAs (WAL, synchronous=FULL, busy_timeout) and BEGIN IMMEDIATE
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        broadcast_id = conn.execute(sa.insert(Broadcast.__table__).values(
            title="raw", platform="douyin", status="live", created_at=now)).inserted_primary_key[0]
        product_id = conn.execute(sa.insert(Product.__table__).values(
            sku="RAW", name="raw", price=PRICE, created_at=now)).inserted_primary_key[0]
        conn.execute(sa.insert(StockLevel.__table__), [
            {"sku": sku, "product_id": product_id, "variant_id": None, "available": 10_000_000, "reserved": 0,
             "sold": 0, "received_total": 10_000_000} for sku in SKUS])
    # Built once, like any tuned hot path would: only parameters change per order.
    decrement = sa.text("UPDATE stock_levels SET available=available-:q, reserved=reserved+:q "
                        "WHERE sku=:s AND available>=:q")
    insert_order, insert_line = sa.insert(Order.__table__), sa.insert(OrderLine.__table__)
    started, sent = time.perf_counter(), 0
    while sent < total and time.perf_counter() - started < budget:
        event, now = order("raw", sent), datetime.now(timezone.utc)
        sku, buyer, address = event["items"][0]["sku"], event["buyer"], event["buyer"]["address"]
        with engine.begin() as conn:
            if conn.execute(decrement, {"q": 1, "s": sku}).rowcount != 1:
                raise RuntimeError("out of stock")
            pk = conn.execute(insert_order, {
                "order_id": event["order_id"], "broadcast_id": broadcast_id, "source": "in_stream",
                "status": "accepted", "buyer_id": buyer["id"], "buyer_name": buyer["name"],
                "buyer_phone": buyer["phone"], "address_province": address["province"],
                "address_city": address["city"], "address_district": address["district"],
                "address_detail": address["detail"], "comment_id": None, "coupon_codes": [], "units": 1,
                "total": PRICE, "paid_amount": None, "placed_at": now, "received_at": now, "updated_at": now,
            }).inserted_primary_key[0]
            conn.execute(insert_line, {"order_pk": pk, "sku": sku, "qty": 1, "unit_price": PRICE, "line_total": PRICE})
        sent += 1
    rate = sent / (time.perf_counter() - started)
    engine.dispose()
    return sent, rate


def in_process_rate(path: Path, total: int, batch: int, budget: float,
                    profiler: cProfile.Profile | None = None) -> tuple[int, float]:
    """Return (orders, orders/s) for ingest_events + realtime.commit in this process (no HTTP), profiled if asked."""
    app = make_app(path)
    _token, broadcast_id = seed(app)
    with app.app_context():
        ingest_events(db.session, db.session.get(Broadcast, broadcast_id), "bench", [order("warm", 0)])
        realtime.commit(db.session)
        started, sent = time.perf_counter(), 0
        if profiler:
            profiler.enable()
        while sent < total and time.perf_counter() - started < budget:
            events = [order("inproc", n) for n in range(sent, min(total, sent + batch))]
            ingest_events(db.session, db.session.get(Broadcast, broadcast_id), "bench", events)
            realtime.commit(db.session)
            sent += len(events)
        if profiler:
            profiler.disable()
        rate = sent / (time.perf_counter() - started)
        db.engine.dispose()
    return sent, rate


# (label, file suffix, function names): steps of a batch, as cumulative profile times (nested rows overlap).
STEPS = (
    ("ingest_events (whole batch)", "live/ingest.py", "ingest_events"),
    ("  parse_event (envelope validation)", "live/events.py", "parse_event"),
    ("  receive_orders (a run of order events)", "orders/intake/batch.py", "receive_orders"),
    ("    run_audit (pure rules)", "orders/audit/__init__.py", "run_audit"),
    ("    inventory.reserve", "orders/inventory.py", "reserve"),
    ("  queue_order_changes (pushes)", "orders/push.py", "queue_order_changes"),
    ("  analytics record_events", "analytics/rollups/record.py", "record_events"),
    ("    order_to_dict (push payload)", "orders/serialize.py", "order_to_dict"),
    ("  broadcast_totals (once a batch)", "orders/push.py", "broadcast_totals"),
    ("realtime.commit (seq, log, COMMIT, emit)", "app/realtime/__init__.py", "commit"),
    ("SQLAlchemy Session.flush (any caller)", "sqlalchemy/orm/session.py", "_flush"),
    ("SQLAlchemy SAVEPOINT + RELEASE", "sqlalchemy/engine/base.py", ("_savepoint_impl", "_release_savepoint_impl")),
    ("SQLAlchemy statement compile/cache key", "sqlalchemy/sql/elements.py", "_compile_w_cache"),
    ("SQLite itself (cursor.execute)", "~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
    ("SQLite COMMIT (fsync)", "~", "<method 'commit' of 'sqlite3.Connection' objects>"),
)


def profile_ingestion(path: Path, total: int, batch: int) -> None:
    """Print where in-process ingestion spends its time: SQL statements per order and a profile by step."""
    counts: Counter = Counter()

    def count(conn, cursor, statement, *_args) -> None:
        counts[statement.split(None, 1)[0].upper()] += 1

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    profiler = cProfile.Profile()
    try:
        total, rate = in_process_rate(path, total, batch, 600.0, profiler)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    per_order = ", ".join(f"{kind} {n / total:.2f}" for kind, n in counts.most_common())
    print(f"\n--- where the time goes: ingest_events + realtime.commit, {total} orders, batches of {batch} "
          f"(profiled: {rate:.0f} orders/s) ---")
    print(f"SQL statements per order: {sum(counts.values()) / total:.2f} ({per_order})")
    stats = pstats.Stats(profiler)
    total_time = stats.total_tt
    found = {(file, name): entry for (file, _line, name), entry in stats.stats.items()}  # type: ignore[attr-defined]
    print(f"{'step':44}{'ms/order':>10}{'% of all':>10}")
    for label, suffix, names in STEPS:
        wanted = names if isinstance(names, tuple) else (names,)
        seconds = sum(entry[3] for (file, name), entry in found.items() if name in wanted and file.endswith(suffix))
        print(f"{label:44}{seconds * 1000 / total:>10.2f}{seconds / total_time * 100:>9.1f}%")
    print("top functions by own time:")
    stats.sort_stats("tottime").print_stats(12)


def latency(base: str, token: str, broadcast_id: int, rate: float, seconds: float, senders: int) -> dict:
    """Return push latencies (ms) to order.created on /live, from the POST and from when the order was due."""
    due: dict[str, float] = {}
    sent: dict[str, float] = {}
    arrived: dict[str, float] = {}
    client = socketio_client.Client(reconnection=False)
    client.on("order.created", lambda data: arrived.setdefault(data["order"]["order_id"], time.perf_counter()),
              namespace="/live")
    client.connect(base, namespaces=["/live"], auth={"token": token}, transports=["websocket"])
    if not client.call("join", {"broadcast_id": broadcast_id}, namespace="/live", timeout=10).get("ok"):
        raise RuntimeError("join refused")
    total, counter, lock = int(rate * seconds), itertools.count(), threading.Lock()
    started = time.perf_counter() + 0.2
    give_up = started + 3 * seconds  # a server that cannot keep up would otherwise stretch this run without end

    def sender() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        url = f"{base}/api/v1/broadcasts/{broadcast_id}/events"
        while True:
            with lock:
                n = next(counter)
            if n >= total or time.perf_counter() > give_up:
                return
            event = order("lat", n)
            due[event["order_id"]] = started + n / rate
            time.sleep(max(0.0, due[event["order_id"]] - time.perf_counter()))
            sent[event["order_id"]] = time.perf_counter()
            session.post(url, json={"events": [event]}, timeout=60).raise_for_status()

    # Several senders, each with its own keep-alive connection, as a platform's webhook workers would.
    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    send_seconds = time.perf_counter() - started
    deadline = time.perf_counter() + 10
    while len(arrived) < len(sent) and time.perf_counter() < deadline:
        time.sleep(0.05)
    client.disconnect()

    def summary(start: dict[str, float]) -> tuple[float, float, float]:
        values = sorted((arrived[k] - start[k]) * 1000 for k in sent if k in arrived)
        return statistics.median(values), statistics.quantiles(values, n=100, method="inclusive")[98], values[-1]

    return {"sent": len(sent), "received": sum(k in arrived for k in sent), "achieved": len(sent) / send_seconds,
            "from_post": summary(sent), "from_due": summary(due)}


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(path: Path, port: int, token: str, mode: str = "threading") -> subprocess.Popen:
    """Return the real server (`python wsgi.py` in the async mode given) on the database at path, once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL=f"sqlite:///{path}", HOST="127.0.0.1", PORT=str(port), SOCKETIO_ASYNC_MODE=mode)
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


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders-1", type=int, default=2000, help="orders sent one per request, at most")
    parser.add_argument("--orders-100", type=int, default=20000, help="orders sent 100 per request, at most")
    parser.add_argument("--raw", type=int, default=20000, help="orders for the raw SQL ceiling, at most")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds each throughput run may take")
    parser.add_argument("--rate", type=float, default=200.0, help="orders/s of the push latency run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the push latency run")
    parser.add_argument("--senders", type=int, default=16, help="concurrent connections of the latency run")
    parser.add_argument("--connections", type=int, default=16,
                        help="concurrent connections of the one-order-per-request throughput run")
    parser.add_argument("--profile", action="store_true", help="always print where in-process ingestion spends time")
    parser.add_argument("--server-mode", choices=("threading", "eventlet"), default="threading",
                        help="SOCKETIO_ASYNC_MODE of the server process (this process always uses threading)")
    args = parser.parse_args()
    load = os.getloadavg()[0]  # other work on the machine skews every figure: say how busy it was
    template = make_template()
    server_db = migrated_copy(template, "server.sqlite3")
    token, broadcast_id = seed(make_app(server_db))
    server = start_server(server_db, port := free_port(), token, args.server_mode)
    try:
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        url = f"{base}/api/v1/broadcasts/{broadcast_id}/events"
        http_rate(session, url, "warmup", 100, 10, args.budget)
        figures = {"HTTP API, batch 1": http_rate(session, url, "b1", args.orders_1, 1, args.budget),
                   f"HTTP API, batch 1, {args.connections} connections": concurrent_rate(
                       url, token, "c1", args.orders_1 * 10, args.connections, args.budget),
                   "HTTP API, batch 100": http_rate(session, url, "b100", args.orders_100, 100, args.budget)}
        push = latency(base, token, broadcast_id, args.rate, args.seconds, args.senders)
    except Exception:
        print((WORKDIR / "server.log").read_text()[-6000:])
        raise
    finally:
        server.terminate()
        server.wait(timeout=10)
    figures["in-process ingest_events, batch 100"] = in_process_rate(
        migrated_copy(template, "inproc.sqlite3"), args.orders_100, 100, args.budget)
    figures["raw SQL ceiling, 1 transaction per order"] = raw_rate(
        migrated_copy(template, "raw.sqlite3"), args.raw, args.budget)
    raw = figures["raw SQL ceiling, 1 transaction per order"][1]
    print(f"\nLiveDesk order ingestion on SQLite (WAL, synchronous=FULL); server: python wsgi.py, {args.server_mode} mode; "
          f"{os.cpu_count()} CPUs, load average {load:.2f} at start")
    print(f"{'':44}{'orders':>8}{'orders/s':>11}")
    for label, (count, rate) in figures.items():
        print(f"{label:44}{count:>8}{rate:>11.1f}")
    ratio_100, ratio_1 = figures["HTTP API, batch 100"][1] / raw, figures["HTTP API, batch 1"][1] / raw
    verdict = "met" if ratio_100 >= 1 else "NOT met"
    print(f"{'ratio HTTP batch 100 / raw':44}{ratio_100:>19.2f}   goal >= 1.0: {verdict}")
    print(f"{'ratio HTTP batch 1 / raw':44}{ratio_1:>19.2f}")
    concurrent = figures[f"HTTP API, batch 1, {args.connections} connections"][1]
    ratio_group = concurrent / figures["HTTP API, batch 100"][1]
    print(f"{f'ratio batch 1 x {args.connections} connections / batch 100':44}{ratio_group:>19.2f}   goal >= 0.8: "
          f"{'met' if ratio_group >= 0.8 else 'NOT met'}")
    print(f"push latency to order.created on /live: {args.rate:g} orders/s wanted for {args.seconds:g} s, "
          f"1 order per request, {args.senders} connections")
    print(f"  sent {push['sent']} (achieved {push['achieved']:.1f} orders/s), pushes received {push['received']}")
    for label, key in (("from POST sent", "from_post"), ("from when due (incl. waiting to send)", "from_due")):
        p50, p99, top = push[key]
        print(f"  {label:38} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   max {top:8.1f} ms")
    if args.profile or ratio_100 < 1:
        profile_ingestion(migrated_copy(template, "profile.sqlite3"), 2000, 100)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
