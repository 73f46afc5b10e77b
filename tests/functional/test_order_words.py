"""What an order's buyer and auditor read: the notice of an expired held order says what happened, auditor edits are
their own history action, and field paths and payment methods are labels, not codes (issue 10, item 24 and leftovers).
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from orders import history
from orders.expiry import sweep
from orders.models import Order
from tests.functional.test_chinese_labels import visible_text
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def live(api):
    """Return a live broadcast selling A1 (¥99, 5 units)."""
    api.product("A1", stock=5, price="99.00")
    return api.live_broadcast(title="春茶", skus=("A1",))


@pytest.fixture
def auditor(app, users):
    """Return a Chinese-speaking auditor's client and the CSRF header its writes carry."""
    with app.app_context():
        db.session.scalar(db.select(User).where(User.username == "auditor")).locale = "zh_CN"
        db.session.commit()
    client = login(app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def _place(api, broadcast_id, order_id, phone="13812345678") -> dict:
    event = order_event("A1", 1, order_id=order_id)
    event["buyer"]["phone"] = phone
    return api.events(broadcast_id, [event]).get_json()["results"][0]["order"]


def _notices(api, order_id) -> dict[str, dict]:
    return {n["kind"]: n["message"] for n in api.get(f"/api/v1/orders/{order_id}").get_json()["notices"]}


def test_a_held_order_that_expires_tells_the_buyer_it_was_not_confirmed_in_time_not_unpaid(app, api, live):
    assert _place(api, live, "HELD", phone=None)["status"] == "held"
    assert _place(api, live, "UNPAID")["status"] == "accepted"
    with app.app_context():
        assert sweep(db.session, utcnow() + timedelta(minutes=16)) == 2
    held = _notices(api, "HELD")["expired"]
    assert "not paid" not in held["en"] and "未按时支付" not in held["zh-CN"]
    assert "was not confirmed in time" in held["en"] and "released" in held["en"]
    assert "未能及时确认" in held["zh-CN"] and "已释放" in held["zh-CN"]
    unpaid = _notices(api, "UNPAID")["expired"]
    assert "not paid in time" in unpaid["en"] and "未按时支付" in unpaid["zh-CN"]


def test_an_auditor_edit_is_an_edit_in_the_history_with_its_values_and_a_label(api, live, auditor):
    _place(api, live, "FIX", phone="12345")
    client, headers = auditor
    edited = client.patch("/api/v1/orders/FIX", headers=headers,
                          json={"buyer": {"phone": "13912345678"}, "reason": "买家回复了"})
    assert edited.status_code == 200, edited.get_json()
    rows = client.get("/api/v1/orders/FIX").get_json()["history"]
    edit = next(row for row in rows if (row["data"] or {}).get("changes"))
    assert edit["action"] == "edit"
    assert edit["data"]["changes"] == [{"field": "buyer.phone", "before": "12345", "after": "13912345678"}]
    page = client.get("/orders/FIX").get_data(as_text=True)
    table = visible_text(page[page.index('id="history"'):])
    assert "修改订单" in table, table
    assert "手机号" in table and "5678" in table, table
    assert "buyer.phone" not in table and not re.search(r"\bedit\b", table)


def test_an_edit_recorded_as_a_note_before_still_reads_with_labels(app, api, live, auditor):
    _place(api, live, "OLD")
    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.order_id == "OLD"))
        history.note_added(db.session, order, "auditor", "旧记录", data={
            "fields": ["buyer.name"], "changes": [{"field": "buyer.name", "before": "李四", "after": "张三"}]})
        db.session.commit()
    client, _headers = auditor
    page = client.get("/orders/OLD").get_data(as_text=True)
    table = visible_text(page[page.index('id="history"'):])
    assert "李四" in table and "张三" in table and "姓名" in table and "buyer.name" not in table


def test_finding_fields_and_payment_methods_are_labels_on_a_chinese_order_page(api, live, auditor):
    _place(api, live, "NOPHONE", phone=None)
    _place(api, live, "PAID")
    pay = {"id": "pay-1", "type": "payment", "ts": now_iso(), "order_id": "PAID", "status": "paid", "amount": "99.00",
           "method": "wechat_pay"}
    assert api.events(live, [pay]).get_json()["results"][0]["order"]["status"] == "paid"
    client, _headers = auditor
    held = visible_text(client.get("/orders/NOPHONE").get_data(as_text=True))
    assert "buyer.phone" not in held and "手机号" in held
    paid = visible_text(client.get("/orders/PAID").get_data(as_text=True))
    assert "wechat_pay" not in paid and "微信支付" in paid
