"""A thin JSON client for the v1 API in tests, plus builders of valid events."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

_ids = itertools.count(1)


class ApiClient:
    """Sends JSON to the v1 API with a bearer token through a Flask test client."""

    def __init__(self, client, token: str):
        self.client = client
        self.token = token

    def _headers(self, extra: dict | None = None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **kwargs):
        """GET path; return the response."""
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, json=None, **kwargs):
        """POST json to path; return the response."""
        return self.client.post(path, json=json, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def put(self, path: str, json=None, **kwargs):
        """PUT json to path; return the response."""
        return self.client.put(path, json=json, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def product(self, sku: str, stock: int = 100, price: str = "99.00", variants: list | None = None) -> dict:
        """Create a product and return its JSON."""
        body = {"sku": sku, "name": f"Product {sku}", "price": price, "stock": stock}
        if variants:
            body["variants"] = variants
        response = self.post("/api/v1/products", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def live_broadcast(self, title: str = "Test broadcast", skus: tuple[str, ...] = ()) -> int:
        """Create and start a broadcast with skus in its line-up; return its id."""
        response = self.post("/api/v1/broadcasts", json={"title": title, "platform": "douyin"})
        assert response.status_code == 201, response.get_json()
        broadcast_id = response.get_json()["id"]
        assert self.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={}).status_code == 200
        for sku in skus:
            assert self.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": sku}).status_code == 201
        return broadcast_id

    def events(self, broadcast_id: int, events: list, **kwargs):
        """POST events to a broadcast; return the response."""
        return self.post(f"/api/v1/broadcasts/{broadcast_id}/events", json={"events": events}, **kwargs)


def now_iso() -> str:
    """Return the current UTC time in ISO-8601."""
    return datetime.now(timezone.utc).isoformat()


def now_ms() -> int:
    """Return the current time in epoch milliseconds (an event's other ts form)."""
    return int(datetime.now(timezone.utc).timestamp() * 1000)


def order_event(sku: str = "A1", qty: int = 1, order_id: str | None = None, event_id: str | None = None,
                unit_price: str = "99.00", **overrides) -> dict:
    """Return a complete, valid order event."""
    n = next(_ids)
    event = {
        "id": event_id or f"evt-order-{n}",
        "type": "order",
        "ts": now_iso(),
        "order_id": order_id or f"ORD-{n}",
        "source": "in_stream",
        "buyer": {"id": f"buyer-{n}", "name": "张三", "phone": "13812345678",
                  "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}},
        "items": [{"sku": sku, "qty": qty, "unit_price": unit_price}],
        "coupon_codes": [],
    }
    event.update(overrides)
    return event
