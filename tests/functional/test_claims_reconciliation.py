"""The reconciliation of a generated broadcast equals an independent count of what was sent (issue 13), and the
催付 reminder goes out once per order through the notice outbox."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.test_chat_ingestion import Moderator
from tests.support import databases
from tests.support.api import ApiClient
from tests.support.claims_reference import expected, generate

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)


@pytest.fixture
def shop(any_app):
    """Return (api client, broadcast id) selling TEE (link 1, sizes M/L) and MUG (link 2), stock for everyone."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("TEE", price="59.00", variants=[{"sku": "TEE-M", "name": "M", "stock": 500},
                                                {"sku": "TEE-L", "name": "L", "stock": 500}])
    api.product("MUG", stock=500, price="20.00")
    return api, api.live_broadcast(skus=("TEE", "MUG"))


def _send(api, broadcast_id, events):
    for start in range(0, len(events), 100):
        response = api.events(broadcast_id, events[start:start + 100])
        assert response.status_code == 200, response.get_json()
        rejected = [r for r in response.get_json()["results"] if r["status"] == "rejected"]
        assert not rejected, rejected


@pytest.mark.parametrize("seed", [1, 2])
def test_the_reconciliation_of_a_generated_broadcast_equals_an_independent_count(shop, seed):
    api, broadcast_id = shop
    generated = generate(seed, T0)
    _send(api, broadcast_id, generated.chats + generated.orders + generated.payments)
    report = api.get(f"/api/v1/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0").get_json()
    want = expected(generated)
    assert report["counts"] == want["counts"]
    assert report["claims_without_order"]["total"] == want["claims_without_order"]
    assert report["open_drafts"]["total"] == want["open_drafts"]
    assert report["unpaid"]["total"] == want["unpaid"]
    assert report["orders_without_comment"]["total"] == want["orders_without_comment"]
    assert report["lag_seconds"]["count"] == want["lag_count"]
    assert report["lag_seconds"]["median"] == 30.0  # every order was placed 30 s after its comment
    for status, count in want["counts"].items():
        if status != "total":
            assert api.get(f"/api/v1/broadcasts/{broadcast_id}/claims?status={status}").get_json()["total"] == count


@pytest.mark.slow
def test_the_payment_reminder_goes_out_once_per_order_and_skips_what_is_not_due(shop, any_app):
    api, broadcast_id = shop
    generated = generate(3, T0, claims=12)
    _send(api, broadcast_id, generated.chats + generated.orders + generated.payments)
    unpaid = api.get(f"/api/v1/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0").get_json()["unpaid"]
    due = [item["order_id"] for item in unpaid["items"]]
    paid = [p["order_id"] for p in generated.payments]
    host = Moderator(any_app, "host")
    body = host.post(f"/api/v1/broadcasts/{broadcast_id}/reminders", {"order_ids": due + paid[:1] + ["nope"]}).get_json()
    assert body["queued"] == due
    assert {s["order_id"]: s["reason"] for s in body["skipped"]} == (
        {paid[0]: "not_unpaid", "nope": "unknown_order"} if paid else {"nope": "unknown_order"})
    misspelt = host.post(f"/api/v1/broadcasts/{broadcast_id}/reminders", {"order_ids": due[:1], "x": 1})
    assert misspelt.status_code == 400 and misspelt.get_json()["error"]["field"] == "x"
    again = host.post(f"/api/v1/broadcasts/{broadcast_id}/reminders", {"order_ids": due[:1]}).get_json()
    assert again == {"queued": [], "skipped": [{"order_id": due[0], "reason": "already_reminded"}]}
    order = api.get(f"/api/v1/orders/{due[0]}").get_json()
    assert [n["kind"] for n in order["notices"]].count("payment_reminder") == 1
    after = api.get(f"/api/v1/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0").get_json()["unpaid"]
    assert all(item["reminded_at"] for item in after["items"])


