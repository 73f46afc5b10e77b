"""The bodies of approve, reject, hold and override hold only a reason: any other field is refused, naming it, and
the order is left as it was (a misspelt reason must not pass unnoticed)."""
from __future__ import annotations

import pytest

from app.openapi.spec import build_spec
from tests.support.api import order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def auditor(app, users):
    """Return an auditor's logged-in client and the CSRF header its writes carry."""
    client = login(app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


@pytest.fixture
def held_order(api) -> str:
    """Return the id of a held order (its buyer's phone is missing)."""
    api.product("A1", stock=5, price="99.00")
    broadcast_id = api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1)
    event["buyer"]["phone"] = None
    order = api.events(broadcast_id, [event]).get_json()["results"][0]["order"]
    assert order["status"] == "held"
    return order["order_id"]


@pytest.mark.parametrize("action", ["approve", "reject", "hold", "findings/phone_missing/override"])
@pytest.mark.parametrize("body, field", [
    ({"reason": "checked", "status": "accepted"}, "status"),
    ({"reasn": "checked"}, "reasn"),
])
def test_a_decision_body_with_another_field_is_refused_naming_it_and_changes_nothing(api, auditor, held_order,
                                                                                     action, body, field):
    client, headers = auditor
    before = api.get(f"/api/v1/orders/{held_order}").get_json()

    refused = client.post(f"/api/v1/orders/{held_order}/{action}", json=body, headers=headers)

    assert refused.status_code == 400, refused.get_json()
    assert (refused.get_json()["error"]["code"], refused.get_json()["error"]["field"]) == ("unknown_field", field)
    after = api.get(f"/api/v1/orders/{held_order}").get_json()
    assert (after["status"], after["history"], after["findings"]) == (before["status"], before["history"],
                                                                     before["findings"])


def test_a_decision_with_only_its_reason_still_goes_through(api, auditor, held_order):
    client, headers = auditor
    rejected = client.post(f"/api/v1/orders/{held_order}/reject", json={"reason": "fake buyer"}, headers=headers)
    assert rejected.status_code == 200, rejected.get_json()
    assert rejected.get_json()["status"] == "rejected"


def test_the_openapi_document_says_the_reason_body_takes_nothing_else(app):
    with app.app_context():
        spec = build_spec()
    assert spec["components"]["schemas"]["ReasonInput"]["additionalProperties"] is False
    for action in ("approve", "reject", "hold"):
        body = spec["paths"][f"/api/v1/orders/{{order_id}}/{action}"]["post"]["requestBody"]
        assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ReasonInput"}
