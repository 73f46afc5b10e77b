"""Exchanges send another size or colour of the returned product, never another product (as Douyin 抖店 and TikTok
Shop allow 换货 only within a product); a parcel returned to its sender after its delivery scan leaves the order
undelivered, and what counts from a delivery stops counting it.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.care.followups.models import FollowUpTask
from orders.models import Order, OrderHistory, StockLevel
from tests.support.aftersales import agent_of, open_shop, place_paid_order, ship
from tests.support.fulfilment import neutral


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, agent): TEE and CAP (no variants) and SHOE in sizes 38, 39 and 40."""
    broadcast_id = open_shop(any_app, any_api)
    any_api.product("SHOE", stock=0, variants=[{"sku": f"SHOE-{size}", "name": str(size), "stock": 10}
                                               for size in (38, 39, 40)])
    assert any_api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "SHOE"}).status_code == 201
    return any_api, broadcast_id, agent_of(any_app)


def stock(app, sku: str) -> tuple[int, int]:
    with app.app_context():
        return tuple(db.session.execute(sa.select(StockLevel.available, StockLevel.sold)
                                        .where(StockLevel.sku == sku)).one())


def received_exchange(shop, items, lines) -> str:
    """Return the id of an exchange case of order EX-1 (items shipped) whose returned lines were received."""
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "EX-1", items)
    ship(agent, "EX-1")
    opened = agent.post("/api/v1/orders/EX-1/aftersales", json={"type": "exchange", "reason": "size_fit",
                                                               "lines": [{"sku": s, "qty": q} for s, q in lines]})
    assert opened.status_code == 201, opened.get_json()
    case_id = opened.get_json()["case_id"]
    for step in ("approve", "receive"):
        assert agent.post(f"/api/v1/aftersales/{case_id}/{step}", json={}).status_code == 200, step
    return case_id


def send(agent, case_id: str, lines):
    return agent.post(f"/api/v1/aftersales/{case_id}/replacement",
                      json={"carrier": "SF", "tracking": "SF1234567890505", "lines": [{"sku": s, "qty": q} for s, q in lines]})


def test_an_exchange_of_another_product_is_400_naming_the_line_and_changes_nothing(shop, any_app):
    case_id = received_exchange(shop, [("SHOE-38", 1), ("TEE", 1)], [("SHOE-38", 1), ("TEE", 1)])
    agent = shop[2]
    before = stock(any_app, "CAP"), stock(any_app, "TEE")
    refused = send(agent, case_id, [("TEE", 1), ("CAP", 1)])
    assert refused.status_code == 400, refused.get_json()
    error = refused.get_json()["error"]
    assert error["field"] == "lines[1].sku" and error["code"] == "not_a_variant_of_returned"
    unknown = send(agent, case_id, [("NO-SUCH-SKU", 1)])
    assert unknown.status_code == 400 and unknown.get_json()["error"]["field"] == "lines[0].sku"
    assert (stock(any_app, "CAP"), stock(any_app, "TEE")) == before
    assert agent.get(f"/api/v1/aftersales/{case_id}").get_json()["status"] == "received"


def test_a_product_of_the_order_that_was_not_sent_back_is_no_replacement_either(shop):
    case_id = received_exchange(shop, [("SHOE-38", 1), ("TEE", 1)], [("SHOE-38", 1)])
    refused = send(shop[2], case_id, [("TEE", 1)])
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "lines[0].sku"


def test_an_exchange_sends_another_size_or_the_same_sku(shop, any_app):
    case_id = received_exchange(shop, [("SHOE-38", 2), ("TEE", 1)], [("SHOE-38", 2), ("TEE", 1)])
    agent = shop[2]
    sent = send(agent, case_id, [("SHOE-39", 1), ("SHOE-40", 1), ("TEE", 1)])
    assert sent.status_code == 200, sent.get_json()
    assert stock(any_app, "SHOE-39") == (9, 1) and stock(any_app, "SHOE-40") == (9, 1)
    assert sent.get_json()["timeline"][-1]["data"]["sent"] == {"SHOE-39": 1, "SHOE-40": 1, "TEE": 1}


def test_an_exchange_sends_no_more_units_of_a_product_than_came_back_of_it(shop, any_app):
    case_id = received_exchange(shop, [("SHOE-38", 1), ("TEE", 1)], [("SHOE-38", 1), ("TEE", 1)])
    # Two units in all, as many as came back, but two shoes for one shoe and a T-shirt is a T-shirt swapped for a shoe.
    refused = send(shop[2], case_id, [("SHOE-39", 1), ("SHOE-40", 1)])
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "lines[1].qty"
    assert stock(any_app, "SHOE-39") == (10, 0) and stock(any_app, "SHOE-40") == (10, 0)


def test_the_case_page_offers_only_sizes_of_the_returned_product(shop, any_app):
    case_id = received_exchange(shop, [("SHOE-38", 1), ("TEE", 1)], [("SHOE-38", 1)])
    page = shop[2].get(f"/aftersales/{case_id}").get_data(as_text=True)
    picker = page[page.index('class="exchange-line form-grid" data-line-sku="SHOE-38"'):]
    picker = picker[:picker.index("</select>")]
    assert all(f'value="SHOE-{size}"' in picker for size in (38, 39, 40))
    assert 'value="TEE"' not in picker and 'value="CAP"' not in picker


