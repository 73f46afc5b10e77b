"""Follow-up (回访) tasks (issue 15): opened after delivery (by the delivery rule), a closed case, a resolved
complaint and a low rating, and by hand; round-robin assignment; done once with an outcome; the page and API."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from orders.care.followups.models import FollowUpTask
from orders.care.followups.queries import followups_of_buyer
from orders.care.surveys.queries import surveys_of_buyer
from orders.models import OrderHistory
from tests.support import survey_rows as rows
from tests.support.auth import csrf_token, login


def tasks() -> list[FollowUpTask]:
    return list(db.session.scalars(sa.select(FollowUpTask).order_by(FollowUpTask.id)))


def user_id(name: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.username == name))


@pytest.fixture
def agent(app, users):
    """Return a client logged in as the after-sales agent, with its CSRF header."""
    client = login(app, "aftersales")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def test_a_first_delivery_and_a_large_order_get_a_follow_up_a_small_repeat_order_does_not(app, users):
    with app.app_context():
        b = rows.broadcast().id
        first = rows.paid_order(b, buyer_id="B-1", total="20.00")
        rows.deliver(first)
        small = rows.paid_order(b, buyer_id="B-1", total="20.00")
        rows.deliver(small)
        large = rows.paid_order(b, buyer_id="B-1", total="500.00")
        rows.deliver(large)
        found = [(t.source, t.order_pk, t.assignee_id, (t.due_at - first.delivered_at).days) for t in tasks()]
        assert [f[:3] for f in found] == [("delivery", first.id, user_id("aftersales")),
                                         ("delivery", large.id, user_id("aftersales"))]
        assert found[0][3] == 3


def test_the_delivery_rule_can_cover_every_order_or_none(app, users):
    app.config["FOLLOWUP_DELIVERY_MODE"] = "none"
    with app.app_context():
        rows.deliver(rows.paid_order(rows.broadcast().id, total="9999.00"))
        assert tasks() == []
    app.config["FOLLOWUP_DELIVERY_MODE"] = "all"
    with app.app_context():
        b = rows.broadcast().id
        for _ in range(2):
            rows.deliver(rows.paid_order(b, buyer_id="B-2", total="1.00"))
        assert len(tasks()) == 2


def test_redelivery_opens_one_task(any_app):
    with any_app.app_context():
        order = rows.paid_order(rows.broadcast().id)
        rows.deliver(order)
        rows.deliver(order)
        assert len(tasks()) == 1


def test_cases_and_complaints_open_one_task_each_linked_to_them(app, users):
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-3", total="1.00")
        rows.close_case(order, case_id=5, reason="size_fit")
        rows.close_case(order, case_id=5, reason="size_fit")
        rows.resolve_complaint(order, complaint_id=8, category="logistics")
        rows.resolve_complaint(order, complaint_id=8, category="logistics")
        rows.resolve_complaint(order, complaint_id=8, category="logistics", reopen_count=1)  # reopened, resolved again
        rows.resolve_complaint(None, complaint_id=9, buyer_id="B-9")
        found = [(t.source, t.source_key, t.aftersale_case_id, t.complaint_id, t.buyer_id) for t in tasks()]
        assert found == [("case", "5", 5, None, "B-3"), ("complaint", "8", None, 8, "B-3"),
                         ("complaint", "8:1", None, 8, "B-3"), ("complaint", "9", None, 9, "B-9")]


def test_a_low_rating_after_a_complaint_opens_a_task_linked_to_the_complaint(app, users):
    from orders.care.surveys.answers import record_answer
    from orders.care.surveys.models import SurveyInvitation
    from app.db import utcnow

    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-4")
        rows.resolve_complaint(order, complaint_id=21)
        invitation = db.session.scalar(sa.select(SurveyInvitation))
        response = record_answer(db.session, invitation, 1, None, None, utcnow())
        db.session.commit()
        survey_task = [t for t in tasks() if t.source == "survey"]
        assert [(t.complaint_id, t.response_id, t.note) for t in survey_task] == [(21, response.id, None)]
        assert (survey_task[0].due_at - survey_task[0].created_at).days == 1


def test_tasks_go_round_the_after_sales_agents_least_loaded_first(app, users):
    with app.app_context():
        db.session.add(User(username="agent2", password_hash="x", role="aftersales"))
        db.session.add(User(username="gone", password_hash="x", role="aftersales", disabled_at=rows.days_ago(1)))
        db.session.commit()
        b = rows.broadcast().id
        for n in range(4):
            rows.deliver(rows.paid_order(b, buyer_id=f"R-{n}"))
        counts = {}
        for task in tasks():
            counts[task.assignee_id] = counts.get(task.assignee_id, 0) + 1
        assert counts == {user_id("aftersales"): 2, user_id("agent2"): 2}


def test_an_agent_marks_a_task_done_once_with_its_outcome(app, agent):
    client, headers = agent
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-5")
        rows.deliver(order)
        task_id, order_pk = tasks()[0].id, order.id
    mine = client.get("/api/v1/followups").get_json()
    assert [t["id"] for t in mine["followups"]] == [task_id] and mine["counts"]["mine"] == 1
    done = client.post(f"/api/v1/followups/{task_id}/done", json={"outcome": "Called: all good"}, headers=headers)
    body = done.get_json()
    assert done.status_code == 200 and (body["status"], body["outcome"], body["closed_by"]) == (
        "done", "Called: all good", "aftersales")
    again = client.post(f"/api/v1/followups/{task_id}/done", json={"outcome": "twice"}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"
    assert client.post("/api/v1/followups/999/done", json={"outcome": "x"}, headers=headers).status_code == 404
    blank = client.post(f"/api/v1/followups/{task_id}/done", json={"outcome": "  "}, headers=headers)
    assert blank.status_code == 400 and blank.get_json()["error"]["field"] == "outcome"
    with app.app_context():
        steps = [(h.action, h.reason) for h in db.session.scalars(
            sa.select(OrderHistory).where(OrderHistory.order_pk == order_pk))]
        assert ("followup_done", "Called: all good") in steps  # the step by its code, the outcome as typed


def _paid_order_id(app, buyer_id: str) -> str:
    """Return the id of a paid order of buyer_id, committed."""
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id=buyer_id)
        db.session.commit()
        return order.order_id


def test_a_follow_up_is_opened_by_hand_for_an_order_or_a_buyer(app, agent):
    client, headers = agent
    order_id = _paid_order_id(app, "B-6")
    made = client.post("/api/v1/followups", json={"order_id": order_id, "note": "Ask about the size",
                                                  "assignee_id": None}, headers=headers)
    body = made.get_json()
    assert made.status_code == 201 and (body["buyer_id"], body["order_id"], body["source"], body["assignee"]) == (
        "B-6", order_id, "manual", None)
    by_buyer = client.post("/api/v1/followups", json={"buyer_id": "B-6", "due_at": "2030-01-01T00:00:00Z"},
                           headers=headers)
    assert by_buyer.status_code == 400 and by_buyer.get_json()["error"]["field"] == "due_at"
    ok = client.post("/api/v1/followups", json={"buyer_id": "B-6"}, headers=headers).get_json()  # known: B-6's order
    assert ok["assignee"] == "aftersales" and ok["order_id"] is None
    for bad, field in (({}, "buyer_id"), ({"order_id": "NOPE"}, "order_id"),
                       ({"order_id": order_id, "buyer_id": "B-8"}, "buyer_id"),
                       ({"buyer_id": "B-6", "assignee_id": 2}, "assignee_id"), ({"buyer_id": "x" * 65}, "buyer_id")):
        response = client.post("/api/v1/followups", json=bad, headers=headers)
        assert response.status_code in (400, 404) and response.get_json()["error"]["field"] == field, bad
    cancelled = client.post(f"/api/v1/followups/{ok['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"


def test_the_page_lists_overdue_tasks_and_marks_one_done_with_hostile_text_shown_as_text(app, agent):
    client, _headers = agent
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-<i>9</i>")
        rows.deliver(order)
        task = tasks()[0]
        task.due_at = rows.days_ago(1)
        task.note = "<script>alert(1)</script>"
        db.session.commit()
        task_id = task.id
    html = client.get("/followups?view=overdue").get_data(as_text=True)
    assert f'data-followup-id="{task_id}"' in html and "&lt;script&gt;" in html and "<script>alert" not in html
    assert "B-&lt;i&gt;9&lt;/i&gt;" in html
    response = client.post(f"/followups/{task_id}/done", data={"csrf_token": csrf_token(client, "/followups"),
                                                               "outcome": "Refund explained", "view": "overdue"})
    assert response.status_code == 302 and "view=overdue" in response.headers["Location"]
    closed = client.get("/followups?view=done").get_data(as_text=True)
    assert "Refund explained" in closed and 'data-status="done"' in closed


def test_the_customer_page_can_read_a_buyers_surveys_and_follow_ups(app, users):
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-10", total=str(Decimal("600")))
        rows.deliver(order)
        surveys = surveys_of_buyer(db.session, "B-10")
        followups = followups_of_buyer(db.session, "B-10")
        assert [(s["kind"], s["trigger"], s["state"], s["order_id"]) for s in surveys] == [
            ("csat", "delivery", "open", order.order_id)]
        assert [(f["source"], f["status"], f["order_id"]) for f in followups] == [("delivery", "open", order.order_id)]
        assert surveys_of_buyer(db.session, "nobody") == [] and followups_of_buyer(db.session, "nobody") == []


def test_the_page_opens_a_follow_up_by_hand_and_refuses_a_date_years_away(app, agent):
    client, _headers = agent
    order_id = _paid_order_id(app, "B-11")
    token = csrf_token(client, "/followups")
    far = client.post("/followups", data={"csrf_token": token, "order_id": order_id, "due": "2999-01-01"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Not saved: check the due date" in far
    made = client.post("/followups", data={"csrf_token": token, "order_id": order_id, "assignee": "none",
                                           "note": "问尺码"}, follow_redirects=True).get_data(as_text=True)
    assert "opened." in made and "问尺码" in made and "nobody yet" in made
    with app.app_context():
        [task] = tasks()
        assert (task.source, task.buyer_id, task.assignee_id, task.created_by) == ("manual", "B-11", None, "aftersales")


def test_a_call_back_a_returned_parcel_cancelled_reads_in_the_pages_language(app, agent):
    from app.db import utcnow
    from orders.care.followups.actions import cancel_delivery_followup

    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-9", total="20.00")
        rows.deliver(order)
        assert cancel_delivery_followup(db.session, order, utcnow()) is not None
        db.session.commit()
    client, _headers = agent
    page = client.get("/followups?view=done", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "包裹妥投后被退回寄件人。" in page and "went back to the sender" not in page
    english = client.get("/followups?view=done", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The parcel went back to the sender after its delivery." in english


def test_a_due_date_typed_on_the_page_ends_in_the_agents_zone(app, agent):
    """Probe 3 of session 15: 2026-12-09 typed in Shanghai was stored as 23:59 UTC, shown as 12-10 07:59."""
    from datetime import date, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    client, _headers = agent
    order_id = _paid_order_id(app, "B-12")
    client.set_cookie("livedesk_tz", "Asia%2FShanghai")
    day = date.today() + timedelta(days=3)
    token = csrf_token(client, "/followups")
    client.post("/followups", data={"csrf_token": token, "order_id": order_id, "due": day.isoformat()})
    with app.app_context():
        [task] = tasks()
        due = task.due_at if task.due_at.tzinfo else task.due_at.replace(tzinfo=timezone.utc)
    shanghai = datetime(day.year, day.month, day.day, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert due == shanghai.astimezone(timezone.utc)
