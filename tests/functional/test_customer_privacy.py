"""Privacy of customer records (issue 15, PIPL arts. 45 and 47): export of one buyer's data (logged) and erasure
of their contact data that leaves every total intact."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import PiiAccessLog
from app.extensions import db
from live.models import EventLog
from orders.customers.retention import TOMBSTONE
from orders.models import Order, OrderHistory
from orders.notices.models import BuyerNotice
from tests.support.auth import csrf_token, login
from tests.support.customers import place, recalc, refund


@pytest.fixture
def buyer(app, api, users):
    """Buyer B-9 (张三, 13812345678) with a paid order of ¥198 refunded ¥50 and an unpaid one; another buyer B-10."""
    api.product("A1", stock=100, price="99.00")
    broadcast = api.live_broadcast(title="Spring tea", skus=("A1",))
    place(api, broadcast, "E-1", "B-9", qty=2)
    place(api, broadcast, "E-2", "B-9", paid=False)
    place(api, broadcast, "E-3", "B-10", name="李四", phone="13900001111")
    refund(app, "E-1", "50.00")
    with app.app_context():  # a notice whose text quotes the buyer (as a free-text reply could)
        order = db.session.scalar(sa.select(Order).where(Order.order_id == "E-1"))
        db.session.add(BuyerNotice(order_pk=order.id, kind="custom", dedupe="t", message={
            "en": "Hello 张三, we call you at 13812345678", "zh-CN": "张三您好"}, payload={"buyer": {"name": "张三"}}))
        db.session.commit()
    recalc(app)
    return "B-9"


def client_of(app, role: str):
    """Return (client, headers) of a logged-in user of role."""
    client = login(app, role)
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def totals(api, buyer_id: str) -> tuple:
    """Return what erasure must keep: order count, paid GMV, refunded, paid orders, tier, RFM score."""
    body = api.get(f"/api/v1/customers/{buyer_id}").get_json()
    return (body["order_count"], body["paid_gmv"], body["refunded"], body["totals"]["paid_orders"], body["tier"],
            body["rfm"]["score"])


def test_erasure_removes_contact_everywhere_and_leaves_totals_intact(app, api, buyer):
    before = totals(api, buyer)
    assert before[:4] == (2, "198.00", "50.00", 1)
    admin, headers = client_of(app, "admin")
    response = admin.post(f"/api/v1/customers/{buyer}/erase", json={"confirm": buyer, "reason": "asked by phone"},
                          headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["erased"] == {"orders": 2, "history": 0, "notices": 1}
    assert totals(api, buyer) == before
    recalc(app)
    assert totals(api, buyer) == before  # a recalculation after the erasure adds up the same
    with app.app_context():
        for order in db.session.scalars(sa.select(Order).where(Order.buyer_id == buyer)):
            assert (order.buyer_name, order.buyer_phone, order.address_detail) == (TOMBSTONE,) * 3
            assert order.buyer_phone_normalized is None and order.address_city == "杭州市"
            assert order.paid_amount is not None or order.order_id == "E-2"
        other = db.session.scalar(sa.select(Order).where(Order.order_id == "E-3"))
        assert other.buyer_phone == "13900001111"  # another buyer keeps theirs
        events = db.session.scalars(sa.select(EventLog.payload).where(
            EventLog.type == "order", EventLog.order_id.in_(["E-1", "E-2"]))).all()
        assert len(events) == 2
        for payload in events:
            assert payload["buyer"]["name"] == TOMBSTONE and payload["buyer"]["phone"] == TOMBSTONE
        notice = db.session.scalar(sa.select(BuyerNotice).where(BuyerNotice.kind == "custom"))
        text = repr((notice.message, notice.payload))
        assert "张三" not in text and "13812345678" not in text
        actions = db.session.scalars(sa.select(OrderHistory.actor).where(OrderHistory.action == "contact_erased")).all()
        assert actions == ["admin", "admin"]
        logged = db.session.scalar(sa.select(PiiAccessLog).where(PiiAccessLog.channel == "erasure"))
        assert logged.buyer_id == buyer and logged.subject == f"customer:douyin:{buyer}"
    record = api.get(f"/api/v1/customers/{buyer}").get_json()
    assert record["erased_at"] is not None and record["name"] == TOMBSTONE
    assert record["contact"]["phone"] == TOMBSTONE and record["events"][0]["kind"] == "contact_erased"
    assert "13812345678" not in admin.get(f"/customers/{buyer}").get_data(as_text=True)
    assert admin.get(f"/orders?q=13812345678").status_code == 200


def test_erasure_needs_the_buyer_id_typed_and_changes_nothing_otherwise(app, api, buyer):
    admin, headers = client_of(app, "admin")
    for body in ({}, {"confirm": "B-10"}, {"confirm": buyer.lower()}):
        response = admin.post(f"/api/v1/customers/{buyer}/erase", json=body, headers=headers)
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "confirm"
    assert admin.post("/api/v1/customers/NOBODY/erase", json={"confirm": "NOBODY"}, headers=headers).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(Order.buyer_phone).where(Order.order_id == "E-1")) == "13812345678"


@pytest.mark.parametrize("role", ["auditor", "aftersales", "host"])
def test_only_admins_may_erase(app, api, buyer, role):
    client, headers = client_of(app, role)
    assert client.post(f"/api/v1/customers/{buyer}/erase", json={"confirm": buyer}, headers=headers).status_code == 403
    assert api.post(f"/api/v1/customers/{buyer}/erase", json={"confirm": buyer}).status_code == 403


def test_an_export_holds_the_buyers_data_in_full_and_is_logged(app, api, buyer):
    agent, _headers = client_of(app, "aftersales")
    response = agent.get(f"/api/v1/customers/{buyer}/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="customer-douyin-{buyer}.json"'
    document = response.get_json()
    assert document["format"] == "livedesk-customer-export/1" and document["buyer_id"] == buyer
    assert [o["order_id"] for o in document["orders"]] == ["E-1", "E-2"]
    assert document["orders"][0]["buyer"]["phone"] == "13812345678"  # in full: it is the buyer's own copy
    assert document["totals"]["refunded"] == "50.00" and document["orders"][0]["history"]
    assert any(n["kind"] == "custom" for n in document["notices"])
    assert "E-3" not in response.get_data(as_text=True)
    with app.app_context():
        logged = db.session.scalars(sa.select(PiiAccessLog.channel).where(PiiAccessLog.buyer_id == buyer)).all()
        assert logged == ["export"]


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("auditor", 200), ("aftersales", 200), ("host", 403),
                                              ("moderator", 403), ("analyst", 403)])
def test_the_export_is_for_the_pii_roles_only(app, api, buyer, role, status):
    client, _headers = client_of(app, role)
    assert client.get(f"/api/v1/customers/{buyer}/export").status_code == status
    assert api.get(f"/api/v1/customers/{buyer}/export").status_code == 403


def test_erasure_reaches_what_the_buyer_wrote_to_care_and_after_sales(app, api, buyer):
    from datetime import timedelta

    from app.db import utcnow
    from orders.aftersales.models import AftersaleCase, CaseEvent
    from orders.care.complaints.models import Complaint, ComplaintEvent
    from orders.care.followups.models import FollowUpTask
    from orders.care.surveys.models import SurveyInvitation, SurveyResponse

    agent, headers = client_of(app, "aftersales")
    wrote = "张三 here, call me on 13812345678 or 138 0000 1234"
    complaint = agent.post("/api/v1/complaints", json={"text": wrote, "channel": "back_office",
                                                      "category": "product_quality", "order_id": "E-1"},
                           headers=headers)
    assert complaint.status_code == 201, complaint.get_json()
    other = agent.post("/api/v1/complaints", json={"text": "李四 13900001111", "channel": "back_office",
                                                  "category": "product_quality", "order_id": "E-3"}, headers=headers)
    assert other.status_code == 201, other.get_json()
    task = agent.post("/api/v1/followups", json={"buyer_id": buyer, "note": "回访 13700001234"}, headers=headers)
    assert task.status_code == 201, task.get_json()
    case = agent.post("/api/v1/orders/E-1/aftersales", json={"type": "refund_only", "reason": "other", "note": wrote},
                      headers=headers)
    assert case.status_code == 201, case.get_json()
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.order_id == "E-1"))
        invitation = SurveyInvitation(kind="csat", trigger="delivery", subject_key=str(order.id), order_pk=order.id,
                                      buyer_id=buyer, broadcast_id=order.broadcast_id,
                                      expires_at=utcnow() + timedelta(days=7))
        db.session.add(invitation)
        db.session.flush()
        db.session.add(SurveyResponse(invitation_id=invitation.id, kind="csat", score=2, comment=wrote))
        db.session.commit()
    admin, admin_headers = client_of(app, "admin")
    response = admin.post(f"/api/v1/customers/{buyer}/erase", json={"confirm": buyer, "reason": "asked"},
                          headers=admin_headers)
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        texts = repr([
            db.session.execute(sa.select(Complaint.text, Complaint.resolution).where(
                Complaint.buyer_id == buyer)).all(),
            db.session.execute(sa.select(ComplaintEvent.note, ComplaintEvent.data)).all(),
            db.session.execute(sa.select(FollowUpTask.note).where(FollowUpTask.buyer_id == buyer)).all(),
            db.session.execute(sa.select(AftersaleCase.note)).all(),
            db.session.execute(sa.select(CaseEvent.reason, CaseEvent.data)).all(),
            db.session.execute(sa.select(SurveyResponse.comment, SurveyResponse.score)).all(),
        ])
        for secret in ("张三", "13812345678", "138 0000 1234", "13700001234"):
            assert secret not in texts
        assert texts.count(TOMBSTONE) >= 5 and "here, call me on" in texts and ", 2)" in texts  # score kept
        kept = db.session.scalar(sa.select(Complaint.text).where(Complaint.buyer_id == "B-10"))
        assert kept == "李四 13900001111"  # another buyer's complaint is untouched
