"""500 viewers claim the last 100 units within one second (issue 13): exactly 100 drafts reserve, the earliest 100
comments; the other 400 wait in line in comment order; nothing is oversold. Threads on SQLite, processes on
PostgreSQL; the comments arrive in shuffled order, so arrival order is not comment order."""
from __future__ import annotations

import multiprocessing
import os
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.support.api import ApiClient
from tests.support.databases import create_token, dispose, make_app

UNITS = 100
VIEWERS = 500
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)


def _claims() -> list[dict]:
    """Return 500 claims of link 1 by distinct viewers, 2 ms apart (one second in all), in shuffled order."""
    events = [{"id": f"c-{n:03d}", "type": "chat", "viewer_id": f"v{n:03d}", "text": "拍了 1号",
               "ts": (T0 + timedelta(milliseconds=2 * n)).isoformat()} for n in range(VIEWERS)]
    random.Random(13).shuffle(events)
    return events


def _post(app, token: str, broadcast_id: int, events: list[dict]) -> list[str]:
    """Post the claims one per request; return their claim statuses."""
    client = ApiClient(app.test_client(), token)
    statuses = []
    for event in events:
        response = client.events(broadcast_id, [event])
        assert response.status_code == 200, response.get_data(as_text=True)
        statuses.append(response.get_json()["results"][0]["claim"]["status"])
    return statuses


def _worker(url: str, token: str, broadcast_id: int, events: list[dict], queue) -> None:
    """Process entry point: post claims with an app of its own."""
    os.environ["SOCKETIO_ASYNC_MODE"] = "threading"
    queue.put(_post(make_app(url), token, broadcast_id, events))


def _setup(api) -> int:
    api.product("LAST", stock=UNITS)
    return api.live_broadcast(skus=("LAST",))


def _check(app, api, broadcast_id: int) -> None:
    """Assert the outcome: the earliest 100 comments hold a unit, the rest wait in comment order, 0 oversold."""
    product = api.get("/api/v1/products/LAST").get_json()
    assert (product["stock"], product["reserved"], product["sold"]) == (0, UNITS, 0)
    with app.app_context():
        from app.extensions import db
        from orders.models import Order

        rows = db.session.execute(sa.select(Order.comment_id, Order.stock_reserved, Order.waitlisted_at)
                                  .where(Order.broadcast_id == broadcast_id, Order.status == "claimed")
                                  .order_by(Order.waitlisted_at, Order.id)).all()
        db.session.remove()
    in_time_order = [f"c-{n:03d}" for n in range(VIEWERS)]
    assert len(rows) == VIEWERS
    assert sorted(comment for comment, reserved, _ in rows if reserved) == in_time_order[:UNITS]
    assert [comment for comment, reserved, _ in rows if not reserved] == in_time_order[UNITS:]
    claims = api.get(f"/api/v1/broadcasts/{broadcast_id}/claims?status=claimed&per_page=500").get_json()
    assert claims["total"] == VIEWERS


@pytest.mark.slow
def test_500_claimers_of_the_last_100_units_from_8_threads_on_sqlite(app, api):
    broadcast_id = _setup(api)
    events = _claims()
    chunks = [events[i::8] for i in range(8)]
    results: list[list[str]] = [[] for _ in chunks]

    def run(i):
        results[i] = _post(app, api.token, broadcast_id, chunks[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(chunks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(s for statuses in results for s in statuses) == ["claimed"] * VIEWERS
    _check(app, api, broadcast_id)


@pytest.mark.slow
@pytest.mark.postgres
def test_500_claimers_of_the_last_100_units_from_4_processes_on_postgres(postgres_url):
    from tests.support.databases import truncate_postgres

    truncate_postgres(postgres_url)
    app = make_app(postgres_url)
    api = ApiClient(app.test_client(), create_token(app, "claims"))
    broadcast_id = _setup(api)
    events = _claims()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(postgres_url, api.token, broadcast_id, events[i::4], queue))
             for i in range(4)]
    for proc in procs:
        proc.start()
    collected = [queue.get(timeout=240) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert sorted(s for statuses in collected for s in statuses) == ["claimed"] * VIEWERS
    _check(app, api, broadcast_id)
    dispose(app)
