"""A refund awaiting its payout (probe 1, D3): the case cannot be cancelled under it, and its payout can always be
recorded, even on a case that ended while it waited (cancelled before cancel waited for payouts)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.aftersales.models import AftersaleCase
from tests.support.aftersales import agent_of, open_shop, place_paid_order


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, after-sales agent) with TEE and CAP at 10 units each (99.00)."""
    broadcast_id = open_shop(any_app, any_api)
    return any_api, broadcast_id, agent_of(any_app)


def pending_refund(shop, order_id: str) -> tuple[str, str]:
    """Return (case id, refund id) of a paid order's refund_only case, approved, with its refund pending payout."""
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, order_id, [("TEE", 1)])
    case_id = agent.post(f"/api/v1/orders/{order_id}/aftersales", json={"type": "refund_only", "reason": "other"}
                         ).get_json()["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    pending = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00", "status": "pending"})
    assert pending.status_code == 201, pending.get_json()
    return case_id, pending.get_json()["refund_id"]


def cancelled_under_its_refund(app, case_id: str) -> None:
    """Put the case where the old cancel left it: cancelled, its refund still pending."""
    with app.app_context():
        db.session.execute(sa.update(AftersaleCase).where(AftersaleCase.case_id == case_id)
                           .values(status="cancelled", deadline_at=None, deadline_kind=None))
        db.session.commit()


def test_a_case_whose_refund_awaits_its_payout_is_not_cancelled_and_does_not_offer_it(shop):
    api, _broadcast_id, agent = shop
    case_id, refund_id = pending_refund(shop, "WAIT")

    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert case["actions"] == [] and case["status"] == "approved"
    page = agent.get(f"/aftersales/{case_id}").get_data(as_text=True)
    assert 'data-open="cancel"' not in page and f'data-refund="{refund_id}"' in page
    refused = agent.post(f"/api/v1/aftersales/{case_id}/cancel", json={"reason": "buyer withdrew"})
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["code"] == "refund_pending" and refund_id in refused.get_json()["error"]["message"]
    assert agent.get(f"/api/v1/aftersales/{case_id}").get_json()["status"] == "approved"

    done = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/succeed", json={})
    assert done.status_code == 200 and done.get_json()["case"]["status"] == "refunded"
    assert api.get("/api/v1/orders/WAIT").get_json()["refunded"] == "99.00"


def test_once_the_payout_failed_the_case_may_be_cancelled_again(shop):
    _api, _broadcast_id, agent = shop
    case_id, refund_id = pending_refund(shop, "FAIL")
    agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/fail", json={"reason": "card closed"})
    assert "cancel" in agent.get(f"/api/v1/aftersales/{case_id}").get_json()["actions"]
    assert agent.post(f"/api/v1/aftersales/{case_id}/cancel", json={}).get_json()["status"] == "cancelled"


def test_the_payout_of_a_case_cancelled_under_its_pending_refund_is_still_recorded(shop, any_app):
    api, _broadcast_id, agent = shop
    case_id, refund_id = pending_refund(shop, "LATE")
    cancelled_under_its_refund(any_app, case_id)

    done = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/succeed", json={})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "succeeded" and done.get_json()["case"]["status"] == "cancelled"
    order = api.get("/api/v1/orders/LATE").get_json()
    assert order["refunded"] == "99.00"
    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert case["timeline"][-1]["action"] == "refund_succeeded" and case["order_refunded"] == "99.00"
    again = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/succeed", json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "refund_settled"


def test_a_failed_payout_of_such_a_case_releases_the_paid_amount(shop, any_app):
    api, _broadcast_id, agent = shop
    case_id, refund_id = pending_refund(shop, "FREE")
    cancelled_under_its_refund(any_app, case_id)
    blocked = agent.post("/api/v1/orders/FREE/aftersales", json={"type": "refund_only", "reason": "other"})
    assert blocked.status_code == 422  # the pending refund holds everything paid

    failed = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/fail", json={"reason": "never paid out"})
    assert failed.status_code == 200 and failed.get_json()["status"] == "failed"
    reopened = agent.post("/api/v1/orders/FREE/aftersales", json={"type": "refund_only", "reason": "other"})
    assert reopened.status_code == 201 and reopened.get_json()["requested_amount"] == "99.00"
    assert api.get("/api/v1/orders/FREE").get_json()["refunded"] == "0.00"


def test_the_ledger_buttons_of_an_ended_case_have_an_error_slot(shop, any_app):
    _api, _broadcast_id, agent = shop
    case_id, refund_id = pending_refund(shop, "SLOT")
    cancelled_under_its_refund(any_app, case_id)
    page = agent.get(f"/aftersales/{case_id}").get_data(as_text=True)
    assert 'id="case-actions"' not in page  # an ended case offers no action …
    assert f'data-settle="succeed" data-refund="{refund_id}"' in page and 'id="ledger-error"' in page  # … but its payout
