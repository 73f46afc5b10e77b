"""The survey pages in zh-CN (issue 15): /surveys, /followups and the buyer's page leave no English word behind,
with answers, segments, campaigns and tasks on them (data such as SKUs, order and buyer ids aside)."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from orders.care.surveys.answers import record_answer
from orders.care.surveys.links import token_for
from orders.care.surveys.models import SurveyInvitation
from tests.functional.test_chinese_labels import english_left
from tests.support import survey_rows as rows
from tests.support.auth import login
from app.db import utcnow


def test_the_survey_and_follow_up_pages_are_all_chinese(app, users):
    with app.app_context():
        for user in db.session.scalars(sa.select(User)):
            user.locale = "zh_CN"
        b = rows.broadcast("春茶").id
        order = rows.paid_order(b, buyer_id="B-1", skus=("TEA-1",))
        rows.deliver(order)
        invitation = db.session.scalar(sa.select(SurveyInvitation))
        record_answer(db.session, invitation, 1, "物流太慢", "zh_CN", utcnow())
        rows.close_case(rows.paid_order(b, buyer_id="B-2"), case_id=3, reason="quality")
        rows.paid_order(b, buyer_id="B-3")
        db.session.commit()
        unanswered = rows.paid_order(b, buyer_id="B-4")
        rows.deliver(unanswered)
        token = token_for(db.session.scalar(sa.select(SurveyInvitation.id).where(
            SurveyInvitation.order_pk == unanswered.id)))
        data = ("TEA-1", "B-1", "B-2", "B-3", "B-4", order.order_id, unanswered.order_id, "SV-", "aftersales",
                "analyst", "admin")
    analyst = login(app, "analyst")
    from tests.support.auth import csrf_token

    analyst.post("/surveys/campaigns", data={"csrf_token": csrf_token(analyst, "/surveys"), "name": "五月调研",
                                             "broadcast_id": str(b)})
    pages = {"/surveys": analyst, "/followups?view=all": login(app, "aftersales"),
             f"/s/{token}": app.test_client()}
    left = {}
    for path, client in pages.items():
        response = client.get(path, headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 200, path
        left[path] = english_left(response.get_data(as_text=True), data)
    assert {path: words for path, words in left.items() if words} == {}
