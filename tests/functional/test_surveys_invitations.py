"""Survey invitations (issue 15): one per trigger through the notice outbox, with a signed link, even when the
signal is delivered twice; after-sales and complaint surveys carry their agent and reason; NPS campaigns."""
from __future__ import annotations

import sqlalchemy as sa
import pytest

from app.extensions import db
from app.signals import order_delivered
from orders.care.surveys.links import invitation_id_of, token_for
from orders.care.surveys.models import SurveyCampaign, SurveyInvitation
from orders.models import Order, OrderHistory
from orders.notices.models import BuyerNotice
from tests.support import survey_rows as rows


def invitations() -> list[SurveyInvitation]:
    return list(db.session.scalars(sa.select(SurveyInvitation).order_by(SurveyInvitation.id)))


def notices(kind: str = "survey_invitation") -> list[BuyerNotice]:
    return list(db.session.scalars(sa.select(BuyerNotice).where(BuyerNotice.kind == kind).order_by(BuyerNotice.id)))


def test_a_delivered_order_gets_one_csat_invitation_with_a_signed_link(any_app):
    with any_app.test_request_context(base_url="https://shop.example"):
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-1")
        rows.deliver(order)
        [invitation] = invitations()
        assert (invitation.kind, invitation.trigger, invitation.order_pk, invitation.buyer_id) == (
            "csat", "delivery", order.id, "B-1")
        assert (invitation.expires_at - invitation.created_at).days == 30
        [notice] = notices()
        link = f"https://shop.example/s/{token_for(invitation.id)}"
        assert link in notice.message["en"] and link in notice.message["zh-CN"]
        assert notice.payload["buyer_id"] == "B-1" and notice.status == "pending"
        history = db.session.scalars(sa.select(OrderHistory).where(OrderHistory.order_pk == order.id)).all()
        assert [h.data["event"] for h in history if h.data and "event" in h.data] == ["survey_invited", "followup_opened"]


def test_redelivery_and_a_second_send_of_the_signal_make_no_second_invitation(any_app):
    with any_app.app_context():
        order = rows.paid_order(rows.broadcast().id)
        rows.deliver(order)
        rows.deliver(order)
        order_delivered.send(db.session, order=order, at=order.delivered_at)
        db.session.commit()
        assert len(invitations()) == 1 and len(notices()) == 1


def test_a_forged_or_cut_token_names_no_invitation(app):
    with app.app_context():
        token = token_for(42)
        assert invitation_id_of(token) == 42
        assert invitation_id_of(token[:-2]) is None
        assert invitation_id_of(token.replace("eyJ", "eyK", 1)) is None
        assert invitation_id_of("x" * 500) is None and invitation_id_of("") is None
    other = rows_app_with_secret(app, "another-secret")
    with other.app_context():
        assert invitation_id_of(token) is None


def rows_app_with_secret(app, secret: str):
    """Return an app on the same database signed with another SECRET_KEY."""
    from tests.support.databases import make_app

    return make_app(app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=secret)


def test_an_order_without_a_buyer_is_not_surveyed(app):
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id=None)
        rows.deliver(order)
        assert invitations() == []


def test_a_closed_case_and_a_resolved_complaint_each_invite_once_with_their_agent_and_reason(app, users):
    with app.app_context():
        from app.auth.models import User

        agent = db.session.scalar(sa.select(User).where(User.username == "aftersales"))
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-2")
        rows.close_case(order, case_id=7, reason="wrong_item", agent_id=agent.id)
        rows.close_case(order, case_id=7, reason="wrong_item", agent_id=agent.id)
        rows.resolve_complaint(order, complaint_id=3, category="service_attitude", assignee=agent.username)
        rows.resolve_complaint(order, complaint_id=3, category="service_attitude", assignee=agent.username)
        rows.resolve_complaint(order, complaint_id=3, category="service_attitude", reopen_count=1)
        found = [(i.trigger, i.aftersale_case_id, i.complaint_id, i.agent, i.reason) for i in invitations()]
        assert found == [("aftersale", 7, None, "aftersales", "wrong_item"), ("complaint", None, 3, "aftersales", "service_attitude")]
        assert len(notices()) == 2


def test_a_complaint_without_an_order_has_no_survey_but_the_delivery_is_kept(app):
    with app.app_context():
        rows.resolve_complaint(None, complaint_id=9, buyer_id="B-9")
        assert invitations() == []


def test_a_failing_survey_never_undoes_the_delivery(app, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("survey bug")

    monkeypatch.setattr("orders.care.surveys.listeners.invite_after_delivery", broken)
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id)
        rows.deliver(order)
        db.session.expire_all()
        assert db.session.get(Order, order.id).status == "delivered"
        assert invitations() == []
    assert "survey bug" in caplog.text


@pytest.mark.slow
def test_an_nps_campaign_invites_each_buyer_once_through_their_latest_paid_order(app, users):
    from tests.support.auth import csrf_token, login

    with app.app_context():
        first, second = rows.broadcast("One"), rows.broadcast("Two")
        older = rows.paid_order(first.id, buyer_id="B-1", paid_at=rows.days_ago(3))
        newer = rows.paid_order(first.id, buyer_id="B-1", paid_at=rows.days_ago(1))
        other = rows.paid_order(first.id, buyer_id="B-2")
        rows.paid_order(first.id, buyer_id="B-3", status="cancelled")
        rows.paid_order(second.id, buyer_id="B-4")
        db.session.commit()
        ids = {"first": first.id, "older": older.id, "newer": newer.id, "other": other.id}
    client = login(app, "analyst")
    headers = {"X-CSRFToken": csrf_token(client, "/settings")}
    response = client.post("/api/v1/surveys/campaigns", json={"name": "May NPS", "broadcast_id": ids["first"]},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["name"], body["invited"], body["responses"], body["nps"]) == ("May NPS", 2, 0, None)
    with app.app_context():
        found = {(i.buyer_id, i.order_pk, i.kind, i.trigger) for i in invitations()}
        assert found == {("B-1", ids["newer"], "nps", "campaign"), ("B-2", ids["other"], "nps", "campaign")}
        sent = notices()
        assert len(sent) == 2 and all("0 to 10" in n.message["en"] and "0–10" in n.message["zh-CN"] for n in sent)
        assert db.session.get(SurveyCampaign, body["id"]).invited == 2
    listed = client.get("/api/v1/surveys/campaigns").get_json()["campaigns"]
    assert [c["id"] for c in listed] == [body["id"]]


@pytest.mark.parametrize("body, field", [
    ({"broadcast_id": 1}, "name"), ({"name": "x"}, "broadcast_id"), ({"name": "x", "from": "2026-05-01"}, "to"),
    ({"name": "x", "from": "2026-05-02", "to": "2026-05-01"}, "to"), ({"name": "x", "from": "soon", "to": "2026-05-01"}, "from"),
    ({"name": "x" * 101, "broadcast_id": 1}, "name"), ({"name": "x", "broadcast_id": 999}, "broadcast_id"),
    ({"name": "x", "broadcast_id": "1"}, "broadcast_id"),
])
def test_a_campaign_refuses_a_bad_body_naming_the_field(app, users, body, field):
    from tests.support.auth import csrf_token, login

    client = login(app, "analyst")
    response = client.post("/api/v1/surveys/campaigns", json=body,
                           headers={"X-CSRFToken": csrf_token(client, "/settings")})
    assert response.status_code in (400, 404) and response.get_json()["error"]["field"] == field
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyCampaign.id))) == 0
