"""Builders for fulfilment tests: a shop with paid orders, clients of an after-sales agent and a scoped token."""
from __future__ import annotations

from app.auth.tokens import issue_token
from app.extensions import db
from tests.support.api import ApiClient, now_iso, order_event
from tests.support.auth import csrf_token, login

SF_NUMBER = "SF1234567890123"


def scoped_api(app, *scopes: str, name: str = "fulfilment-tool") -> ApiClient:
    """Return an API client whose bearer token holds the given scopes."""
    with app.app_context():
        raw = issue_token(db.session, name, scopes=list(scopes))
        db.session.commit()
    return ApiClient(app.test_client(), raw)


class AgentClient:
    """A console user's JSON client: the session cookie and the page's CSRF token on every call."""

    def __init__(self, app, username: str):
        self.client = login(app, username)
        self.headers = {"X-CSRFToken": csrf_token(self.client, "/settings")}

    def get(self, path: str):
        """GET path; return the response."""
        return self.client.get(path)

    def post(self, path: str, json=None):
        """POST json to path; return the response."""
        return self.client.post(path, json=json, headers=self.headers)

    def put(self, path: str, json=None):
        """PUT json to path; return the response."""
        return self.client.put(path, json=json, headers=self.headers)


def place_paid_order(api: ApiClient, broadcast_id: int, order_id: str, items: list[tuple[str, int]],
                     unit_price: str = "99.00") -> dict:
    """Place an order of items and pay it in full; return the paid order's JSON."""
    event = order_event(items[0][0], items[0][1], order_id=order_id, unit_price=unit_price)
    event["items"] = [{"sku": sku, "qty": qty, "unit_price": unit_price} for sku, qty in items]
    placed = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert placed["status"] == "accepted", placed
    total = placed["order"]["total"]
    paid = api.events(broadcast_id, [{"id": f"pay-{order_id}", "type": "payment", "ts": now_iso(), "order_id": order_id,
                                      "status": "paid", "amount": total, "method": "alipay"}]).get_json()["results"][0]
    assert paid["order"]["status"] == "paid", paid
    return paid["order"]


def neutral(at: str, status: str, description: str | None = None) -> dict:
    """Return a checkpoint of the neutral tracking form."""
    checkpoint = {"at": at, "status": status}
    if description is not None:
        checkpoint["description"] = description
    return checkpoint
