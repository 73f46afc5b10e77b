"""GET /api/v1/aftersales?reason= lists only the cases opened for that reason; a reason that is not one of the
known ones is a 400 naming `reason`, as a bad status or type is.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from orders.aftersales.models import CASE_REASONS
from tests.support.aftersales import agent_of, open_shop, pay_again, place_paid_order, ship


@pytest.fixture
def cases(any_app, any_api):
    """Return (agent, {reason: case id}) with a quality return, a wrong-item return and a duplicate payment's case."""
    broadcast_id = open_shop(any_app, any_api)
    agent = agent_of(any_app)
    opened = {}
    for order_id, reason in (("ORD-1", "quality"), ("ORD-2", "wrong_item")):
        place_paid_order(any_api, broadcast_id, order_id, [("TEE", 1)])
        ship(agent, order_id)
        response = agent.post(f"/api/v1/orders/{order_id}/aftersales", json={"type": "return_refund", "reason": reason})
        assert response.status_code == 201, response.get_json()
        opened[reason] = response.get_json()["case_id"]
    order = pay_again(any_api, broadcast_id, "ORD-1", "99.00", "pay-dup")["order"]
    [case_id] = [case["case_id"] for case in order["cases"] if case["reason"] == "duplicate_payment"]
    opened["duplicate_payment"] = case_id
    return agent, opened


@pytest.mark.slow
def test_the_list_filters_by_reason(cases):
    agent, opened = cases
    for reason, case_id in opened.items():
        listed = agent.get(f"/api/v1/aftersales?reason={reason}").get_json()
        assert [c["case_id"] for c in listed["cases"]] == [case_id] and listed["total"] == 1, reason
    assert agent.get("/api/v1/aftersales?reason=size_fit").get_json()["total"] == 0
    both = agent.get("/api/v1/aftersales?reason=quality&type=refund_only").get_json()
    assert both["total"] == 0
    assert agent.get("/api/v1/aftersales").get_json()["total"] == 3  # no reason: every case, as before


@pytest.mark.parametrize("value", ["nope", "QUALITY", "quality;", "x" * 49, "质量"])
@pytest.mark.slow
def test_an_unknown_reason_is_a_400_naming_reason(cases, value):
    agent, _opened = cases
    response = agent.get(f"/api/v1/aftersales?reason={quote(value)}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_query", "reason")
    if value == "nope":
        assert all(reason in error["message"] for reason in CASE_REASONS)


def test_an_empty_reason_is_no_filter(cases):
    agent, _opened = cases
    assert agent.get("/api/v1/aftersales?reason=").get_json()["total"] == 3


def test_the_openapi_document_lists_the_reasons(any_api):
    spec = any_api.get("/api/v1/openapi.json").get_json()
    names = [p.get("name") or p.get("$ref", "").rsplit("/", 1)[-1]
             for p in spec["paths"]["/api/v1/aftersales"]["get"]["parameters"]]
    assert "CaseReason" in names
    assert spec["components"]["parameters"]["CaseReason"]["schema"]["enum"] == list(CASE_REASONS)


def test_open_lists_what_the_queue_page_counts_and_all_lists_every_case(cases):
    """Probe 14: the queue page's default ("Open cases", ?status=open) had no API form: open and all were 400."""
    agent, opened = cases
    cancelled = agent.post(f"/api/v1/aftersales/{opened['wrong_item']}/cancel", json={"reason": "buyer withdrew"})
    assert cancelled.status_code == 200, cancelled.get_json()
    still_open = agent.get("/api/v1/aftersales?status=open").get_json()
    assert sorted(c["case_id"] for c in still_open["cases"]) == sorted([opened["quality"], opened["duplicate_payment"]])
    page = agent.get("/aftersales?status=open").get_data(as_text=True)
    assert opened["wrong_item"] not in page and opened["quality"] in page
    assert agent.get("/api/v1/aftersales?status=all").get_json()["total"] == 3
    assert agent.get("/api/v1/aftersales?status=cancelled").get_json()["total"] == 1
