"""Sending metric test logs (tests/unit/analytics/events.py dicts) through the real ingestion API."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.support.analytics_reference import compute_metrics_reference

SKUS = ("A", "B")
# Platform times are bounded around now (a start at most 7 days back, events at most 7 days after the end and
# 1 day ahead of now): the metrics tests run their fixed 2024 broadcasts with the platform clock six days after.
PLATFORM_CLOCK_AFTER = timedelta(days=6, hours=1)


def platform_clock(monkeypatch, now: datetime) -> None:
    """Make the ingestion API and the broadcast start/end API read now as the current time."""
    for target in ("live.api.broadcasts.utcnow", "live.ingest.utcnow"):
        monkeypatch.setattr(target, lambda: now)


def to_api(event: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return a metrics test event as the JSON the ingestion API takes (ids made unique by prefix)."""
    body: dict[str, Any] = {}
    for key, value in event.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif key == "items":
            value = [{**line, "unit_price": str(line["unit_price"])} if "unit_price" in line else dict(line)
                     for line in value]
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
    set_period(api, broadcast_id, started_at=started_at)
    return broadcast_id


def set_period(api, broadcast_id: int, started_at: datetime | None = None, ended_at: datetime | None = None) -> None:
    """Start (or end) the broadcast at a recorded time, as an import does, through the live service.

    The API takes only times near now (docs/api.md, "Time bounds"); these logs are recordings of fixed dates.
    """
    from app.extensions import db
    from live import broadcasts
    from live.models import Broadcast

    if not hasattr(api, "client"):  # a server in another thread (browser tests): its times are near now
        for action, at in (("start", started_at), ("end", ended_at)):
            if at is not None:
                response = api.post(f"/api/v1/broadcasts/{broadcast_id}/{action}", json={"at": at.isoformat()})
                assert response.status_code == 200, response.get_json()
        return
    with api.client.application.app_context():
        broadcast = db.session.get(Broadcast, broadcast_id)
        if started_at is not None:
            broadcasts.start_broadcast(db.session, broadcast, started_at)
        if ended_at is not None:
            broadcasts.end_broadcast(db.session, broadcast, ended_at)
        db.session.commit()


def end_broadcast(api, broadcast_id: int, ended_at: datetime) -> None:
    """End the broadcast at ended_at."""
    set_period(api, broadcast_id, ended_at=ended_at)


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
             now: datetime | None = None, days: int = 7, **options: Any) -> dict[str, Any]:
    """Return the reference metrics of the accepted events, JSON round-tripped like an API answer.

    options: ``products`` and ``priced`` of compute_metrics_reference.
    """
    import json

    result = compute_metrics_reference(accepted, started_at, ended_at, now, timedelta(days=days), **options)
    return json.loads(json.dumps(result))
