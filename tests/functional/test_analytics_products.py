"""Issue 10, items 10-12 and 14, through the ingestion API and GET /metrics: products with variants, lines
without a price, one pinned product at a time, and a broadcast that started long ago."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.models import Broadcast
from tests.support import analytics as ax
from tests.unit.analytics.events import END, START, at, click, join, leave, order, paid_order, payment, pin, unpin

JACKET = {"JACKET-01-L-BLK": "JACKET-01", "JACKET-01-M-BLK": "JACKET-01"}


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcasts with the platform clock a few days after them (times are bounded around now)."""
    ax.platform_clock(monkeypatch, END + ax.PLATFORM_CLOCK_AFTER)


def _jacket(api) -> None:
    variants = [{"sku": sku, "name": sku[-5:], "stock": 1000} for sku in JACKET]
    response = api.post("/api/v1/products", json={"sku": "JACKET-01", "name": "Jacket", "price": "99.00",
                                                  "variants": variants})
    assert response.status_code == 201, response.get_json()


def test_clicks_on_the_product_and_orders_of_its_variants_meet_in_one_row(api):
    _jacket(api)
    broadcast_id = ax.start_broadcast(api, START)
    events = [
        pin(at(1), "JACKET-01"), click(at(1, 30), "v1", "JACKET-01"), click(at(1, 40), "v2", "JACKET-01"),
        *paid_order(at(2), "o1", "v1", [("JACKET-01-L-BLK", 1, "99.00")]),
        *paid_order(at(3), "o2", "v2", [("JACKET-01-L-BLK", 1, "99.00"), ("JACKET-01-M-BLK", 2, "89.00")]),
        unpin(at(4), "JACKET-01"),
    ]
    accepted = ax.ingest(api, broadcast_id, events)
    ax.end_broadcast(api, broadcast_id, at(5))
    got = ax.metrics(api, broadcast_id)
    assert list(got["by_product"]) == ["JACKET-01"]
    jacket = got["by_product"]["JACKET-01"]
    assert (jacket["clicks"], jacket["clickers"], jacket["orders"], jacket["units"]) == (2, 2, 2, 4)
    assert (jacket["clicks_while_pinned"], jacket["orders_while_pinned"]) == (2, 2)
    assert jacket["variants"] == {"JACKET-01-L-BLK": {"orders": 2, "units": 2, "gmv": "198.00"},
                                  "JACKET-01-M-BLK": {"orders": 1, "units": 2, "gmv": "178.00"}}
    assert got == ax.expected(accepted, START, at(5), products=JACKET)


def test_a_line_without_unit_price_counts_the_amount_it_was_priced_at(api):
    broadcast_id = ax.start_broadcast(api, START)  # A sells at its list price, 9.99
    placed = ax.to_api(order(at(1), "o1", "v1", [("A", 2, "0")]), "np-")
    del placed["items"][0]["unit_price"]  # the platform left the price out: the intake priced it
    paid = ax.to_api(payment(at(2), "o1", "19.98"), "np-")
    response = api.events(broadcast_id, [placed, paid])
    assert [r["status"] for r in response.get_json()["results"]] == ["accepted", "accepted"]
    ax.end_broadcast(api, broadcast_id, at(5))
    got = ax.metrics(api, broadcast_id)
    assert (got["by_product"]["A"]["units"], got["by_product"]["A"]["gmv"]) == (2, "19.98")
    accepted = [{**placed, "ts": at(1), "items": [{"sku": "A", "qty": 2}]}, {**paid, "ts": at(2), "amount": "19.98"}]
    assert got == ax.expected(accepted, START, at(5), priced={("np-o1", "A"): Decimal("19.98")})


def _pinned_sku(api, broadcast_id: int) -> str | None:
    return api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()["pinned_sku"]


def test_pinning_another_product_unpins_the_first_for_the_host_and_the_metrics(api):
    broadcast_id = ax.start_broadcast(api, START)
    for sku in ("A", "B"):
        assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": sku}).status_code in (200, 201)
    accepted = ax.ingest(api, broadcast_id, [pin(at(1), "A"), pin(at(2), "B")])
    assert _pinned_sku(api, broadcast_id) == "B"
    # A pin of A sent late (at 1:30, before B's) changes nothing: B was pinned last.
    accepted += ax.ingest(api, broadcast_id, [pin(at(1, 30), "A"), click(at(3), "v1", "A")])
    assert _pinned_sku(api, broadcast_id) == "B"
    ax.end_broadcast(api, broadcast_id, at(5))
    got = ax.metrics(api, broadcast_id)
    assert (got["by_product"]["A"]["pinned_seconds"], got["by_product"]["B"]["pinned_seconds"]) == (60.0, 180.0)
    assert got["by_product"]["A"]["clicks_while_pinned"] == 0
    assert got == ax.expected(accepted, START, at(5))


def test_a_broadcast_started_months_ago_costs_only_its_minutes_with_events(app, api):
    broadcast_id = ax.start_broadcast(api, START)
    # Old data (or a replayed recording) can hold a start far back; the API now refuses such a start.
    long_ago = START - timedelta(days=270)
    with app.app_context():
        db.session.execute(sa.update(Broadcast).where(Broadcast.id == broadcast_id).values(started_at=long_ago))
        db.session.commit()
    ax.ingest(api, broadcast_id, [join(at(0), "v1"), leave(at(2), "v1")])
    ax.end_broadcast(api, broadcast_id, END)
    got = ax.metrics(api, broadcast_id)
    # 388,810 minutes, four with something to show: the start, the join, the leave and the end.
    assert [(row["minute"][:16], row["joins"], row["online"]) for row in got["timeline"]] == [
        (long_ago.isoformat()[:16], 0, 0), ("2024-05-01T20:00", 1, 1), ("2024-05-01T20:02", 0, 0),
        ("2024-05-01T20:10", 0, 0)]
    assert (got["total_watch_seconds"], got["peak_concurrent_viewers"]) == (120.0, 1)
