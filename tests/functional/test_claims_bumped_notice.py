"""A draft that loses its unit to an earlier comment arriving late (a delayed or recorded chat batch) goes back in
line, and its buyer is told once, with the reason kept in the draft's history (docs/claims.md, step 4)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orders.claims.line import BUMPED
from tests.functional.test_chat_ingestion import chat, post_chat
from tests.functional.test_claims_drafts import claims, stock
from tests.support import databases
from tests.support.api import ApiClient

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
EARLY = chat("c-early", "v-early", "拍了 1号", T0)
LATE = chat("c-late", "v-late", "拍了 1号", T0 + timedelta(seconds=30))


@pytest.fixture
def bumped(any_app):
    """Return (api client, broadcast id, {comment id: draft order}) after the later comment took the one unit of
    ONE and the earlier comment, arriving second in its own request, took it back."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("ONE", stock=1, price="10.00")
    broadcast_id = api.live_broadcast(skus=("ONE",))
    [late] = post_chat(api, broadcast_id, LATE)
    assert late["claim"]["status"] == "claimed"
    assert stock(api, "ONE")["reserved"] == 1
    [early] = post_chat(api, broadcast_id, EARLY)
    assert early["claim"]["status"] == "claimed"
    return api, broadcast_id, _drafts(api, broadcast_id)


def _drafts(api: ApiClient, broadcast_id: int) -> dict[str, dict]:
    """Return each claim's draft order as the API shows it, by comment id."""
    return {claim["comment_id"]: api.get(f"/api/v1/orders/{claim['order_id']}").get_json()
            for claim in claims(api, broadcast_id)["claims"]}


def test_the_earlier_comment_holds_the_unit_and_the_later_draft_waits_for_stock(bumped):
    api, _, drafts = bumped
    early, late = drafts["c-early"], drafts["c-late"]
    assert early["status"] == "claimed" and early["reserved_until"] is not None and early["waitlisted_at"] is None
    assert late["status"] == "claimed" and late["reserved_until"] is None and late["waitlisted_at"] is not None
    assert stock(api, "ONE") == {"available": 0, "reserved": 1, "sold": 0}


def test_the_buyer_of_the_bumped_draft_is_told_once_that_it_went_back_in_line(bumped):
    _, _, drafts = bumped
    late = drafts["c-late"]
    assert [n["kind"] for n in late["notices"]] == ["claimed", "claim_bumped"]
    assert "is reserved for you" in late["notices"][0]["message"]["en"]  # what it was told before
    [notice] = [n for n in late["notices"] if n["kind"] == "claim_bumped"]
    assert "ONE ×1" in notice["message"]["en"] and "waitlist" in notice["message"]["en"]
    assert "ONE ×1" in notice["message"]["zh-CN"] and "候补" in notice["message"]["zh-CN"]
    assert [n["kind"] for n in drafts["c-early"]["notices"]] == ["claimed"]


def test_the_bumped_drafts_history_says_an_earlier_comment_took_its_unit(bumped):
    _, _, drafts = bumped
    [note] = [row for row in drafts["c-late"]["history"] if row["reason"] == BUMPED]
    assert note["actor"] == "system" and note["to_status"] == "claimed"
    assert note["data"] == {"by_comment": "c-early", "units": {"ONE": 1}}


def test_the_same_bump_delivered_again_does_not_tell_the_buyer_twice(bumped):
    api, broadcast_id, _ = bumped
    [again] = post_chat(api, broadcast_id, EARLY, LATE)[:1]
    assert again["status"] == "duplicate"
    late = _drafts(api, broadcast_id)["c-late"]
    assert [n["kind"] for n in late["notices"]].count("claim_bumped") == 1
    assert [row["reason"] for row in late["history"]].count(BUMPED) == 1
    assert stock(api, "ONE") == {"available": 0, "reserved": 1, "sold": 0}


def test_a_draft_bumped_in_the_same_batch_is_told_after_its_claimed_notice(any_app):
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("ONE", stock=1, price="10.00")
    broadcast_id = api.live_broadcast(skus=("ONE",))
    post_chat(api, broadcast_id, LATE, EARLY)  # the earlier comment comes second in the same batch
    drafts = _drafts(api, broadcast_id)
    assert [n["kind"] for n in drafts["c-late"]["notices"]] == ["claimed", "claim_bumped"]
    assert drafts["c-early"]["reserved_until"] is not None and drafts["c-late"]["waitlisted_at"] is not None


def test_a_draft_promoted_bumped_and_promoted_again_is_told_each_time(bumped):
    api, broadcast_id, _ = bumped
    assert api.put("/api/v1/products/ONE/stock", json={"stock": 1}).status_code == 200  # c-late takes it
    [earliest] = post_chat(api, broadcast_id, chat("c-earliest", "v-earliest", "拍了 1号", T0 - timedelta(seconds=30)))
    assert earliest["claim"]["status"] == "claimed"  # takes c-late's unit back: c-late waits again
    assert api.put("/api/v1/products/ONE/stock", json={"stock": 1}).status_code == 200
    late = _drafts(api, broadcast_id)["c-late"]
    assert late["reserved_until"] is not None
    assert [n["kind"] for n in late["notices"]] == ["claimed", "claim_bumped", "claimed", "claim_bumped", "claimed"]