def test_the_reconciliation_page_and_its_csv_show_the_claims(shop, any_app):
    api, broadcast_id = shop
    generated = generate(4, T0, claims=10)
    _send(api, broadcast_id, generated.chats + generated.orders)
    host = Moderator(any_app, "host")
    page = host.get(f"/broadcasts/{broadcast_id}/reconciliation").get_data(as_text=True)
    assert 'id="unpaid-orders"' in page or "No unpaid order" in page
    csv = host.get(f"/broadcasts/{broadcast_id}/reconciliation.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("comment_id,at,viewer_id") and len(lines) == 1 + len(generated.chats)


def test_a_hostile_comment_is_text_in_the_csv_and_the_page(shop, any_app):
    api, broadcast_id = shop
    api.events(broadcast_id, [{"id": "c-x", "type": "chat", "ts": T0.isoformat(), "viewer_id": "v-x",
                               "text": "=HYPERLINK(1) 拍了 9号 <script>x</script>"}])
    host = Moderator(any_app, "host")
    page = host.get(f"/broadcasts/{broadcast_id}/reconciliation").get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    csv = host.get(f"/broadcasts/{broadcast_id}/reconciliation.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in csv


def test_rejected_events_are_kept_as_received_with_their_error(shop):
    api, broadcast_id = shop
    bad = [{"id": "bad-1", "type": "chat", "ts": T0.isoformat(), "viewer_id": "v1"},
           "not an object",
           {"id": "bad-3", "type": "payment", "ts": T0.isoformat(), "order_id": "NOPE", "status": "paid",
            "amount": "1.00"}]
    results = api.events(broadcast_id, bad).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    body = api.get(f"/api/v1/broadcasts/{broadcast_id}/rejected-events").get_json()
    assert body["total"] == 3
    newest_first = body["events"]
    assert [e["payload"] for e in reversed(newest_first)] == bad
    assert [e["error"]["code"] for e in reversed(newest_first)] == [r["error"]["code"] for r in results]
    assert newest_first[-1]["error"]["field"] == "text" and newest_first[-1]["event_id"] == "bad-1"


def test_the_rejected_events_page_lists_them_escaped_cut_and_paged(shop, any_app):
    api, broadcast_id = shop
    hostile = {"id": "bad-<b>", "type": "chat", "ts": T0.isoformat(), "viewer_id": "<script>alert(1)</script>"}
    long_one = {"id": "bad-long", "type": "payment", "ts": T0.isoformat(), "order_id": "NOPE", "status": "paid",
                "amount": "1.00", "note": "x" * 5000}
    results = api.events(broadcast_id, [hostile, long_one]).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 2
    auditor = Moderator(any_app, "auditor")
    response = auditor.get(f"/broadcasts/{broadcast_id}/rejected-events")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('data-rejected-id="') == 2
    assert f'data-code="{results[0]["error"]["code"]}"' in page and "data-truncated" in page
    assert "x" * 2001 not in page and "x" * 1800 in page
    assert 'datetime="' in page
    assert Moderator(any_app, "moderator").get(f"/broadcasts/{broadcast_id}/rejected-events").status_code == 403
    assert auditor.get(f"/broadcasts/{broadcast_id}/rejected-events?page=2").status_code == 200
    assert auditor.get(f"/broadcasts/{broadcast_id}/rejected-events?page=x").status_code == 400
    assert auditor.get("/broadcasts/999999/rejected-events").status_code == 404
    chinese = auditor.get(f"/broadcasts/{broadcast_id}/rejected-events",
                          headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "被拒事件" in chinese and "收到的原始事件" in chinese and "…已截断" in chinese and "Raw event" not in chinese
    reconciliation = auditor.get(f"/broadcasts/{broadcast_id}/reconciliation").get_data(as_text=True)
    assert f'href="/broadcasts/{broadcast_id}/rejected-events"' in reconciliation


def test_the_rejected_events_page_pages_fifty_at_a_time(shop, any_app):
    api, broadcast_id = shop
    api.events(broadcast_id, [f"junk {n}" for n in range(51)])
    auditor = Moderator(any_app, "auditor")
    first = auditor.get(f"/broadcasts/{broadcast_id}/rejected-events").get_data(as_text=True)
    second = auditor.get(f"/broadcasts/{broadcast_id}/rejected-events?page=2").get_data(as_text=True)
    assert first.count('data-rejected-id="') == 50 and 'rel="next"' in first
    assert second.count('data-rejected-id="') == 1 and 'rel="prev"' in second and "junk 0" in second


@pytest.mark.slow
def test_a_second_reminder_a_moment_later_across_a_minute_boundary_is_skipped(shop, any_app):
    """The CI run of session 16: two clicks at hh:mm:59.9 and hh:(mm+1):00.1 both sent a reminder."""
    from app.extensions import db
    from orders.claims.reminders import remind_unpaid

    api, broadcast_id = shop
    generated = generate(3, T0, claims=12)
    _send(api, broadcast_id, generated.chats + generated.orders + generated.payments)
    unpaid = api.get(f"/api/v1/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0").get_json()["unpaid"]
    order_id = unpaid["items"][0]["order_id"]
    edge = datetime.now(UTC).replace(second=59, microsecond=900_000)
    with any_app.app_context():
        first = remind_unpaid(db.session, broadcast_id, [order_id], "host", edge)
        second = remind_unpaid(db.session, broadcast_id, [order_id], "host", edge + timedelta(milliseconds=200))
        later = remind_unpaid(db.session, broadcast_id, [order_id], "host", edge + timedelta(minutes=2))
        db.session.rollback()
    assert first["queued"] == [order_id]
    assert second == {"queued": [], "skipped": [{"order_id": order_id, "reason": "already_reminded"}]}
    assert later["queued"] == [order_id]  # a minute on, the host may remind again
