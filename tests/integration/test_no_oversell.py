"""A flash sale never oversells: concurrent orders through the HTTP API against limited stock."""
from __future__ import annotations

import multiprocessing
import os
import random
import threading

import pytest

from tests.support.api import ApiClient, order_event
from tests.support.databases import create_token, dispose, make_app

INITIAL = 100
ORDERS = 500


def _post_orders(app, token: str, broadcast_id: int, events: list[dict]) -> list[str]:
    """Post events one per request; return the order statuses."""
    client = ApiClient(app.test_client(), token)
    statuses = []
    for event in events:
        response = client.events(broadcast_id, [event])
        assert response.status_code == 200, response.get_data(as_text=True)
        statuses.append(response.get_json()["results"][0]["order"]["status"])
    return statuses


def _worker(url: str, token: str, broadcast_id: int, events: list[dict], queue) -> None:
    """Process entry point: post events with an app of its own."""
    os.environ["SOCKETIO_ASYNC_MODE"] = "threading"
    queue.put(_post_orders(make_app(url), token, broadcast_id, events))


def _setup(app, api, quantities: list[int]) -> tuple[int, list[dict]]:
    api.product("FLASH", stock=INITIAL)
    broadcast_id = api.live_broadcast(skus=("FLASH",))
    return broadcast_id, [order_event("FLASH", qty) for qty in quantities]


def _check_invariants(api, events, statuses):
    product = api.get("/api/v1/products/FLASH").get_json()
    accepted_units = sum(e["items"][0]["qty"] for e, s in zip(events, statuses) if s == "accepted")
    assert accepted_units <= INITIAL
    assert product["stock"] + product["reserved"] + product["sold"] == INITIAL
    assert product["reserved"] == accepted_units
    assert set(statuses) <= {"accepted", "waitlisted"}
    return product


def _run_threads(app, token, broadcast_id, events, workers=8):
    chunks = [events[i::workers] for i in range(workers)]
    results: list[list[str]] = [[] for _ in range(workers)]

    def run(i):
        results[i] = _post_orders(app, token, broadcast_id, chunks[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by_id = {}
    for chunk, statuses in zip(chunks, results):
        by_id.update({e["id"]: s for e, s in zip(chunk, statuses)})
    return [by_id[e["id"]] for e in events]


def _run_processes(url, token, broadcast_id, events, workers=4):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    chunks = [events[i::workers] for i in range(workers)]
    procs = [ctx.Process(target=_worker, args=(url, token, broadcast_id, chunk, queue)) for chunk in chunks]
    for p in procs:
        p.start()
    collected = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    # Results arrive in completion order; only the multiset matters for these invariants.
    return [s for statuses in collected for s in statuses]


@pytest.mark.slow
def test_500_single_unit_orders_from_8_threads_on_sqlite_accept_exactly_100(app, api):
    broadcast_id, events = _setup(app, api, [1] * ORDERS)
    statuses = _run_threads(app, api.token, broadcast_id, events)
    assert statuses.count("accepted") == INITIAL
    assert statuses.count("waitlisted") == ORDERS - INITIAL
    assert _check_invariants(api, events, statuses)["stock"] == 0


@pytest.mark.slow
def test_mixed_quantities_from_8_threads_on_sqlite_never_oversell(app, api):
    rng = random.Random(7)
    broadcast_id, events = _setup(app, api, [rng.randint(1, 5) for _ in range(ORDERS)])
    statuses = _run_threads(app, api.token, broadcast_id, events)
    _check_invariants(api, events, statuses)


@pytest.mark.slow
@pytest.mark.postgres
def test_500_single_unit_orders_from_4_processes_on_postgres_accept_exactly_100(postgres_url):
    from tests.support.databases import truncate_postgres

    truncate_postgres(postgres_url)
    app = make_app(postgres_url)
    api = ApiClient(app.test_client(), create_token(app, "flash"))
    broadcast_id, events = _setup(app, api, [1] * ORDERS)
    statuses = _run_processes(postgres_url, api.token, broadcast_id, events)
    assert statuses.count("accepted") == INITIAL
    assert statuses.count("waitlisted") == ORDERS - INITIAL
    assert _check_invariants(api, events, sorted(statuses))["stock"] == 0
    dispose(app)


@pytest.mark.slow
@pytest.mark.postgres
def test_mixed_quantities_from_4_processes_on_postgres_never_oversell(postgres_url):
    from tests.support.databases import truncate_postgres

    truncate_postgres(postgres_url)
    app = make_app(postgres_url)
    api = ApiClient(app.test_client(), create_token(app, "flash"))
    rng = random.Random(11)
    broadcast_id, events = _setup(app, api, [rng.randint(1, 5) for _ in range(ORDERS)])
    _run_processes(postgres_url, api.token, broadcast_id, events)
    product = api.get("/api/v1/products/FLASH").get_json()
    assert product["stock"] + product["reserved"] + product["sold"] == INITIAL
    assert product["reserved"] <= INITIAL and product["stock"] >= 0
    dispose(app)


def _held_share(quantities_count: int, every: int) -> list[dict]:
    """Return single-unit events where every `every`-th buyer left out the phone (held for a person)."""
    events = [order_event("FLASH", 1) for _ in range(quantities_count)]
    for event in events[::every]:
        event["buyer"]["phone"] = None
    return events


def _check_held_reservations(api, events) -> None:
    """Held orders reserve like accepted ones: together they hold every unit, and no more."""
    orders = [api.get(f"/api/v1/orders/{e['order_id']}").get_json() for e in events]
    assert {o["status"] for o in orders} <= {"accepted", "held", "waitlisted"}
    reserving = [o for o in orders if o["status"] == "accepted" or (o["status"] == "held" and o["reserved_until"])]
    in_line = [o for o in orders if o["waitlisted_at"]]
    assert len(reserving) + len(in_line) == len(orders)
    product = api.get("/api/v1/products/FLASH").get_json()
    assert (product["stock"], product["reserved"], product["sold"]) == (0, INITIAL, 0)
    assert len(reserving) == INITIAL


@pytest.mark.slow
def test_held_orders_reserve_in_the_same_race_without_overselling_on_sqlite(app, api):
    api.product("FLASH", stock=INITIAL)
    broadcast_id = api.live_broadcast(skus=("FLASH",))
    events = _held_share(ORDERS, every=5)
    _run_threads(app, api.token, broadcast_id, events)
    _check_held_reservations(api, events)


@pytest.mark.slow
@pytest.mark.postgres
def test_held_orders_reserve_in_the_same_race_without_overselling_on_postgres(postgres_url):
    from tests.support.databases import truncate_postgres

    truncate_postgres(postgres_url)
    app = make_app(postgres_url)
    api = ApiClient(app.test_client(), create_token(app, "flash"))
    api.product("FLASH", stock=INITIAL)
    broadcast_id = api.live_broadcast(skus=("FLASH",))
    events = _held_share(ORDERS, every=5)
    _run_processes(postgres_url, api.token, broadcast_id, events)
    _check_held_reservations(api, events)
    dispose(app)
