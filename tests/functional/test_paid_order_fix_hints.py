"""The audit queue and the order page tell the auditor what they can do with a held order the buyer paid whose SKU
is unknown: its items cannot be fixed any more, so the page says reject (which refunds), not "fix the SKU"
(probe 13, item 3)."""
from __future__ import annotations

import json

import pytest

from app.auth.models import User
from app.extensions import db
from tests.support import databases
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login

FIX = "Line 1: SKU MASK-01-XX is not in the catalogue — fix the SKU"
PAID = "Line 1: SKU MASK-01-XX is not in the catalogue — the buyer paid: reject to cancel and refund"


@pytest.fixture
def held(app, api):
    """Return the API client after posting two held orders of the unknown SKU MASK-01-XX, PAID-X paid and UNPAID-X
    not."""
    api.product("TEA", stock=5, price="80.00")
    broadcast_id = api.live_broadcast(skus=("TEA",))
    for order_id in ("PAID-X", "UNPAID-X"):
        event = order_event("MASK-01-XX", 1, order_id=order_id, unit_price="80.00")
        assert api.events(broadcast_id, [event]).get_json()["results"][0]["order"]["status"] == "held"
    payment = {"id": "pay-PAID-X", "type": "payment", "ts": now_iso(), "order_id": "PAID-X", "status": "paid",
               "amount": "80.00", "method": "alipay"}
    assert api.events(broadcast_id, [payment]).get_json()["results"][0]["status"] == "accepted"
    databases.create_users(app)
    return api


def test_the_order_page_of_a_paid_order_says_reject_and_refund_because_its_items_cannot_be_fixed(app, held):
    client = login(app, "auditor")
    answer = client.patch("/api/v1/orders/PAID-X", json={"items": [{"sku": "TEA"}], "reason": "x"},
                          headers={"X-CSRFToken": csrf_token(client, "/")})
    assert answer.status_code == 409  # the hint's old advice could not be followed

    paid = client.get("/orders/PAID-X").get_data(as_text=True)
    assert PAID in paid and "fix the SKU" not in paid
    assert FIX in client.get("/orders/UNPAID-X").get_data(as_text=True)


def test_the_paid_hint_reads_in_chinese(app, held):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="auditor"))
        user.locale = "zh_CN"
        db.session.commit()
    page = login(app, "auditor").get("/orders/PAID-X").get_data(as_text=True)
    assert "第 1 行：商品编码 MASK-01-XX 不在商品库 — 买家已付款：拒绝订单即取消并退款" in page
    assert "修改商品编码" not in page


def test_the_queue_page_gives_its_rows_the_paid_reasons(app, held):
    client = login(app, "auditor")
    html = client.get("/audit").get_data(as_text=True)
    config = json.loads(html.split('id="config">', 1)[1].split("</script>", 1)[0])
    assert config["paidReasonTemplates"]["sku_unknown"] == (
        "Line {line}: SKU {sku} is not in the catalogue — the buyer paid: reject to cancel and refund")
    assert config["reasonTemplates"]["sku_unknown"].endswith("— fix the SKU")
    rows = {o["order_id"]: o for o in client.get("/api/v1/audit/queue").get_json()["orders"]}
    assert rows["PAID-X"]["paid_amount"] == "80.00" and rows["UNPAID-X"]["paid_amount"] is None
