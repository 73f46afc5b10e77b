"""An order's history shows the survey and follow-up steps in the reader's language (probe 1), on SQLite and
PostgreSQL: each step is stored as a code with its data (the row's action; data.event as before) and the order page
reads it by its label, as it does the after-sales and complaint steps; only a person's words (a follow-up's outcome)
are kept as the reason, and a score as 2/5. Rows stored before as English sentences still read as they were. Before,
"CSAT survey invitation sent (after delivery)", "Follow-up opened (delivery)" and "Follow-up done: …" were stored as
text and shown in English on a Chinese page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from orders import history
from orders.care.surveys.links import token_for
from orders.care.surveys.models import SurveyInvitation
from orders.models import Order
from tests.functional.test_chinese_labels import visible_text
from tests.support import survey_rows as rows
from tests.support.auth import csrf_token, login
from tests.support.databases import create_users

OLD_NOTE = "CSAT survey invitation sent (after delivery)"
ENGLISH = ("survey invitation", "Survey answered", "Follow-up", "follow-up", "satisfaction survey")


@pytest.fixture
def shop(any_app):
    """Return (order id, broadcast id, survey token) of a delivered first order: a survey and a call-back went out."""
    create_users(any_app)
    with any_app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "aftersales")).locale = "zh_CN"
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-1", total="680.00")
        rows.deliver(order)
        invitation = db.session.scalar(sa.select(SurveyInvitation.id).where(SurveyInvitation.order_pk == order.id))
        return order.order_id, order.broadcast_id, token_for(invitation)


def agent_of(any_app, username: str):
    """Return (client, headers) of a logged-in console user."""
    client = login(any_app, username)
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def walk_through_care(any_app, shop) -> None:
    """Answer the survey with a 2, close the delivery call-back as done and the low-rating one as cancelled, and
    invite the buyer to an NPS campaign."""
    order_id, broadcast_id, token = shop
    answer = any_app.test_client().post("/api/v1/surveys/answers", json={"token": token, "score": 2,
                                                                         "comment": "物流太慢"})
    assert answer.status_code == 201, answer.get_json()
    client, headers = agent_of(any_app, "aftersales")
    tasks = {t["source"]: t["id"] for t in client.get("/api/v1/followups?view=all").get_json()["followups"]}
    assert set(tasks) == {"delivery", "survey"}
    done = client.post(f"/api/v1/followups/{tasks['delivery']}/done", json={"outcome": "已回电，很满意"},
                       headers=headers)
    cancelled = client.post(f"/api/v1/followups/{tasks['survey']}/cancel", json={"reason": "买家不接电话"},
                            headers=headers)
    assert (done.status_code, cancelled.status_code) == (200, 200)
    analyst, analyst_headers = agent_of(any_app, "analyst")
    campaign = analyst.post("/api/v1/surveys/campaigns", json={"name": "春季", "broadcast_id": broadcast_id},
                            headers=analyst_headers)
    assert campaign.status_code == 201 and campaign.get_json()["invited"] == 1, campaign.get_json()


def history_text(client, order_id: str) -> str:
    """Return the visible text of the order page's history table."""
    page = client.get(f"/orders/{order_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return visible_text(page[page.index('id="history"'):])


def test_survey_and_follow_up_steps_read_in_chinese_on_a_chinese_order_page(any_app, shop):
    walk_through_care(any_app, shop)
    client, _headers = agent_of(any_app, "aftersales")  # reads Chinese (the user's setting)
    table = history_text(client, shop[0])

    assert table.count("已发送满意度调查") == 2, table  # after delivery, then the NPS campaign
    assert table.count("回访已创建") == 2, table  # the delivery's call-back, then the low rating's
    assert "买家已回复满意度调查" in table and "2/5" in table
    assert "回访已完成" in table and "已回电，很满意" in table  # the agent's own words, as typed
    assert "回访已取消" in table and "买家不接电话" in table
    assert not [word for word in ENGLISH if word in table], table


def test_the_steps_are_codes_with_their_data_and_read_in_english_for_an_english_reader(any_app, shop):
    walk_through_care(any_app, shop)
    client, _headers = agent_of(any_app, "admin")
    table = history_text(client, shop[0])
    for label in ("satisfaction survey sent", "follow-up opened", "satisfaction survey answered", "follow-up done",
                  "follow-up cancelled"):
        assert label in table, (label, table)

    steps = [row for row in client.get(f"/api/v1/orders/{shop[0]}").get_json()["history"]
             if row["action"].startswith(("survey_", "followup_"))]
    assert [row["action"] for row in steps] == ["survey_invited", "followup_opened", "survey_answered",
                                                "followup_opened", "followup_done", "followup_cancelled",
                                                "survey_invited"]
    assert [row["data"]["event"] for row in steps] == [row["action"] for row in steps]  # data.event as before
    assert [row["reason"] for row in steps] == [None, None, "2/5", None, "已回电，很满意", "买家不接电话", None]
    assert [row["data"].get("trigger") for row in steps if row["action"] == "survey_invited"] == [
        "delivery", "campaign"]
    assert [row["data"]["source"] for row in steps if row["action"] == "followup_opened"] == ["delivery", "survey"]


def test_a_step_stored_before_as_an_english_sentence_still_reads_as_it_was(any_app, shop):
    with any_app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.order_id == shop[0]))
        history.note_added(db.session, order, history.SYSTEM, OLD_NOTE,
                           data={"event": "survey_invited", "invitation_id": 1, "trigger": "delivery"})
        db.session.commit()
    client, _headers = agent_of(any_app, "aftersales")
    table = history_text(client, shop[0])
    assert OLD_NOTE in table and "已发送满意度调查" in table
