"""After-sales pages (issue 14): the queue with its filters and deadlines, the case page, the order page's section,
who may open them and what each role may do there. SQLite, then PostgreSQL (CI=true)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.aftersales.models import AftersaleCase, CaseEvent
from tests.support.aftersales import agent_of, mark_delivered, open_shop, place_paid_order
from tests.support.auth import login


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, agent) with two delivered orders: ORD-1 (TEE ×2) and ORD-2 (CAP ×1)."""
    broadcast_id = open_shop(any_app, any_api)
    agent = agent_of(any_app)
    for order_id, items in (("ORD-1", [("TEE", 2)]), ("ORD-2", [("CAP", 1)])):
        place_paid_order(any_api, broadcast_id, order_id, items)
        mark_delivered(any_app, order_id, utcnow() - timedelta(days=1))
    return any_api, broadcast_id, agent


def open_case(agent, order_id: str, **body) -> dict:
    """Open a case through the API as the agent; return it."""
    response = agent.post(f"/api/v1/orders/{order_id}/aftersales", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def set_deadline(app, case_id: str, deadline) -> None:
    with app.app_context():
        db.session.execute(sa.update(AftersaleCase).where(AftersaleCase.case_id == case_id).values(deadline_at=deadline))
        db.session.commit()


def rows(page: str) -> list[str]:
    return re.findall(r'<tr class="case-row" data-case-id="([^"]+)"', page)


def test_agents_admins_and_auditors_open_the_queue_others_may_not(any_app, shop):
    for role in ("aftersales", "admin", "auditor"):
        assert login(any_app, role).get("/aftersales").status_code == 200, role
    for role in ("host", "moderator", "analyst"):
        assert login(any_app, role).get("/aftersales").status_code == 403, role
    assert any_app.test_client().get("/aftersales").status_code == 302


def test_an_agent_lands_on_the_queue_and_sees_it_in_the_navigation(any_app, shop):
    client = any_app.test_client()
    from tests.support.auth import csrf_token
    response = client.post("/login", data={"username": "aftersales", "password": "password123",
                                           "csrf_token": csrf_token(client)})
    assert response.headers["Location"].endswith("/aftersales")
    assert 'href="/aftersales"' in client.get("/aftersales").get_data(as_text=True)
    assert 'href="/aftersales"' not in login(any_app, "host").get("/").get_data(as_text=True)


def test_the_queue_filters_by_type_reason_status_and_deadline_nearest_deadline_first(any_app, shop):
    _api, broadcast_id, agent = shop
    late = open_case(agent, "ORD-1", type="return_refund", reason="quality", lines=[{"sku": "TEE", "qty": 1}])
    soon = open_case(agent, "ORD-2", type="exchange", reason="size_fit")
    later = open_case(agent, "ORD-1", type="refund_only", reason="other", amount="10.00")
    now = utcnow()
    set_deadline(any_app, late["case_id"], now - timedelta(hours=2))
    set_deadline(any_app, soon["case_id"], now + timedelta(hours=3))
    set_deadline(any_app, later["case_id"], now + timedelta(hours=40))
    client = login(any_app, "aftersales")
    page = client.get("/aftersales").get_data(as_text=True)
    assert rows(page) == [late["case_id"], soon["case_id"], later["case_id"]]
    assert re.search(r'id="overdue-count">1<', page) and re.search(r'id="due-soon-count">1<', page)
    assert "overdue by 2 h 0 min" in page or "overdue by 1 h 59 min" in page
    assert rows(client.get("/aftersales?type=exchange").get_data(as_text=True)) == [soon["case_id"]]
    assert rows(client.get("/aftersales?reason=quality").get_data(as_text=True)) == [late["case_id"]]
    assert rows(client.get("/aftersales?deadline=overdue").get_data(as_text=True)) == [late["case_id"]]
    assert rows(client.get("/aftersales?deadline=due_soon").get_data(as_text=True)) == [soon["case_id"]]
    assert rows(client.get(f"/aftersales?broadcast_id={broadcast_id}&status=requested").get_data(as_text=True)) == [
        late["case_id"], soon["case_id"], later["case_id"]]
    agent.post(f"/api/v1/aftersales/{later['case_id']}/cancel", json={"reason": "buyer changed their mind"})
    assert later["case_id"] not in rows(client.get("/aftersales").get_data(as_text=True))
    assert later["case_id"] in rows(client.get("/aftersales?status=all").get_data(as_text=True))
    assert rows(client.get("/aftersales?status=cancelled").get_data(as_text=True)) == [later["case_id"]]
    for bad in ("type=lease", "reason=%3Cscript%3E", "status=nope", "deadline=yesterday", "broadcast_id=-1", "page=x"):
        assert client.get(f"/aftersales?{bad}").status_code == 400, bad


def test_only_agents_get_claim_buttons_and_an_empty_queue_says_so(any_app, shop):
    _api, _broadcast_id, agent = shop
    page = login(any_app, "aftersales").get("/aftersales").get_data(as_text=True)
    assert 'id="cases-empty"' in page and "No open after-sales case" in page
    open_case(agent, "ORD-2", type="exchange", reason="size_fit")
    assert 'class="neutral btn-sm claim-button"' in login(any_app, "aftersales").get("/aftersales").get_data(as_text=True)
    auditor = login(any_app, "auditor").get("/aftersales").get_data(as_text=True)
    assert "claim-button" not in auditor and "You can read cases" in auditor


def test_the_case_page_shows_lines_timeline_ledger_and_actions_and_escapes_hostile_text(any_app, shop):
    _api, _broadcast_id, agent = shop
    case = open_case(agent, "ORD-1", type="return_refund", reason="quality", lines=[{"sku": "TEE", "qty": 1}],
                     note='<script>alert("x")</script>')
    with any_app.app_context():
        pk = db.session.scalar(sa.select(AftersaleCase.id).where(AftersaleCase.case_id == case["case_id"]))
        db.session.add(CaseEvent(case_pk=pk, action="mirror", actor="platform:douyin", data={
            "photos": ["https://img.example.com/a.jpg", "javascript:alert(1)"]}))
        db.session.commit()
    page = login(any_app, "aftersales").get(f"/aftersales/{case['case_id']}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert re.search(r'<tr data-sku="TEE">.*?>1<', page, re.S)
    assert 'data-open="approve"' in page and 'data-open="reject"' in page and 'data-open="refund"' not in page
    assert 'id="ledger-available"><strong>¥198.00<' in page
    assert '<a href="https://img.example.com/a.jpg" target="_blank" rel="noopener noreferrer">' in page
    assert 'href="javascript:' not in page and "<img" not in page.split('id="photos"')[1].split("</ul>")[0]
    assert re.search(r'data-action="open".*?opened', page, re.S)
    auditor = login(any_app, "auditor").get(f"/aftersales/{case['case_id']}").get_data(as_text=True)
    assert "data-open=" not in auditor and 'id="dialog-approve"' not in auditor
    assert login(any_app, "aftersales").get("/aftersales/AS-NOPE").status_code == 404


def test_the_order_page_lists_cases_and_lets_agents_open_one(any_app, shop):
    _api, _broadcast_id, agent = shop
    case = open_case(agent, "ORD-1", type="return_refund", reason="quality", lines=[{"sku": "TEE", "qty": 1}])
    page = login(any_app, "aftersales").get("/orders/ORD-1").get_data(as_text=True)
    assert 'id="aftersales"' in page and f'href="/aftersales/{case["case_id"]}"' in page
    assert 'id="open-case-form"' in page and 'data-sku="TEE"' in page
    auditor = login(any_app, "auditor").get("/orders/ORD-1").get_data(as_text=True)
    assert f'href="/aftersales/{case["case_id"]}"' in auditor and 'id="open-case-form"' not in auditor
    host = login(any_app, "host").get("/orders/ORD-1").get_data(as_text=True)
    assert 'id="aftersales"' not in host and "/aftersales/" not in host
    fresh = login(any_app, "admin").get("/orders/ORD-2").get_data(as_text=True)
    assert 'id="no-cases"' in fresh and 'id="open-case-form"' in fresh
