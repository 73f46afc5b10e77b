"""A coupon limited to one use, raced by 50 buyers through the HTTP API: exactly one order gets the discount.

Each buyer posts one order event with the coupon code to POST /api/v1/broadcasts/<id>/events, and a barrier
releases all 50 requests together: from threads on SQLite, and from several processes (each with its own
engine and pool) on PostgreSQL, as the no-oversell tests do. Afterwards GET /api/v1/orders/<order_id> must
show one order with the coupon applied and 49 refused as used up, charged the full price, and GET
/api/v1/promotions must show the coupon with no use left.
"""
from __future__ import annotations

import json
import multiprocessing
import threading

import pytest

from tests.support.api import ApiClient, order_event
from tests.support.databases import dispose, make_app

BUYERS = 50
# PostgreSQL: 5 processes x 10 threads keeps each process within its engine's default pool (5 + 10 overflow),
# so all 50 transactions are open at once instead of queueing for a connection.
PROCESSES = 5
BARRIER_TIMEOUT = 60
CODE = "ONCE"
PRICE, DISCOUNT, DISCOUNTED = "99.00", "20.00", "79.00"
COUPON = {"code": CODE, "kind": "coupon", "coupon_type": "fixed", "value": DISCOUNT, "min_spend": "50.00",
          "uses_left": 1}
# Explanations show whole yuan without cents (orders/audit/money.py, yuan()).
APPLIED = {"code": CODE, "kind": "coupon", "applied": True, "amount": DISCOUNT, "reason": "applied",
           "message": {"en": f"{CODE}: saved ¥20", "zh-CN": f"{CODE}：已优惠 ¥20"}}
USED_UP = {"code": CODE, "kind": "coupon", "applied": False, "amount": "0.00", "reason": "used_up",
           "message": {"en": f"{CODE}: no uses left", "zh-CN": f"{CODE}：优惠券已被用完"}}
COUPON_REFUSED = {"code": "coupon_refused", "severity": "info", "field": "coupon_codes", "message": USED_UP["message"],
                  "data": {"coupon": CODE, "reason": "used_up"}}

# (event id, HTTP status, response body as text) of one request; status -1 when the request raised.
Answer = tuple[str, int, str]


def _post_in_threads(app, token: str, broadcast_id: int, events: list[dict],
                     barrier: threading.Barrier) -> list[Answer]:
    """Return the answer to each event, posted alone from a thread of its own once barrier lets all of them go."""
    answers: list[Answer | None] = [None] * len(events)

    def post(index: int) -> None:
        event = events[index]
        client = ApiClient(app.test_client(), token)
        try:
            # Warms this thread's pooled connection and the statement caches: without it the first requests
            # through tend to finish before the others have read the coupon, and the race hardly happens.
            client.get(f"/api/v1/promotions/{CODE}")
            barrier.wait(timeout=BARRIER_TIMEOUT)
            response = client.events(broadcast_id, [event])
            answers[index] = (event["id"], response.status_code, response.get_data(as_text=True))
        except BaseException as error:  # reported as an answer, not lost in the thread
            answers[index] = (event["id"], -1, repr(error))

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(events))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers  # type: ignore[return-value]


def _worker(url: str, token: str, broadcast_id: int, events: list[dict], barrier, queue) -> None:
    """Process entry point: post events from threads of an app of its own; put their answers on queue."""
    app = make_app(url)
    try:
        queue.put(_post_in_threads(app, token, broadcast_id, events, barrier))
    finally:
        dispose(app)


