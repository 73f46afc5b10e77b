"""The public survey page /s/<token> and the answer API (issue 15): no login, zh-CN/en, CSRF-safe, one answer per
link (409 after), expiry (410), bounded hostile comments stored and shown as text, rate-limited per address."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.care.followups.models import FollowUpTask
from orders.care.surveys.links import token_for
from orders.care.surveys.models import SurveyInvitation, SurveyResponse
from tests.support import survey_rows as rows
from tests.support.auth import csrf_token

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def token(app):
    """Return the link token of a delivered order's CSAT invitation."""
    with app.app_context():
        order = rows.paid_order(rows.broadcast().id, buyer_id="B-1")
        rows.deliver(order)
        return token_for(db.session.scalar(sa.select(SurveyInvitation.id)))


def form_csrf(client, token: str) -> str:
    """Return the CSRF token of the survey form (while it shows one), else the session's from another page."""
    found = CSRF.search(client.get(f"/s/{token}").get_data(as_text=True))
    return found.group(1) if found else csrf_token(client, "/login")


def answer(client, token: str, score="5", comment="", **extra):
    """Submit the survey form as a browser does (a stale form still carries its CSRF token)."""
    return client.post(f"/s/{token}", data={"csrf_token": form_csrf(client, token), "score": score,
                                            "comment": comment, **extra})


def responses(app) -> list[SurveyResponse]:
    with app.app_context():
        return list(db.session.scalars(sa.select(SurveyResponse)))


def test_the_page_asks_on_a_one_to_five_scale_in_the_browsers_language_with_no_login(client, token):
    page = client.get(f"/s/{token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="zh-CN">' in html
    assert "您对这笔订单满意吗？" in html and "非常满意" in html
    assert [int(v) for v in re.findall(r'name="score" id="score-\d+" value="(\d+)"', html)] == [1, 2, 3, 4, 5]
    assert "Main menu" not in html and "主菜单" not in html and "/login" not in html
    english = client.get(f"/s/{token}?lang=en", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "How satisfied are you with your order?" in english and '<html lang="en">' in english


def test_one_answer_per_link_then_thanks_then_already_answered(app, client, token):
    sent = answer(client, token, "4", "物流很快")
    assert sent.status_code == 302
    thanks = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-state="thanks"' in thanks
    again = answer(client, token, "1")
    assert again.status_code == 409 and 'data-state="answered"' in again.get_data(as_text=True)
    later = client.get(f"/s/{token}")
    assert later.status_code == 200 and 'data-state="answered"' in later.get_data(as_text=True)
    [stored] = responses(app)
    assert (stored.kind, stored.score, stored.comment) == ("csat", 4, "物流很快")


def test_a_form_without_its_csrf_token_is_refused(app, client, token):
    refused = client.post(f"/s/{token}", data={"score": "5"})
    assert refused.status_code == 400 and 'data-state="retry"' in refused.get_data(as_text=True)
    assert responses(app) == []


@pytest.mark.parametrize("score", ["0", "6", "", "five", "4.5", "-1"])
def test_a_score_off_the_scale_shows_the_form_again_with_an_error(app, client, token, score):
    response = answer(client, token, score, comment="kept")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="score-error"' in html and ">kept</textarea>" in html
    assert responses(app) == []


def test_a_hostile_comment_is_stored_as_text_and_shown_escaped(app, client, token):
    hostile = "<script>alert(1)</script>\u202e=cmd|' /C calc'!A0\x00"
    assert answer(client, token, "5", hostile).status_code == 302
    [stored] = responses(app)
    assert stored.comment == "<script>alert(1)</script>=cmd|' /C calc'!A0"


def test_a_comment_over_a_thousand_characters_is_refused(app, client, token):
    response = answer(client, token, "5", "好" * 1001)
    assert response.status_code == 400 and 'id="comment-error"' in response.get_data(as_text=True)
    assert responses(app) == []


def test_an_expired_link_answers_410(app, client, token):
    with app.app_context():
        invitation = db.session.scalar(sa.select(SurveyInvitation))
        invitation.expires_at = invitation.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"/s/{token}").status_code == 410
    assert answer(client, token, "5").status_code == 410
    assert responses(app) == []


def test_a_forged_link_is_not_found(client, token):
    assert client.get(f"/s/{token[:-3]}abc").status_code == 404
    assert client.get("/s/" + "a" * 300).status_code == 404


def test_a_low_rating_opens_a_follow_up_linked_to_the_response(app, client, token):
    assert answer(client, token, "2", "包装破了").status_code == 302
    with app.app_context():
        tasks = db.session.scalars(sa.select(FollowUpTask).where(FollowUpTask.source == "survey")).all()
        [response] = db.session.scalars(sa.select(SurveyResponse)).all()
        assert [(t.response_id, t.buyer_id, t.status, t.note) for t in tasks] == [
            (response.id, "B-1", "open", "包装破了")]


def test_a_good_rating_opens_no_follow_up(app, client, token):
    answer(client, token, "3")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(FollowUpTask.source == "survey")) == 0


def test_the_answer_api_takes_the_token_and_answers_409_the_second_time(app, client, token):
    first = client.post("/api/v1/surveys/answers", json={"token": token, "score": 5, "comment": "good"})
    assert first.status_code == 201 and first.get_json()["score"] == 5
    second = client.post("/api/v1/surveys/answers", json={"token": token, "score": 1})
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "already_answered"
    assert client.post("/api/v1/surveys/answers", json={"token": "nope", "score": 1}).status_code == 404
    bad = client.post("/api/v1/surveys/answers", json={"token": token, "score": True})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "score"
    assert [r.score for r in responses(app)] == [5]


def test_too_many_answers_from_one_address_wait(app, token):
    app.config["SURVEY_ANSWERS_PER_ADDRESS"] = 3
    client = app.test_client()
    codes = [client.post("/api/v1/surveys/answers", json={"token": "x", "score": 1}).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    page = answer(client, token, "5")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    other = app.test_client()
    assert other.post("/api/v1/surveys/answers", json={"token": "x", "score": 1},
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404
