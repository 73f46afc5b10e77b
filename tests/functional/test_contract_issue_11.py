"""Issue 11 as its text names it: the broadcast and line-up API, console pins, the catalogue, accounts and scoped
tokens, login throttling, look-up and customers, and the commands a person runs."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.models import EventLog
from tests.support.api import order_event
from tests.support.auth import csrf_token, login

STRONG = "amber-lantern-2291"


def _send(api, method: str, path: str, body=None):
    return api.client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {api.token}"})


def _error(response) -> tuple[int, str, str | None]:
    error = response.get_json()["error"]
    assert error["message"]
    return response.status_code, error["code"], error.get("field")


def _session(app, username: str):
    """Return (client logged in as username, headers for its API calls)."""
    client = login(app, username)
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def show(api):
    """Return the id of a live broadcast with A and B in its line-up (link numbers 1 and 2)."""
    for sku in ("A", "B"):
        api.product(sku, stock=20)
    return api.live_broadcast("Tea night", skus=("A", "B"))


# --- broadcasts and line-up -------------------------------------------------------------------------------------

def test_a_scheduled_broadcast_is_listed_by_status_and_window_and_patched(api):
    planned = (datetime.now(timezone.utc) + timedelta(days=1)).replace(microsecond=0)
    made = api.post("/api/v1/broadcasts", json={"title": "Morning", "platform": "douyin",
                                                  "planned_start_at": planned.isoformat()})
    assert made.status_code == 201
    broadcast_id = made.get_json()["id"]
    listed = api.get("/api/v1/broadcasts?status=scheduled").get_json()["broadcasts"]
    assert [b["id"] for b in listed] == [broadcast_id]
    assert api.get("/api/v1/broadcasts?status=live").get_json()["broadcasts"] == []
    window = f"from={(planned - timedelta(hours=1)).isoformat().replace('+', '%2B')}" \
             f"&to={(planned + timedelta(hours=1)).isoformat().replace('+', '%2B')}"
    assert [b["id"] for b in api.get("/api/v1/broadcasts?" + window).get_json()["broadcasts"]] == [broadcast_id]
    patched = _send(api, "PATCH", f"/api/v1/broadcasts/{broadcast_id}", {"title": "Evening"})
    assert patched.status_code == 200 and patched.get_json()["title"] == "Evening"
    assert _error(_send(api, "PATCH", "/api/v1/broadcasts/999999", {"title": "x"}))[:2] == (404, "not_found")


def test_the_line_up_takes_sku_live_price_and_link_no_which_is_unique_per_broadcast(api, show):
    api.product("C")
    added = api.post(f"/api/v1/broadcasts/{show}/products", json={"sku": "C", "live_price": "59.90", "link_no": 7})
    assert added.status_code == 201
    assert (added.get_json()["sku"], added.get_json()["live_price"], added.get_json()["link_no"]) == ("C", "59.90", 7)
    assert _error(_send(api, "PATCH", f"/api/v1/broadcasts/{show}/products/A", {"link_no": 7})) == (
        409, "link_taken", "link_no")
    changed = _send(api, "PATCH", f"/api/v1/broadcasts/{show}/products/A", {"live_price": "9.90", "link_no": 3})
    assert changed.status_code == 200
    assert (changed.get_json()["live_price"], changed.get_json()["link_no"]) == ("9.90", 3)
    other = api.live_broadcast("Other night", skus=())
    assert api.post(f"/api/v1/broadcasts/{other}/products", json={"sku": "C", "link_no": 7}).status_code == 201
    removed = _send(api, "DELETE", f"/api/v1/broadcasts/{show}/products/B")
    assert removed.status_code == 200
    assert [p["sku"] for p in api.get(f"/api/v1/broadcasts/{show}/products").get_json()["products"]] == ["A", "C"]
    assert _error(_send(api, "DELETE", f"/api/v1/broadcasts/{show}/products/B"))[:2] == (404, "not_in_lineup")


def test_a_host_pins_from_the_console_as_a_product_pin_event_with_the_host_as_actor(app, users, show):
    client, headers = _session(app, "host")
    assert client.post(f"/api/v1/broadcasts/{show}/pin", json={"sku": "A"}, headers=headers).status_code == 200
    pinned_b = client.post(f"/api/v1/broadcasts/{show}/pin", json={"sku": "B"}, headers=headers)
    assert pinned_b.status_code == 200 and pinned_b.get_json()["pinned_sku"] == "B"
    unpinned = client.post(f"/api/v1/broadcasts/{show}/unpin", json={"sku": "B"}, headers=headers)
    assert unpinned.status_code == 200 and unpinned.get_json()["pinned_sku"] is None
    with app.app_context():
        rows = db.session.execute(sa.select(EventLog.type, EventLog.source).where(EventLog.broadcast_id == show)
                                  .where(EventLog.type.in_(("product_pin", "product_unpin")))
                                  .order_by(EventLog.id)).all()
    assert [tuple(r) for r in rows] == [("product_pin", "user:host"), ("product_pin", "user:host"),
                                        ("product_unpin", "user:host")]
    snapshot = client.get(f"/api/v1/broadcasts/{show}/snapshot").get_json()
    assert snapshot["pinned_sku"] is None


def test_roles_that_do_not_run_a_show_cannot_change_its_line_up_or_pin(app, users, show):
    for role in ("auditor", "moderator", "analyst"):
        client, headers = _session(app, role)
        assert client.post(f"/api/v1/broadcasts/{show}/pin", json={"sku": "A"}, headers=headers).status_code == 403
        assert client.delete(f"/api/v1/broadcasts/{show}/products/A", headers=headers).status_code == 403


# --- catalogue ----------------------------------------------------------------------------------------------------

def test_products_are_searched_and_paged_and_patched_by_sku(api):
    for n in range(3):
        api.product(f"TEA-{n}")
    found = api.get("/api/v1/products?q=TEA-1&page=1")
    assert found.status_code == 200
    body = found.get_json()
    assert [p["sku"] for p in body["products"]] == ["TEA-1"] and body["total"] == 1 and body["page"] == 1
    patched = _send(api, "PATCH", "/api/v1/products/TEA-1", {"name": "Longjing", "price": "120.00"})
    assert patched.status_code == 200, patched.get_json()
    again = api.get("/api/v1/products?q=Longjing").get_json()["products"]
    assert [(p["sku"], p["price"]) for p in again] == [("TEA-1", "120.00")]
    assert _error(_send(api, "PATCH", "/api/v1/products/NOPE", {"name": "x"}))[:2] == (404, "not_found")


# --- accounts and access ------------------------------------------------------------------------------------------

def test_an_admin_creates_a_user_changes_the_role_and_disabling_ends_the_session_at_once(app, users):
    admin, headers = _session(app, "admin")
    made = admin.post("/api/v1/users", json={"username": "wei", "role": "host", "password": STRONG}, headers=headers)
    assert made.status_code == 201, made.get_json()
    wei = login(app, "wei", STRONG)
    assert wei.get("/api/v1/me").get_json()["role"] == "host"
    changed = admin.patch("/api/v1/users/wei", json={"role": "auditor"}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["role"] == "auditor"
    wei = login(app, "wei", STRONG)
    assert wei.get("/api/v1/me").get_json()["role"] == "auditor"
    disabled = admin.patch("/api/v1/users/wei", json={"disabled": True}, headers=headers)
    assert disabled.status_code == 200 and disabled.get_json()["disabled"] is True
    assert wei.get("/api/v1/me").status_code == 401
    assert {"username": "wei", "role": "auditor", "disabled": True}.items() <= next(
        u for u in admin.get("/api/v1/users").get_json()["users"] if u["username"] == "wei").items()


def test_a_user_without_an_initial_password_gets_a_one_time_set_password_link(app, users):
    admin, headers = _session(app, "admin")
    made = admin.post("/api/v1/users", json={"username": "mei", "role": "auditor"}, headers=headers)
    assert made.status_code == 201 and "/set-password/" in made.get_json()["set_password_url"]


def test_weak_and_common_passwords_are_refused_naming_the_field(app, users):
    admin, headers = _session(app, "admin")
    for password in ("short1", "password123", "qwertyuiop"):
        refused = admin.post("/api/v1/users", json={"username": "li", "role": "host", "password": password},
                             headers=headers)
        assert _error(refused)[0] == 400 and _error(refused)[2] == "password"
    assert admin.get("/api/v1/users").status_code == 200
    assert "li" not in [u["username"] for u in admin.get("/api/v1/users").get_json()["users"]]


def test_only_admins_manage_users_and_tokens(app, users):
    for role in ("host", "auditor", "moderator", "analyst", "aftersales"):
        client, headers = _session(app, role)
        assert client.get("/api/v1/users").status_code == 403
        assert client.get("/api/v1/tokens").status_code == 403
        made = client.post("/api/v1/tokens", json={"name": "x", "scopes": ["ingest"]}, headers=headers)
        assert made.status_code == 403
        assert client.patch("/api/v1/users/host", json={"role": "admin"}, headers=headers).status_code == 403


def test_twenty_failures_from_one_address_lock_that_address_even_for_the_right_password(app, users):
    client = app.test_client()
    for n in range(20):
        client.post("/login", data={"username": f"nobody-{n % 4}", "password": "wrong-guess",
                                    "csrf_token": csrf_token(client)})
    refused = client.post("/login", data={"username": "host", "password": "password123",
                                          "csrf_token": csrf_token(client)})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_a_revoked_token_stops_at_once_and_an_unknown_one_is_a_404(app, users, api):
    admin, headers = _session(app, "admin")
    made = admin.post("/api/v1/tokens", json={"name": "bot", "scopes": ["ingest", "display"]}, headers=headers)
    raw = made.get_json()["token"]
    assert app.test_client().get("/api/v1/broadcasts", headers=_bearer(raw)).status_code == 200
    assert admin.delete("/api/v1/tokens/bot", headers=headers).status_code == 200
    assert app.test_client().get("/api/v1/broadcasts", headers=_bearer(raw)).status_code == 401
    assert _error(admin.delete("/api/v1/tokens/nobody", headers=headers)) == (404, "not_found", "name")


def test_create_token_with_one_or_more_scopes_on_the_command_line(app, users):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-token", "mod-bot", "--scope", "moderation"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    client = app.test_client()
    assert client.post("/api/v1/moderation/check", json={"text": "加微信 abc"}, headers=_bearer(raw)).status_code == 200
    assert client.post("/api/v1/broadcasts", json={"title": "x", "platform": "douyin"},
                       headers=_bearer(raw)).status_code == 403
    both = runner.invoke(args=["create-token", "two", "--scope", "backoffice", "--scope", "analytics"])
    assert both.exit_code == 0, both.output
    listed = runner.invoke(args=["create-token", "wall", "--scope", "ingest,display"])
    assert listed.exit_code == 0 and "ingest, display" in listed.output, listed.output
    wrong = runner.invoke(args=["create-token", "typo", "--scope", "ingest,dispaly"])
    assert wrong.exit_code != 0 and "dispaly" in wrong.output


def test_the_broadcast_list_takes_plain_dates_as_whole_utc_days(api):
    planned = (datetime.now(timezone.utc) + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    made = api.post("/api/v1/broadcasts", json={"title": "Noon", "platform": "douyin",
                                                  "planned_start_at": planned.isoformat()}).get_json()
    day, next_day = planned.date().isoformat(), (planned + timedelta(days=1)).date().isoformat()
    assert [b["id"] for b in api.get(f"/api/v1/broadcasts?from={day}&to={day}").get_json()["broadcasts"]] == [made["id"]]
    assert api.get(f"/api/v1/broadcasts?from={next_day}").get_json()["broadcasts"] == []
    assert _error(api.get("/api/v1/broadcasts?from=2026-13-45"))[:2] == (400, "invalid_query")


def test_an_after_sales_agent_finds_an_order_by_phone_or_id_and_may_show_its_contact(app, users, api, show):
    event = order_event("A", 1, order_id="AS-LOOK-1")
    event["buyer"]["phone"] = "13800138000"
    api.events(show, [event])
    agent, headers = _session(app, "aftersales")
    found = agent.get("/api/v1/orders?q=8000").get_json()
    assert [o["order_id"] for o in found["orders"]] == ["AS-LOOK-1"]
    page = agent.get("/orders?q=AS-LOOK-1")
    assert page.status_code == 200 and b"AS-LOOK-1" in page.data and b'role="search"' in page.data
    assert agent.post("/api/v1/orders/AS-LOOK-1/contact", headers=headers).status_code == 200


# --- look-up and customers -----------------------------------------------------------------------------------------

def test_the_look_up_answers_orders_total_and_page_and_finds_the_last_four_digits(api, show):
    for n in range(3):
        event = order_event("A", order_id=f"LK-{n}")
        event["buyer"].update(id="BUY-1", phone=f"1380000{n:04d}")
        assert api.events(show, [event]).status_code == 200
    answer = api.get("/api/v1/orders?q=0002&page=1&per_page=10")
    assert answer.status_code == 200
    body = answer.get_json()
    assert [o["order_id"] for o in body["orders"]] == ["LK-2"] and body["total"] == 1 and body["page"] == 1
    assert "****" in body["orders"][0]["buyer"]["phone"]
    paged = api.get(f"/api/v1/orders?broadcast_id={show}&sku=A&per_page=2&page=2").get_json()
    assert paged["total"] == 3 and len(paged["orders"]) == 1 and paged["page"] == 2
    customer = api.get("/api/v1/customers/BUY-1")
    assert customer.status_code == 200 and customer.get_json()["totals"]["orders"] == 3
    assert _error(api.get("/api/v1/orders?per_page=abc"))[::2] == (400, "per_page")


def test_purge_pii_runs_from_the_command_line(app, api, show):
    assert api.events(show, [order_event("A", order_id="OLD-1")]).status_code == 200
    result = app.test_cli_runner().invoke(args=["purge-pii", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert api.get("/api/v1/orders?q=OLD-1").get_json()["total"] == 1


def test_a_products_sku_finds_the_orders_of_its_variants_in_the_search_box_and_the_sku_filter(api):
    api.product("DRESS", variants=[{"sku": "DRESS-M", "name": "M", "stock": 10},
                                   {"sku": "DRESS-L", "name": "L", "stock": 10}])
    api.product("HAT", stock=10)
    broadcast_id = api.live_broadcast("Variants", skus=("DRESS", "HAT"))
    for order_id, sku in (("V-1", "DRESS-M"), ("V-2", "DRESS-L"), ("V-3", "HAT")):
        assert api.events(broadcast_id, [order_event(sku, order_id=order_id)]).status_code == 200

    def found(query: str) -> list[str]:
        answer = api.get("/api/v1/orders?" + query)
        assert answer.status_code == 200, answer.get_json()
        return sorted(o["order_id"] for o in answer.get_json()["orders"])

    assert found("q=DRESS") == ["V-1", "V-2"]
    assert found("sku=DRESS") == ["V-1", "V-2"]
    assert found("q=DRESS-M") == ["V-1"] and found("sku=DRESS-L") == ["V-2"]
    assert found("q=HAT") == ["V-3"]


ISSUE_PATHS = {
    "/api/v1/broadcasts": ("get", "post"), "/api/v1/broadcasts/{broadcast_id}": ("patch",),
    "/api/v1/broadcasts/{broadcast_id}/products": ("post",),
    "/api/v1/broadcasts/{broadcast_id}/products/{sku}": ("patch", "delete"),
    "/api/v1/broadcasts/{broadcast_id}/pin": ("post",), "/api/v1/broadcasts/{broadcast_id}/unpin": ("post",),
    "/api/v1/products": ("get",), "/api/v1/products/{sku}": ("patch",), "/api/v1/users": ("get", "post"),
    "/api/v1/users/{username}": ("patch",), "/api/v1/tokens": ("get", "post"), "/api/v1/tokens/{name}": ("delete",),
    "/api/v1/orders": ("get",), "/api/v1/customers/{buyer_id}": ("get",), "/api/v1/pii-access-log": ("get",),
}


def test_the_openapi_document_describes_every_operation_the_issue_names(api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    missing = [(path, method) for path, methods in ISSUE_PATHS.items() for method in methods
               if method not in paths.get(path, {})]
    assert missing == []


@pytest.mark.parametrize("path, key", [
    ("/api/v1/orders?q=&broadcast_id=&status=&sku=&from=&to=&page=&per_page=", "orders"),
    ("/api/v1/broadcasts?status=&from=&to=", "broadcasts"),
    ("/api/v1/products?q=&page=", "products"),
])
def test_the_query_templates_of_the_issue_with_every_parameter_empty_answer_the_whole_list(api, path, key):
    answer = api.get(path)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()[key] == []


def test_hosts_read_the_look_up_but_only_auditors_and_admins_show_a_contact(app, users, api, show):
    assert api.events(show, [order_event("A", order_id="C-1")]).status_code == 200
    host, host_headers = _session(app, "host")
    assert host.get("/api/v1/orders?q=C-1").get_json()["total"] == 1
    assert host.post("/api/v1/orders/C-1/contact", headers=host_headers).status_code == 403
    auditor, auditor_headers = _session(app, "auditor")
    shown = auditor.post("/api/v1/orders/C-1/contact", headers=auditor_headers)
    assert shown.status_code == 200 and "13812345678" in str(shown.get_json())
    admin, _headers = _session(app, "admin")
    log = admin.get("/api/v1/pii-access-log").get_json()
    assert log["total"] == 1 and "auditor" in str(log["entries"][0])