def ago(hours: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(hours=hours)).isoformat()


def track(agent, shipment_id: str, *checkpoints):
    response = agent.post(f"/api/v1/shipments/{shipment_id}/tracking", json={"checkpoints": list(checkpoints)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.slow
def test_a_parcel_returned_after_its_delivery_leaves_the_order_undelivered(shop, any_app):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "RTS-1", [("TEE", 1)])
    shipment_id = ship(agent, "RTS-1")["shipment_id"]
    delivered = track(agent, shipment_id, neutral(ago(30), "delivered", "本人签收"))
    assert delivered["status"] == "delivered"
    assert api.get("/api/v1/orders/RTS-1").get_json()["delivered_at"]

    returned = track(agent, shipment_id, neutral(ago(2), "returned", "收件人拒收，退回"))
    assert returned["status"] == "returned_to_sender" and returned["delivered_at"] is None
    order = api.get("/api/v1/orders/RTS-1").get_json()
    assert order["status"] == "returned_to_sender" and order["delivered_at"] is None
    with any_app.app_context():
        step = db.session.scalars(
            sa.select(OrderHistory).join(Order, Order.id == OrderHistory.order_pk)
            .where(Order.order_id == "RTS-1", OrderHistory.to_status == "returned_to_sender")).one()
        assert step.data["delivery_withdrawn"]  # the history keeps when it had been delivered

    # 七天无理由 runs from a delivery the buyer kept: with the parcel back at the shop there is none.
    no_reason = agent.post("/api/v1/orders/RTS-1/aftersales", json={"type": "return_refund", "reason": "no_reason_7d"})
    assert no_reason.status_code == 422 and no_reason.get_json()["error"]["code"] == "no_reason_window_passed"
    # The shop has its goods back: the buyer's money goes back as a refund-only case.
    refund = agent.post("/api/v1/orders/RTS-1/aftersales", json={"type": "refund_only", "reason": "other"})
    assert refund.status_code == 201, refund.get_json()


def test_a_delivery_the_buyer_sent_back_is_not_an_earlier_delivery_for_the_follow_up_rule(shop, any_app):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "FIRST", [("TEE", 1)])
    place_paid_order(api, broadcast_id, "SECOND", [("TEE", 1)])
    with any_app.app_context():
        buyer = db.session.scalar(sa.select(Order.buyer_id).where(Order.order_id == "FIRST"))
        db.session.execute(sa.update(Order).where(Order.order_id == "SECOND").values(buyer_id=buyer))
        db.session.commit()
    first = ship(agent, "FIRST")["shipment_id"]
    track(agent, first, neutral(ago(40), "delivered", "本人签收"))
    track(agent, first, neutral(ago(30), "returned", "拒收退回"))
    second = ship(agent, "SECOND", tracking_no="SF1234567890124")["shipment_id"]
    track(agent, second, neutral(ago(1), "delivered", "本人签收"))
    with any_app.app_context():
        tasks = db.session.scalars(sa.select(FollowUpTask.order_pk).where(FollowUpTask.source == "delivery")).all()
        second_pk = db.session.scalar(sa.select(Order.id).where(Order.order_id == "SECOND"))
    # 99.00 is under the follow-up amount: only a buyer's first kept delivery gets the call-back.
    assert second_pk in tasks


@pytest.mark.slow
def test_what_a_delivery_started_and_the_buyer_has_not_answered_is_withdrawn_when_the_parcel_comes_back(shop, any_app):
    """The delivery survey (unanswered) goes and the open delivery call-back is cancelled, with notes on the order."""
    from orders.care.surveys.models import SurveyInvitation

    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "RTS-2", [("TEE", 1)])
    shipment_id = ship(agent, "RTS-2")["shipment_id"]
    track(agent, shipment_id, neutral(ago(30), "delivered", "本人签收"))

    def started():
        with any_app.app_context():
            pk = db.session.scalar(sa.select(Order.id).where(Order.order_id == "RTS-2"))
            invitations = db.session.scalars(sa.select(SurveyInvitation.id).where(
                SurveyInvitation.trigger == "delivery", SurveyInvitation.subject_key == str(pk))).all()
            tasks = db.session.scalars(sa.select(FollowUpTask.status).where(
                FollowUpTask.source == "delivery", FollowUpTask.source_key == str(pk))).all()
            steps = db.session.scalars(sa.select(OrderHistory.action).where(OrderHistory.order_pk == pk)).all()
            return len(invitations), tasks, steps

    assert started()[:2] == (1, ["open"])  # a buyer's first delivery: survey and call-back
    track(agent, shipment_id, neutral(ago(2), "returned", "收件人拒收，退回"))
    invitations, tasks, steps = started()
    assert (invitations, tasks) == (0, ["cancelled"])
    assert {"survey_withdrawn", "followup_withdrawn"} <= set(steps)
