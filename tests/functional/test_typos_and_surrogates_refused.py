"""A misspelt field or a lone surrogate is a 400 naming the field, and nothing changes (probe 1 of session 15).

Before: a token asked for with "scope" got the default scopes, which can write; a return opened with "ammount"
asked for the whole payment; "severty" registered the complaint at the normal deadline; "Mode" saved a ship-by
deadline in hours; a lone surrogate in a password or an order id to pack was a 500. And an after-sales case went
whole (notes, refunds, tracking numbers) to the socket of hosts and display tokens, which may not read cases.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken, User
from app.extensions import db, socketio
from orders.aftersales.models import AftersaleCase
from orders.care.complaints.models import Complaint
from tests.support.aftersales import agent_of, open_shop, place_paid_order
from tests.support.auth import csrf_token, login
from tests.support.databases import PASSWORD


@pytest.fixture
def admin(app, users):
    """Return (the admin's console client, its API headers)."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _refused(response, field: str, code: str = "unknown_field") -> None:
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field), error


def test_a_misspelt_scope_makes_no_token(app, admin):
    client, headers = admin
    before = _count(app, ApiToken)
    _refused(client.post("/api/v1/tokens", json={"name": "typo", "scope": ["analytics"]}, headers=headers), "scope")
    assert _count(app, ApiToken) == before
    made = client.post("/api/v1/tokens", json={"name": "right", "scopes": ["analytics"]}, headers=headers)
    assert made.status_code == 201 and made.get_json()["scopes"] == ["analytics"]


def test_a_lone_surrogate_in_a_password_is_refused_not_a_500(app, admin):
    client, headers = admin
    users_before = _count(app, User)
    _refused(client.post("/api/v1/users", json={"username": "p1u3", "role": "analyst",
                                               "password": "\ud800abcdefghijkl"}, headers=headers),
             "password", "password_invalid_characters")
    assert _count(app, User) == users_before
    wrong = client.put("/api/v1/me/password", json={"current_password": "\ud800", "new_password": "abcdefghijkl1234"},
                       headers=headers)
    _refused(wrong, "current_password", "wrong_password")
    new = client.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "\ud800abcdefghijkl"},
                     headers=headers)
    _refused(new, "new_password", "password_invalid_characters")
    assert login(app, "admin").get("/settings").status_code == 200  # the password did not change


@pytest.mark.slow
def test_a_lone_surrogate_in_an_order_id_to_pack_is_refused(app, api):
    agent = agent_of(app)
    _refused(agent.post("/api/v1/orders/pack", json={"order_ids": ["\ud800x"]}), "order_ids[0]", "invalid_type")


def test_a_misspelt_ship_by_field_keeps_the_policy(app, api):
    agent = agent_of(app)
    broadcast_id = api.live_broadcast()
    path = f"/api/v1/broadcasts/{broadcast_id}/ship-by-policy"
    before = agent.get(path).get_json()
    _refused(agent.put(path, json={"amount": 2, "Mode": "business_days"}), "Mode")
    assert agent.get(path).get_json() == before
    wrong_zone = agent.put(path, json={"mode": "business_days", "amount": 2, "zone": "Europe/Paris"})
    assert wrong_zone.status_code == 400 and wrong_zone.get_json()["error"]["field"] == "zone"
    echoed = agent.put(path, json=before | {"mode": "business_days", "amount": 2})  # GET's body sent back changed
    assert echoed.status_code == 200 and echoed.get_json()["mode"] == "business_days"


def test_misspelt_fields_of_cases_complaints_carriers_blocklist_and_follow_ups_create_nothing(app, api, admin):
    broadcast_id = open_shop(app, api)
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 1)])
    agent = agent_of(app)
    _refused(agent.post("/api/v1/orders/ORD-1/aftersales",
                        json={"type": "refund_only", "reason": "quality", "ammount": "1.00"}), "ammount")
    assert _count(app, AftersaleCase) == 0
    _refused(agent.post("/api/v1/complaints", json={"channel": "back_office", "category": "quality",
                                                    "text": "broken", "order_id": "ORD-1", "severty": "urgent"}),
             "severty")
    assert _count(app, Complaint) == 0
    _refused(agent.post("/api/v1/followups", json={"order_id": "ORD-1", "zzz": 1}), "zzz")
    assert agent.get("/api/v1/followups?view=all").get_json()["total"] == 0

    client, headers = admin
    _refused(client.post("/api/v1/carriers", json={"code": "ZZ", "eta_day": 3}, headers=headers), "eta_day")
    assert all(c["code"] != "ZZ" for c in client.get("/api/v1/carriers", headers=headers).get_json()["carriers"])
    auditor = login(app, "auditor")
    auditor_headers = {"X-CSRFToken": csrf_token(auditor, "/")}
    _refused(auditor.post("/api/v1/blocklist", json={"kind": "phone", "value": "13800000000", "reasn": "r"},
                          headers=auditor_headers), "reasn")
    assert auditor.get("/api/v1/blocklist").get_json()["entries"] == []


def test_a_case_reaches_the_hosts_and_displays_socket_in_brief_and_the_agents_whole(app, api, token):
    broadcast_id = open_shop(app, api)
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 1)])
    agent = agent_of(app)
    sockets = {"host": socketio.test_client(app, namespace="/live", flask_test_client=login(app, "host")),
               "display": socketio.test_client(app, namespace="/live", auth={"token": token}),
               "agent": socketio.test_client(app, namespace="/live", flask_test_client=agent.client)}
    for sock in sockets.values():
        assert sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["ok"] is True
        sock.get_received("/live")
    opened = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "refund_only", "reason": "quality",
                                                                 "note": "buyer says the seam is torn"})
    assert opened.status_code == 201
    cases = {name: [m["args"][0]["case"] for m in sock.get_received("/live") if m["name"] == "aftersale.updated"]
             for name, sock in sockets.items()}
    [whole] = cases["agent"]
    assert whole["note"] == "buyer says the seam is torn" and "refunds" in whole
    for name in ("host", "display"):
        [brief] = cases[name]
        assert brief == {"case_id": whole["case_id"], "order_id": "ORD-1", "type": "refund_only",
                         "reason": "quality", "status": whole["status"], "deadline_at": whole["deadline_at"],
                         "version": whole["version"]}, name