def _post_together(app, token: str, broadcast_id: int, events: list[dict]) -> dict[str, tuple[int, str]]:
    """Return {event id: (HTTP status, body)} after posting every event at once, one event per request."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        answers = _post_in_threads(app, token, broadcast_id, events, threading.Barrier(len(events)))
    else:
        context = multiprocessing.get_context("spawn")
        barrier, queue = context.Barrier(len(events)), context.Queue()
        chunks = [events[i::PROCESSES] for i in range(PROCESSES)]
        processes = [context.Process(target=_worker, args=(url, token, broadcast_id, chunk, barrier, queue))
                     for chunk in chunks]
        for process in processes:
            process.start()
        try:
            answers = [answer for _ in processes for answer in queue.get(timeout=2 * BARRIER_TIMEOUT)]
            for process in processes:
                process.join(timeout=30)
                assert process.exitcode == 0
        finally:
            for process in processes:
                if process.is_alive():
                    process.terminate()
                    process.join()
    return {event_id: (status, body) for event_id, status, body in answers}


def _ingested_order(status: int, body: str) -> dict:
    """Return the order the events API answered for a one-event request, after checking it took the order."""
    assert status == 200, body
    results = json.loads(body)["results"]
    assert [result["status"] for result in results] == ["accepted"], results
    return results[0]["order"]


@pytest.mark.slow
def test_50_simultaneous_orders_with_a_coupon_limited_to_1_use_apply_it_exactly_once(any_app, any_api):
    created = any_api.post("/api/v1/promotions", json=COUPON)
    assert created.status_code == 201, created.get_json()
    assert {k: created.get_json()[k] for k in ("uses_left", "per_buyer", "min_spend", "active")} == {
        "uses_left": 1, "per_buyer": None, "min_spend": "50.00", "active": True}
    # One variant (its own stock row) per buyer: the coupon's counter is the only row the orders compete for,
    # so the race is decided there and not serialised beforehand by one SKU's stock.
    skus = [f"RACE-{n:02d}" for n in range(BUYERS)]
    any_api.product("RACE", price=PRICE, variants=[{"sku": sku, "name": sku, "stock": 1} for sku in skus])
    broadcast_id = any_api.live_broadcast(skus=("RACE",))
    events = [order_event(sku, unit_price=PRICE, coupon_codes=[CODE.lower()]) for sku in skus]
    assert len({event["buyer"]["id"] for event in events}) == BUYERS

    answers = _post_together(any_app, any_api.token, broadcast_id, events)

    ingested = {event["order_id"]: _ingested_order(*answers[event["id"]]) for event in events}
    stored = {}
    for order_id in ingested:
        response = any_api.get(f"/api/v1/orders/{order_id}")
        assert response.status_code == 200, response.get_json()
        stored[order_id] = response.get_json()
    assert {order["status"] for order in stored.values()} == {"accepted"}
    for order_id, order in stored.items():
        # What the platform was answered is what was stored.
        assert (ingested[order_id]["promotions"], ingested[order_id]["total"]) == (order["promotions"], order["total"])

    with_coupon = [order for order in stored.values() if any(outcome["applied"] for outcome in order["promotions"])]
    assert len(with_coupon) == 1, [order["order_id"] for order in with_coupon]
    winner = with_coupon[0]
    assert winner["promotions"] == [APPLIED]
    assert (winner["subtotal"], winner["discount"], winner["total"]) == (PRICE, DISCOUNT, DISCOUNTED)
    assert winner["items"][0]["order_discount"] == DISCOUNT and winner["findings"] == []
    assert [notice["kind"] for notice in winner["notices"]] == ["received", "promotion_applied"]

    refused = [order for order in stored.values() if order is not winner]
    assert len(refused) == BUYERS - 1
    for order in refused:
        assert order["promotions"] == [USED_UP], order["order_id"]
        assert (order["subtotal"], order["discount"], order["total"]) == (PRICE, "0.00", PRICE), order["order_id"]
        assert order["findings"] == [COUPON_REFUSED], order["order_id"]
        assert [notice["kind"] for notice in order["notices"]] == ["received"], order["order_id"]
        assert order["notices"][0]["message"]["en"].endswith(f"Not applied:\n- {CODE}: no uses left")

    assert any_api.get(f"/api/v1/promotions/{CODE}").get_json()["uses_left"] == 0
    listed = [p for p in any_api.get("/api/v1/promotions").get_json()["promotions"] if p["code"] == CODE]
    assert [(p["uses_left"], p["active"]) for p in listed] == [(0, True)]
    product = any_api.get("/api/v1/products/RACE").get_json()
    assert (product["stock"], product["reserved"]) == (0, BUYERS)
