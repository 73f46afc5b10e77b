"""Issue 11 through the API: planned starts, list filters, the line-up with link numbers, console pins, flash starts."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.models import Broadcast, EventLog
from tests.support.api import order_event
from tests.support.auth import csrf_token, login

CHINA = timezone(timedelta(hours=8))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _error(response) -> tuple[int, str, str]:
    body = response.get_json()["error"]
    return response.status_code, body["code"], body.get("field")


def _patch(api, path: str, body):
    return api.client.patch(path, json=body, headers={"Authorization": f"Bearer {api.token}"})


def _delete(api, path: str):
    return api.client.delete(path, headers={"Authorization": f"Bearer {api.token}"})


def _broadcast(api, **fields) -> dict:
    response = api.post("/api/v1/broadcasts", json={"title": "Spring tea", "platform": "douyin", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _lineup(api, broadcast_id: int) -> list[tuple[str, int, int]]:
    products = api.get(f"/api/v1/broadcasts/{broadcast_id}/products").get_json()["products"]
    return [(p["sku"], p["link_no"], p["position"]) for p in products]


# --- broadcasts: planned start, edits, list filters -------------------------------------------------------------

def test_a_planned_start_given_in_the_hosts_zone_is_stored_in_utc(api):
    planned = (_now() + timedelta(days=2)).astimezone(CHINA)
    created = _broadcast(api, planned_start_at=planned.isoformat())
    assert created["planned_start_at"] == planned.astimezone(timezone.utc).isoformat()
    assert created["status"] == "scheduled" and created["started_at"] is None


# Named ids: the one computed from the clock must be the same in every parallel worker that collects it.
@pytest.mark.parametrize("value, code", [
    ("2020-01-01T20:00:00+08:00", "out_of_range"),
    ((datetime.now(timezone.utc) + timedelta(days=400)).isoformat(), "out_of_range"),
    ("2026-01-01T20:00:00", "invalid_ts"),
    ("tomorrow", "invalid_ts"),
], ids=["years-ago", "in-400-days", "without-zone", "not-a-time"])
def test_a_planned_start_far_from_now_or_without_a_zone_is_refused_naming_it(api, value, code):
    response = api.post("/api/v1/broadcasts", json={"title": "x", "platform": "douyin", "planned_start_at": value})
    assert _error(response) == (400, code, "planned_start_at")
    assert api.get("/api/v1/broadcasts").get_json()["broadcasts"] == []


def test_patch_changes_the_title_and_planned_start_until_the_show_starts(api):
    broadcast_id = _broadcast(api)["id"]
    planned = _now() + timedelta(hours=3)
    changed = _patch(api, f"/api/v1/broadcasts/{broadcast_id}", {"title": "Tea night", "planned_start_at": planned.isoformat()})
    assert changed.status_code == 200
    assert (changed.get_json()["title"], changed.get_json()["planned_start_at"]) == ("Tea night", planned.isoformat())
    cleared = _patch(api, f"/api/v1/broadcasts/{broadcast_id}", {"planned_start_at": None}).get_json()
    assert (cleared["title"], cleared["planned_start_at"]) == ("Tea night", None)

    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={}).status_code == 200
    late = _patch(api, f"/api/v1/broadcasts/{broadcast_id}", {"planned_start_at": planned.isoformat()})
    assert _error(late) == (409, "invalid_state", "planned_start_at")
    assert _patch(api, f"/api/v1/broadcasts/{broadcast_id}", {"title": "Tea night (live)"}).status_code == 200


@pytest.mark.parametrize("body, field", [({}, "body"), ({"titel": "typo"}, "titel"), ({"title": ""}, "title"),
                                         ({"title": 5}, "title"), ([1], "body")])
def test_a_patch_that_changes_nothing_known_is_refused_naming_the_field(api, body, field):
    broadcast_id = _broadcast(api)["id"]
    response = _patch(api, f"/api/v1/broadcasts/{broadcast_id}", body)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    assert api.get(f"/api/v1/broadcasts/{broadcast_id}").get_json()["title"] == "Spring tea"


def test_the_list_filters_by_status_and_by_when_the_broadcast_happens(api, app):
    soon = _broadcast(api, title="soon", planned_start_at=(_now() + timedelta(days=3)).isoformat())["id"]
    later = _broadcast(api, title="later", planned_start_at=(_now() + timedelta(days=30)).isoformat())["id"]
    live = _broadcast(api, title="live")["id"]
    api.post(f"/api/v1/broadcasts/{live}/start", json={})

    def ids(query: str) -> list[int]:
        response = api.get("/api/v1/broadcasts" + query)
        assert response.status_code == 200, response.get_json()
        return [b["id"] for b in response.get_json()["broadcasts"]]

    assert ids("") == [live, later, soon]
    assert ids("?status=scheduled") == [later, soon]
    assert ids("?status=live") == [live]
    start = (_now() + timedelta(days=2)).astimezone(CHINA).isoformat().replace("+", "%2B")
    end = (_now() + timedelta(days=10)).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    assert ids(f"?from={start}&to={end}") == [soon]
    assert ids(f"?from={start}") == [later, soon]
    assert ids(f"?to={end}&status=live") == [live]
    epoch_ms = int((_now() + timedelta(days=20)).timestamp() * 1000)
    assert ids(f"?from={epoch_ms}") == [later]


@pytest.mark.parametrize("query, code, field", [
    ("?status=paused", "invalid_query", "status"),
    ("?from=yesterday", "invalid_query", "from"),
    ("?to=2025-03-01T00:00:00", "invalid_query", "to"),
    ("?from=1999-12-31T00:00:00Z", "out_of_range", "from"),
    ("?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "invalid_window", "to"),
    ("?to=" + "9" * 60, "invalid_query", "to"),
])
def test_bad_list_filters_answer_400_naming_the_parameter(api, query, code, field):
    assert _error(api.get("/api/v1/broadcasts" + query)) == (400, code, field)


# --- the line-up ----------------------------------------------------------------------------------------------

def test_link_numbers_default_to_the_next_number_and_stay_when_the_rail_is_reordered(api):
    for sku in ("TEA", "CUP", "POT", "JAR"):
        api.product(sku)
    broadcast_id = _broadcast(api)["id"]
    added = api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "TEA", "live_price": "79.90"})
    assert added.status_code == 201
    assert added.get_json() | {"name": "Product TEA"} == {
        "broadcast_id": broadcast_id, "sku": "TEA", "name": "Product TEA", "price": "99.00", "live_price": "79.90",
        "link_no": 1, "position": 1, "pinned": False, "pinned_at": None}
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "CUP"})
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "POT", "link_no": 8}).status_code == 201
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "JAR"})
    assert _lineup(api, broadcast_id) == [("TEA", 1, 1), ("CUP", 2, 2), ("POT", 8, 3), ("JAR", 9, 4)]

    moved = _patch(api, f"/api/v1/broadcasts/{broadcast_id}/products/JAR", {"position": 1})
    assert moved.status_code == 200 and moved.get_json()["link_no"] == 9
    assert _lineup(api, broadcast_id) == [("JAR", 9, 1), ("TEA", 1, 2), ("CUP", 2, 3), ("POT", 8, 4)]
    _patch(api, f"/api/v1/broadcasts/{broadcast_id}/products/JAR", {"position": 99})  # past the end: last
    assert [sku for sku, _l, _p in _lineup(api, broadcast_id)] == ["TEA", "CUP", "POT", "JAR"]

    renumbered = _patch(api, f"/api/v1/broadcasts/{broadcast_id}/products/POT", {"link_no": 3, "live_price": "59"})
    assert (renumbered.get_json()["link_no"], renumbered.get_json()["live_price"]) == (3, "59.00")
    assert _patch(api, f"/api/v1/broadcasts/{broadcast_id}/products/TEA", {"live_price": None}).get_json()["live_price"] is None


def test_line_up_conflicts_and_unknown_products_name_the_field_and_write_nothing(api):
    api.product("TEA")
    api.product("CUP")
    broadcast_id = _broadcast(api)["id"]
    base = f"/api/v1/broadcasts/{broadcast_id}/products"
    api.post(base, json={"sku": "TEA", "link_no": 1})
    again = api.post(base, json={"sku": "TEA", "live_price": "1"})  # re-running a set-up updates, as it always did
    assert again.status_code == 201 and (again.get_json()["link_no"], again.get_json()["live_price"]) == (1, "1.00")
    assert _error(api.post(base, json={"sku": "NOPE"})) == (404, "unknown_sku", "sku")
    assert _error(api.post(base, json={"sku": "CUP", "link_no": 1})) == (409, "link_taken", "link_no")
    assert _error(api.post(base, json={"sku": "CUP", "link_no": 0})) == (400, "out_of_range", "link_no")
    assert _error(api.post(base, json={"sku": "CUP", "link_no": None})) == (400, "invalid_type", "link_no")
    assert _error(api.post(base, json={"sku": "CUP", "live_price": "1.001"})) == (400, "invalid_amount", "live_price")
    api.post(base, json={"sku": "CUP"})
    assert _error(_patch(api, f"{base}/CUP", {"link_no": 1})) == (409, "link_taken", "link_no")
    assert _error(_patch(api, f"{base}/CUP", {"position": 0})) == (400, "out_of_range", "position")
    assert _error(_patch(api, f"{base}/CUP", {"colour": "red"})) == (400, "unknown_field", "colour")
    assert _error(_patch(api, f"{base}/CUP", {})) == (400, "missing_field", "body")
    assert _error(_patch(api, f"{base}/NOPE", {"position": 1})) == (404, "unknown_sku", "sku")
    assert _error(_delete(api, f"{base}/{'X' * 65}")) == (404, "not_in_lineup", "sku")
    assert _error(_patch(api, "/api/v1/broadcasts/999/products/CUP", {"position": 1})) == (404, "not_found", "broadcast_id")
    assert _lineup(api, broadcast_id) == [("TEA", 1, 1), ("CUP", 2, 2)]


def test_removing_a_product_with_orders_only_takes_it_off_the_rail(api):
    api.product("TEA", price="99.00")
    api.product("CUP")
    api.product("POT")
    broadcast_id = api.live_broadcast(skus=("TEA", "CUP", "POT"))
    placed = api.events(broadcast_id, [order_event("CUP", 1, order_id="O-CUP", unit_price="99.00")])
    assert placed.get_json()["results"][0]["status"] == "accepted"

    removed = _delete(api, f"/api/v1/broadcasts/{broadcast_id}/products/CUP")
    assert removed.status_code == 200
    assert [(p["sku"], p["link_no"], p["position"]) for p in removed.get_json()["products"]] == [("TEA", 1, 1), ("POT", 3, 2)]
    order = api.get("/api/v1/orders/O-CUP").get_json()
    assert (order["status"], order["items"][0]["sku"]) == ("accepted", "CUP")
    assert _error(_delete(api, f"/api/v1/broadcasts/{broadcast_id}/products/CUP")) == (404, "not_in_lineup", "sku")
    # Added back, it gets a new number after the highest: viewers never hear an old number for another product.
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "CUP"}).get_json()["link_no"] == 4


# --- pins from the console --------------------------------------------------------------------------------------

def test_a_console_pin_is_a_product_pin_event_with_its_actor_and_pinning_b_ends_as_pin(api, app):
    for sku in ("A", "B"):
        api.product(sku)
    broadcast_id = api.live_broadcast(skus=("A", "B"))
    pinned = api.post(f"/api/v1/broadcasts/{broadcast_id}/pin", json={"sku": "A"})
    assert pinned.status_code == 200, pinned.get_json()
    assert (pinned.get_json()["type"], pinned.get_json()["actor"], pinned.get_json()["pinned_sku"]) == (
        "product_pin", "test-adapter", "A")
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/pin", json={"sku": "B"}).get_json()["pinned_sku"] == "B"
    snapshot = api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()
    assert snapshot["pinned_sku"] == "B"
    assert [(p["sku"], p["pinned"]) for p in api.get(f"/api/v1/broadcasts/{broadcast_id}/products").get_json()["products"]] == [
        ("A", False), ("B", True)]

    unpinned = api.post(f"/api/v1/broadcasts/{broadcast_id}/unpin", json={})  # no sku: the pinned one
    assert (unpinned.get_json()["type"], unpinned.get_json()["sku"], unpinned.get_json()["pinned_sku"]) == (
        "product_unpin", "B", None)
    assert _error(api.post(f"/api/v1/broadcasts/{broadcast_id}/unpin")) == (409, "not_pinned", "sku")

    with app.app_context():
        logged = db.session.execute(sa.select(EventLog.type, EventLog.sku, EventLog.source).where(
            EventLog.broadcast_id == broadcast_id).order_by(EventLog.id)).all()
        from analytics.service import pinned_list
        intervals = pinned_list(db.session, db.session.get(Broadcast, broadcast_id))
    assert logged == [("product_pin", "A", "test-adapter"), ("product_pin", "B", "test-adapter"),
                      ("product_unpin", "B", "test-adapter")]
    # Analytics reads the same events: A's pin ends where B's starts, and B's ends at the unpin.
    assert [row["sku"] for row in intervals] == ["A", "B"]
    assert intervals[0]["end"] == intervals[1]["start"]


def test_pins_need_a_live_broadcast_and_a_product_of_its_line_up(api):
    for sku in ("A", "B"):
        api.product(sku)
    scheduled = _broadcast(api)["id"]
    api.post(f"/api/v1/broadcasts/{scheduled}/products", json={"sku": "A"})
    assert _error(api.post(f"/api/v1/broadcasts/{scheduled}/pin", json={"sku": "A"})) == (409, "invalid_state", "status")
    live = api.live_broadcast(skus=("A",))
    assert _error(api.post(f"/api/v1/broadcasts/{live}/pin", json={"sku": "B"})) == (404, "not_in_lineup", "sku")
    assert _error(api.post(f"/api/v1/broadcasts/{live}/pin", json={"sku": "C"})) == (404, "unknown_sku", "sku")
    assert _error(api.post(f"/api/v1/broadcasts/{live}/pin", json={})) == (400, "missing_field", "sku")
    assert _error(api.post(f"/api/v1/broadcasts/{live}/pin", json=["A"])) == (400, "invalid_json", "body")
    api.post(f"/api/v1/broadcasts/{live}/pin", json={"sku": "A"})
    assert _error(_delete(api, f"/api/v1/broadcasts/{live}/products/A")) == (409, "pinned", "sku")


# --- flash sales started from the host page ---------------------------------------------------------------------

def _flash(api, broadcast_id: int, code: str, starts_in: timedelta, minutes: int = 5, **fields) -> dict:
    starts = _now() + starts_in
    body = {"code": code, "kind": "flash", "broadcast_id": broadcast_id, "skus": ["A"], "price": "9.90",
            "remaining": 10, "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=minutes)).isoformat(), **fields}
    response = api.post("/api/v1/promotions", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_starting_a_planned_flash_sale_now_keeps_its_length_and_shows_it_to_the_host(api):
    api.product("A")
    broadcast_id = api.live_broadcast(skus=("A",))
    _flash(api, broadcast_id, "FLASH1", timedelta(hours=2), minutes=5, active=False)
    before = _now()
    started = api.post("/api/v1/promotions/flash1/start")
    assert started.status_code == 200, started.get_json()
    sale = started.get_json()
    starts, ends = datetime.fromisoformat(sale["starts_at"]), datetime.fromisoformat(sale["ends_at"])
    assert sale["active"] is True and before <= starts <= _now() + timedelta(seconds=1)
    assert ends - starts == timedelta(minutes=5)
    assert [s["code"] for s in api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()["flash_sales"]] == ["FLASH1"]
    assert _error(api.post("/api/v1/promotions/FLASH1/start")) == (409, "running", "starts_at")


def test_only_a_flash_sale_that_can_still_run_in_a_live_broadcast_starts(api):
    api.product("A")
    live = api.live_broadcast(skus=("A",))
    scheduled = _broadcast(api)["id"]
    _flash(api, scheduled, "LATER", timedelta(hours=1))
    _flash(api, live, "EMPTY", timedelta(hours=1), remaining=0)
    _flash(api, live, "PAST", timedelta(hours=-2))
    api.post("/api/v1/promotions", json={"code": "TEN", "kind": "coupon", "coupon_type": "fixed", "value": "10"})
    assert _error(api.post("/api/v1/promotions/LATER/start")) == (409, "invalid_state", "broadcast_id")
    assert _error(api.post("/api/v1/promotions/EMPTY/start")) == (409, "sold_out", "remaining")
    assert _error(api.post("/api/v1/promotions/PAST/start")) == (409, "ended", "ends_at")
    assert _error(api.post("/api/v1/promotions/TEN/start")) == (409, "invalid_state", "kind")
    assert _error(api.post("/api/v1/promotions/NOPE/start")) == (404, "not_found", "code")


# --- who may change what ----------------------------------------------------------------------------------------

def _calls(broadcast_id: int) -> list[tuple[str, str, dict | None]]:
    base = f"/api/v1/broadcasts/{broadcast_id}"
    return [
        ("PATCH", base, {"title": "Renamed"}),
        ("POST", f"{base}/products", {"sku": "B"}),
        ("PATCH", f"{base}/products/A", {"position": 1}),
        ("POST", f"{base}/pin", {"sku": "A"}),
        ("POST", f"{base}/unpin", {"sku": "A"}),
        ("DELETE", f"{base}/products/B", None),
        ("POST", "/api/v1/promotions/F1/start", None),
    ]


@pytest.mark.parametrize("role, allowed", [("host", True), ("admin", True), ("moderator", False),
                                           ("auditor", False), ("analyst", False)])
def test_hosts_and_admins_may_set_up_a_broadcast_and_other_roles_get_403(api, app, users, role, allowed):
    for sku in ("A", "B"):
        api.product(sku)
    broadcast_id = api.live_broadcast(skus=("A",))
    _flash(api, broadcast_id, "F1", timedelta(hours=1))
    console = login(app, role)
    headers = {"X-CSRFToken": csrf_token(console, "/")}
    for method, path, body in _calls(broadcast_id):
        response = console.open(path, method=method, json=body, headers=headers)
        if allowed:
            assert response.status_code in (200, 201), (method, path, response.get_json())
        elif path.startswith("/api/v1/promotions"):
            # Auditors manage promotions (orders/promotions/api.py MANAGERS); the other roles may not start them.
            assert response.status_code == (200 if role == "auditor" else 403), (role, response.get_json())
        else:
            assert _error(response)[:2] == (403, "forbidden"), (method, path)
    products = api.get(f"/api/v1/broadcasts/{broadcast_id}/products").get_json()["products"]
    assert [p["sku"] for p in products] == ["A"]
    title = api.get(f"/api/v1/broadcasts/{broadcast_id}").get_json()["title"]
    assert title == ("Renamed" if allowed else "Test broadcast")
    with app.app_context():
        sources = set(db.session.scalars(sa.select(EventLog.source).where(EventLog.broadcast_id == broadcast_id)))
    assert sources == ({f"user:{role}"} if allowed else set())


# --- pages ------------------------------------------------------------------------------------------------------

def test_the_set_up_pages_speak_chinese_and_show_controls_only_to_hosts_and_admins(api, app, users):
    from app.auth.models import User

    with app.app_context():
        for user in db.session.scalars(sa.select(User)):
            user.locale = "zh_CN"
        db.session.commit()
    api.product("A")
    broadcast_id = api.live_broadcast(skus=("A",))
    host, analyst = login(app, "host"), login(app, "analyst")
    listing = host.get("/").get_data(as_text=True)
    assert "新建直播" in listing and "计划开播" in listing and 'id="new-broadcast"' in listing
    assert 'id="new-broadcast"' not in analyst.get("/").get_data(as_text=True)
    setup = host.get(f"/broadcasts/{broadcast_id}").get_data(as_text=True)
    assert "商品排品" in setup and 'id="end-broadcast"' in setup and 'id="product-search"' in setup
    read_only = analyst.get(f"/broadcasts/{broadcast_id}").get_data(as_text=True)
    assert 'data-can-manage="false"' in read_only and 'id="product-search"' not in read_only
    live_page = host.get(f"/broadcasts/{broadcast_id}/live").get_data(as_text=True)
    strings = json.loads(re.search(r'<script type="application/json" id="strings">(.*?)</script>', live_page, re.S).group(1))
    assert (strings["pin"], strings["unpin"], strings["link"]) == ("置顶", "取消置顶", "{n}号链接")
    assert "可开始的秒杀" in live_page
    assert 'id="flash-starters"' not in analyst.get(f"/broadcasts/{broadcast_id}/live").get_data(as_text=True)
    bad_filter = host.get("/?from=yesterday")
    assert bad_filter.status_code == 200 and "from:" in bad_filter.get_data(as_text=True)
    assert host.get("/broadcasts/999").status_code == 404
