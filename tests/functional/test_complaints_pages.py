"""Complaint pages (issue 15): the queue by time to breach with countdowns and filters, the complaint page with the
agent's forms, the cause report and its CSV, the SLA policy, the panels on the order and customer pages; hostile
text is shown as text, Chinese is complete, and roles see only what they may do."""
from __future__ import annotations

import csv
import io

import pytest

from tests.functional.test_complaints_api import Agent, register, shop  # noqa: F401  fixtures

HOSTILE = '<script>alert("x")</script> =HYPERLINK("http://evil")'


@pytest.fixture
def agent(app, users):
    """Return the after-sales agent's API caller."""
    return Agent(app, "aftersales")


def html(agent: Agent, path: str, **headers) -> str:
    """Return the page's HTML after asserting it opened."""
    response = agent.client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_queue_shows_each_open_complaint_with_a_countdown_and_hostile_text_as_text(shop, agent):
    complaint = register(agent, text=HOSTILE)
    page = html(agent, "/complaints")
    assert f'data-complaint-id="{complaint["complaint_id"]}"' in page
    assert f'data-due="{complaint["first_response_due_at"]}"' in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert 'id="complaint-counts"' in page and "complaints/queue.js" in page
    assert "No complaint matches these filters." in html(agent, "/complaints?status=closed")
    assert agent.client.get("/complaints?status=teleported").status_code == 400


def test_the_complaint_page_offers_the_agent_forms_but_not_to_readers(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    page = html(agent, f"/complaints/{complaint_id}")
    assert 'id="resolve-form"' in page and 'data-move="acknowledge"' in page and 'id="triage-form"' in page
    host_page = html(Agent(app, "host"), f"/complaints/{complaint_id}")
    assert 'id="resolve-form"' not in host_page and "data-move" not in host_page
    assert Agent(app, "analyst").client.get(f"/complaints/{complaint_id}").status_code == 403
    assert agent.client.get("/complaints/CP-NOPE").status_code == 404


def test_the_complaint_pages_read_in_chinese(shop, agent):
    complaint_id = register(agent)["complaint_id"]
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    queue = html(agent, "/complaints", **zh)
    assert "投诉" in queue and "下一个目标" in queue and "Next target" not in queue
    page = html(agent, f"/complaints/{complaint_id}", **zh)
    assert "原因分析与处理方案" in page and "给买家的反馈" in page and "Feedback to the buyer" not in page
    assert "投诉原因分析" in html(agent, "/complaints/report", **zh)
    assert "工作日历" in html(agent, "/complaints/sla", **zh)


def test_the_order_page_lists_its_complaints_and_lets_agents_register_one(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    page = html(agent, "/orders/O-1")
    assert complaint_id in page and 'id="order-complaint-form"' in page and 'data-order-id="O-1"' in page
    auditor_page = html(Agent(app, "auditor"), "/orders/O-1")
    assert complaint_id in auditor_page and 'id="order-complaint-form"' not in auditor_page
    assert "order-complaint-form-panel" not in html(Agent(app, "moderator"), "/orders/O-1")


def test_the_customer_page_lets_agents_register_a_complaint(shop, agent):
    _broadcast, buyer = shop
    page = html(agent, f"/customers/{buyer}")
    assert 'id="customer-complaint-form"' in page and f'data-buyer-id="{buyer}"' in page


def test_the_cause_report_groups_by_cause_and_exports_a_formula_safe_csv(shop, agent):
    first = register(agent, category="product_quality")["complaint_id"]
    second = register(agent, category="product_quality")["complaint_id"]
    register(agent)
    for complaint_id, note in ((first, HOSTILE), (second, "check seams before packing")):
        agent.post(f"/api/v1/complaints/{complaint_id}/resolve", {
            "root_cause": "quality_control", "resolution": "refunded", "feedback": "sorry",
            "actions": ["apology_coupon", {"kind": "process_change", "note": note}]})
    report = agent.get("/api/v1/complaints/report").get_json()
    assert report["totals"]["complaints"] == 3 and report["totals"]["by_category"] == {"product_quality": 2,
                                                                                       "logistics": 1}
    quality = next(line for line in report["lines"] if line["category"] == "product_quality")
    assert (quality["complaints"], quality["resolved"], quality["apology_coupon"], quality["process_change"]) == (
        2, 2, 2, 2)
    assert quality["sku"] == "A1" and quality["product"] == "Product A1" and "check seams" in quality["lessons"]
    response = agent.client.get("/complaints/report.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    lessons = next(row["lessons"] for row in rows if row["category"] == "product_quality")
    assert lessons.startswith("'<script>") or lessons.startswith("<script>")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert "No complaint in this period." in html(agent, "/complaints/report?from=2020-01-01&to=2020-01-31")
    assert agent.client.get("/complaints/report?from=2026-02-01&to=2026-01-01").status_code == 400
    assert agent.get("/api/v1/complaints/report?from=2020-01-01&to=2022-01-01").status_code == 400


def test_the_sla_page_is_edited_by_admins_and_read_by_others(app, users):
    admin_page = html(Agent(app, "admin"), "/complaints/sla")
    assert "complaints/sla.js" in admin_page and "disabled" not in admin_page.split('id="sla-form"')[1][:80]
    agent_page = html(Agent(app, "aftersales"), "/complaints/sla")
    assert "complaints/sla.js" not in agent_page and 'fieldset class="bare stack" disabled' in agent_page


def test_the_moderator_console_offers_to_escalate_a_message(app, shop, agent):
    broadcast_id, _buyer = shop
    page = html(Agent(app, "moderator"), f"/broadcasts/{broadcast_id}/moderation")
    assert "complaints/escalate.js" in page and "Escalate as complaint" in page


def test_the_nav_links_to_complaints_for_those_who_may_read_them(app, users):
    assert 'href="/complaints"' in html(Agent(app, "aftersales"), "/settings")
    assert 'href="/complaints"' in html(Agent(app, "host"), "/settings")
    assert 'href="/complaints"' not in html(Agent(app, "analyst"), "/settings")
