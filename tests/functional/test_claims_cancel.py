"""A host or auditor cancels a chat claim's draft order (issue 13): the units go to the next claim in line, the
claim reads cancelled, and only a draft can be cancelled, by the roles allowed."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.test_chat_ingestion import Moderator, chat, post_chat
from tests.functional.test_claims_drafts import claims, stock
from tests.support import databases
from tests.support.api import ApiClient, order_event

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


@pytest.fixture
def line(any_app):
    """Return (api client, broadcast id): one unit of ONE, claimed by c-1 (reserved) and c-2 (waiting in line)."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("ONE", stock=1, price="10.00")
    broadcast_id = api.live_broadcast(skus=("ONE",))
    post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 1号", T0), chat("c-2", "v2", "拍了 1号", T0 + timedelta(seconds=1)))
    return api, broadcast_id


def cancel_path(broadcast_id: int, comment_id: str) -> str:
    return f"/api/v1/broadcasts/{broadcast_id}/claims/{comment_id}/cancel"


@pytest.mark.parametrize("role", ["host", "auditor"])
def test_cancelling_a_draft_gives_its_unit_to_the_next_claim_in_line(line, any_app, role):
    api, broadcast_id = line
    first, second = claims(api, broadcast_id)["claims"]
    assert api.get(f"/api/v1/orders/{second['order_id']}").get_json()["waitlisted_at"] is not None
    response = Moderator(any_app, role).post(cancel_path(broadcast_id, "c-1"), {"reason": "buyer asked"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["comment_id"], body["status"], body["order_status"]) == ("c-1", "cancelled", "cancelled")
    first, second = claims(api, broadcast_id)["claims"]
    assert (first["status"], second["status"]) == ("cancelled", "claimed")
    cancelled = api.get(f"/api/v1/orders/{first['order_id']}").get_json()
    assert cancelled["status"] == "cancelled" and cancelled["reserved_until"] is None
    promoted = api.get(f"/api/v1/orders/{second['order_id']}").get_json()
    assert promoted["reserved_until"] is not None and promoted["waitlisted_at"] is None
    held_for = datetime.fromisoformat(promoted["reserved_until"]) - datetime.now(UTC)
    assert timedelta(minutes=9) < held_for <= timedelta(minutes=10)  # the hold time counts from getting the unit
    assert stock(api, "ONE") == {"available": 0, "reserved": 1, "sold": 0}
    counts = claims(api, broadcast_id)["counts"]
    assert counts["cancelled"] == 1 and counts["claimed"] == 1


def test_only_a_draft_can_be_cancelled_and_errors_name_the_field(line, any_app):
    api, broadcast_id = line
    host = Moderator(any_app, "host")
    placed = order_event("ONE", 1, order_id="DY-1", unit_price="10.00", comment_id="c-1")
    assert api.events(broadcast_id, [placed]).get_json()["results"][0]["status"] != "rejected"
    ordered = host.post(cancel_path(broadcast_id, "c-1"))
    assert ordered.status_code == 409 and ordered.get_json()["error"]["code"] == "not_a_draft"
    unknown = host.post(cancel_path(broadcast_id, "nope"))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["field"] == "comment_id"
    assert host.post(cancel_path(broadcast_id, "x" * 129)).status_code == 400
    bad = host.post(cancel_path(broadcast_id, "c-2"), {"reason": 5})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "reason"
    misspelt = host.post(cancel_path(broadcast_id, "c-2"), {"reasn": "buyer asked"})  # would cancel, reason lost
    assert misspelt.status_code == 400 and misspelt.get_json()["error"] | {"message": ""} == {
        "code": "unknown_field", "field": "reasn", "message": ""}
    assert host.post(cancel_path(999_999, "c-2")).status_code == 404
    assert Moderator(any_app, "moderator").post(cancel_path(broadcast_id, "c-2")).status_code == 403
    assert api.post(cancel_path(broadcast_id, "c-2"), json={}).status_code == 403  # a token cannot
    assert claims(api, broadcast_id)["claims"][1]["status"] == "claimed"
    again = host.post(cancel_path(broadcast_id, "c-2"))
    assert again.status_code == 200 and host.post(cancel_path(broadcast_id, "c-2")).status_code == 409
