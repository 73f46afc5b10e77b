"""Sending metric test logs (tests/unit/analytics/events.py dicts) through the real ingestion API."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tests.support.analytics_reference import compute_metrics_reference

SKUS = ("A", "B")


def to_api(event: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return a metrics test event as the JSON the ingestion API takes (ids made unique by prefix)."""
    body: dict[str, Any] = {}
    for key, value in event.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif key == "items":
            value = [{**line, "unit_price": str(line["unit_price"])} for line in value]
        body[key] = value
    body["id"] = prefix + str(event["id"])
    if "order_id" in body:
        body["order_id"] = prefix + body["order_id"]
    if event["type"] == "order_cancel" and not body.get("reason"):
        body["reason"] = "buyer"
    return body


def from_api(body: dict[str, Any], original: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return the test event as the reference must see it once the API accepted it (same prefixed ids)."""
    event = dict(original, id=body["id"])
    if "order_id" in original:
        event["order_id"] = prefix + original["order_id"]
    return event


def start_broadcast(api, started_at: datetime, skus: tuple[str, ...] = SKUS) -> int:
    """Return the id of a new broadcast started at started_at, selling skus (created once per app)."""
    for sku in skus:
        api.post("/api/v1/products", json={"sku": sku, "name": f"Product {sku}", "price": "9.99",
                                          "stock": 1_000_000})
    created = api.post("/api/v1/broadcasts", json={"title": "metrics", "platform": "douyin"})
    assert created.status_code == 201, created.get_json()
    broadcast_id = created.get_json()["id"]
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": started_at.isoformat()})
    assert response.status_code == 200, response.get_json()
    return broadcast_id


def end_broadcast(api, broadcast_id: int, ended_at: datetime) -> None:
    """End the broadcast at ended_at."""
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": ended_at.isoformat()})
    assert response.status_code == 200, response.get_json()


def ingest(api, broadcast_id: int, events: list[dict[str, Any]], prefix: str = "", batch: int = 7
           ) -> list[dict[str, Any]]:
    """Post events in batches of `batch` and return those the API accepted, as the reference sees them."""
    accepted = []
    for i in range(0, len(events), batch):
        chunk = events[i:i + batch]
        bodies = [to_api(e, prefix) for e in chunk]
        response = api.events(broadcast_id, bodies)
        assert response.status_code == 200, response.get_json()
        for body, original, result in zip(bodies, chunk, response.get_json()["results"]):
            if result["status"] == "accepted":
                accepted.append(from_api(body, original, prefix))
    return accepted


def metrics(api, broadcast_id: int, attribution_days: int | None = None) -> dict[str, Any]:
    """Return GET /metrics of the broadcast."""
    query = "" if attribution_days is None else f"?attribution_days={attribution_days}"
    response = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def expected(accepted: list[dict[str, Any]], started_at: datetime, ended_at: datetime | None,
             now: datetime | None = None, days: int = 7) -> dict[str, Any]:
    """Return the reference metrics of the accepted events, JSON round-tripped like an API answer."""
    import json
    from datetime import timedelta

    result = compute_metrics_reference(accepted, started_at, ended_at, now, timedelta(days=days))
    return json.loads(json.dumps(result))
