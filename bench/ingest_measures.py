"""Measures of bench/ingest.py beyond plain throughput: push latency, SQL statements per request, a profile."""
from __future__ import annotations

import cProfile
import itertools
import pstats
import statistics
import threading
import time
from collections import Counter

import socketio as socketio_client
import sqlalchemy as sa

from ingest_support import Poster, make_app, order, seed
from app import realtime
from app.extensions import db
from live.ingest import ingest_events
from live.models import Broadcast


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
        poster = Poster(base, token)
        path = f"/api/v1/broadcasts/{broadcast_id}/events"
        while True:
            with lock:
                n = next(counter)
            if n >= total or time.perf_counter() > give_up:
                poster.close()
                return
            event = order("lat", n)
            due[event["order_id"]] = started + n / rate
            time.sleep(max(0.0, due[event["order_id"]] - time.perf_counter()))
            sent[event["order_id"]] = time.perf_counter()
            status, body = poster.post(path, {"events": [event]})
            if status != 200:
                raise RuntimeError(f"refused ({status}): {str(body)[:200]}")

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


def statements_per_request(url: str, requests_: int = 40) -> tuple[float, dict]:
    """Return (SQL statements per one-order request, by kind) through the app's test client, one request at a time."""
    app = make_app(url)
    token, broadcast_id = seed(app)
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/broadcasts/{broadcast_id}/events"
    for n in range(5):  # warm: caches filled, statements compiled
        client.post(path, json={"events": [order("warm", n)]}, headers=headers)
    counts: Counter = Counter()

    def count(_conn, _cursor, statement, *_args) -> None:
        counts[statement.split(None, 1)[0].upper()] += 1

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        for n in range(requests_):
            response = client.post(path, json={"events": [order("count", n)]}, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"refused: {response.get_data(as_text=True)[:200]}")
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    with app.app_context():
        db.engine.dispose()
    return sum(counts.values()) / requests_, {kind: n / requests_ for kind, n in counts.most_common()}


def in_process_rate(url: str, total: int, batch: int, budget: float,
                    profiler: cProfile.Profile | None = None) -> tuple[int, float]:
    """Return (orders, orders/s) for ingest_events + realtime.commit in this process (no HTTP), profiled if asked."""
    app = make_app(url)
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
        db.session.remove()
        db.engine.dispose()
    return sent, rate


def profile_ingestion(url: str, total: int, batch: int) -> None:
    """Print where in-process ingestion spends its time: SQL statements per order and the top functions."""
    counts: Counter = Counter()

    def count(_conn, _cursor, statement, *_args) -> None:
        counts[statement.split(None, 1)[0].upper()] += 1

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    profiler = cProfile.Profile()
    try:
        total, rate = in_process_rate(url, total, batch, 600.0, profiler)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    per_order = ", ".join(f"{kind} {n / total:.2f}" for kind, n in counts.most_common())
    print(f"\n--- where the time goes: ingest_events + realtime.commit, {total} orders, batches of {batch} "
          f"(profiled: {rate:.0f} orders/s) ---")
    print(f"SQL statements per order: {sum(counts.values()) / total:.2f} ({per_order})")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(r"(live|orders|analytics|app)/", 15)
    stats.sort_stats("tottime").print_stats(10)
