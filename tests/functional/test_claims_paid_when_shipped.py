"""A chat claim whose order was paid stays "paid" while the warehouse packs, ships and delivers it: the claim list,
its filter and the kept counts follow every paid status of the order (orders/totals.py), not "paid" alone."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.models import Order
from tests.functional.test_chat_ingestion import chat, post_chat
from tests.functional.test_claims_drafts import T0, claims, sale  # noqa: F401  (sale: the fixture)
from tests.support.api import order_event


@pytest.mark.parametrize("shipped_status", ["packing", "shipped", "delivered"])
def test_a_paid_claim_stays_paid_as_its_order_is_packed_shipped_and_delivered(any_app, sale, shipped_status):  # noqa: F811
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 1件 2号", T0))
    order = order_event("MUG", 1, order_id="PAID-1", unit_price="20.00", comment_id="c-1")
    order["buyer"]["id"] = "v1"
    paid = {"id": "pay-1", "type": "payment", "ts": order["ts"], "order_id": "PAID-1", "status": "paid",
            "amount": "20.00"}
    assert api.events(broadcast_id, [order, paid]).status_code == 200
    assert claims(api, broadcast_id)["counts"]["paid"] == 1
    with any_app.app_context():  # the warehouse moves it on (orders/fulfilment); the claim's row is not touched
        db.session.execute(sa.update(Order).where(Order.order_id == "PAID-1").values(status=shipped_status))
        db.session.commit()
    body = claims(api, broadcast_id)
    assert (body["counts"]["paid"], body["counts"]["ordered"]) == (1, 0)
    assert [claim["status"] for claim in body["claims"]] == ["paid"]
    assert claims(api, broadcast_id, "paid")["total"] == 1
