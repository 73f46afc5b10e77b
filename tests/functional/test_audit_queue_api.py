"""The audit queue at flash-sale size (paging, true counts, every row in the CSV), bulk approval that says where each
order ended, and the buyer-history reads of the audit staying bounded however many orders one buyer placed."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from tests.support.api import order_event
from tests.support.auth import csrf_token, login


def held_events(count: int, prefix: str, sku: str = "A1") -> list[dict]:
    """Return count order events without a phone number (each is held), of different buyers."""
    events = []
    for n in range(count):
        event = order_event(sku, 1, order_id=f"{prefix}-{n}")
        event["buyer"]["phone"] = None
        events.append(event)
    return events


@pytest.fixture
def crowded(api):
    """Return a live broadcast with 205 held orders: more than the 200 the queue used to stop at."""
    api.product("A1", stock=1000, price="99.00")
    broadcast_id = api.live_broadcast(skus=("A1",))
    results = api.events(broadcast_id, held_events(205, "Q")).get_json()["results"]
    assert {r["order"]["status"] for r in results} == {"held"}
    return broadcast_id


def test_the_queue_api_pages_through_every_held_order_and_says_how_many_there_are(app, users, crowded):
    client = login(app, "auditor")
    first = client.get("/api/v1/audit/queue").get_json()
    assert (first["total"], len(first["orders"]), first["page"], first["per_page"]) == (205, 200, 1, 200)
    assert first["by_broadcast"] == {str(crowded): 205}
    seen = []
    for page in range(1, 6):
        body = client.get(f"/api/v1/audit/queue?per_page=50&page={page}").get_json()
        assert body["total"] == 205
        seen += [order["order_id"] for order in body["orders"]]
    assert seen == [f"Q-{n}" for n in range(205)]  # oldest first, each order once
    assert client.get("/api/v1/audit/queue?per_page=50&page=6").get_json()["orders"] == []


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=201", "page=x"])
def test_a_bad_page_is_a_400_naming_the_parameter(app, users, query):
    response = login(app, "auditor").get(f"/api/v1/audit/queue?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == query.split("=")[0]


def test_the_csv_export_streams_every_held_order_not_just_the_first_200(app, users, crowded):
    response = login(app, "auditor").get("/audit/queue.csv")
    assert response.status_code == 200 and response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))
    assert rows[0][0] == "order_id"
    assert [row[0] for row in rows[1:]] == [f"Q-{n}" for n in range(205)]


def bulk_approve(client, order_ids: list[str]) -> dict:
    """Bulk-approve order_ids as the logged-in auditor and return the answer."""
    response = client.post("/api/v1/orders/bulk-approve", json={"order_ids": order_ids, "reason": "checked by phone"},
                           headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_bulk_approve_names_where_each_order_ended_and_counts_them(app, api, users):
    api.product("A1", stock=10, price="99.00")
    api.product("GONE", stock=0, price="99.00")
    broadcast_id = api.live_broadcast(skus=("A1", "GONE"))
    events = held_events(2, "OK") + held_events(1, "NOSTOCK", sku="GONE") + held_events(1, "BLOCKED")
    assert {r["order"]["status"] for r in api.events(broadcast_id, events).get_json()["results"]} == {"held"}
    client = login(app, "auditor")
    # Blocklisted after it was held: approving overrides phone_missing, and the re-audit finds the blocklist.
    client.post("/api/v1/blocklist", json={"kind": "buyer_id", "value": events[3]["buyer"]["id"]},
                headers={"X-CSRFToken": csrf_token(client, "/")})

    answer = bulk_approve(client, ["OK-0", "NOSTOCK-0", "BLOCKED-0", "NOPE", "OK-1"])

    outcomes = [(r["order_id"], r["status"], r.get("order_status")) for r in answer["results"]]
    assert outcomes == [("OK-0", "approved", "accepted"), ("NOSTOCK-0", "waitlisted", "waitlisted"),
                        ("BLOCKED-0", "held", "held"), ("NOPE", "failed", None), ("OK-1", "approved", "accepted")]
    assert answer["summary"] == {"approved": 2, "waitlisted": 1, "held": 1, "failed": 1}
    assert answer["results"][3]["error"]["code"] == "unknown_order"


def rows_read(monkeypatch) -> list[int]:
    """Return a list that collects the number of rows of every statement run through a Session from now on."""
    counted: list[int] = []
    execute = Session.execute

    def counting(self, statement, *args, **kwargs):
        result = execute(self, statement, *args, **kwargs)
        if getattr(result, "returns_rows", True) is False:
            return result  # an UPDATE or INSERT without RETURNING
        try:
            frozen = result.freeze()
        except NotImplementedError:  # the RETURNING rows of a batched INSERT: written, not read
            return result
        counted.append(len(frozen.data))
        return frozen()

    monkeypatch.setattr(Session, "execute", counting)
    return counted


def test_the_audit_of_a_buyers_orders_reads_a_bounded_history_however_many_orders_they_placed(api, monkeypatch):
    api.product("A1", stock=100_000, price="99.00")
    api.product("B2", stock=100_000, price="99.00")
    broadcast_id = api.live_broadcast(skus=("A1", "B2"))
    placed = datetime.now(timezone.utc) - timedelta(seconds=20)

    def flood(prefix: str, count: int, sku: str) -> list[dict]:
        events = [order_event(sku, 1, order_id=f"{prefix}-{n}", ts=placed.isoformat()) for n in range(count)]
        for event in events:
            event["buyer"]["id"] = "flooder"
        return events

    for batch in range(3):  # 1,500 open orders of one buyer, all inside the duplicate window
        assert api.events(broadcast_id, flood(f"EARLY{batch}", 500, "A1")).status_code == 200
    counted = rows_read(monkeypatch)
    answer = api.events(broadcast_id, flood("LATE", 100, "B2")).get_json()
    assert "results" in answer, answer
    results = answer["results"]

    assert len(results) == 100
    # Units per product are summed in the database, and the duplicate check reads the latest orders only:
    # nothing near the 1,500 earlier orders (or their lines) is read for the batch.
    assert sum(counted) < 400, counted
    statuses = [r["order"]["status"] for r in results]
    assert statuses[0] == "accepted", results[0]["order"]["findings"]
    assert set(statuses[1:]) == {"held"}  # duplicates of LATE-0 and over the limit
