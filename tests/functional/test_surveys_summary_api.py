"""GET /api/v1/surveys/summary (exact contract), the report, the responses list, the /surveys page and its CSV:
zero and tied answers, filters by broadcast and dates, segments with top words, formula-safe exports."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.care.surveys.answers import record_answer
from orders.care.surveys.models import SurveyInvitation
from tests.support import survey_rows as rows
from tests.support.auth import login


def answered(kind: str, score: int, broadcast_id: int, comment: str | None = None, days_ago: float = 0,
             buyer: str = "B-1", skus: tuple[str, ...] = ("TEA-1",)) -> None:
    """Store one answer of kind about a new order of the broadcast, given days_ago (inside an app context)."""
    order = rows.paid_order(broadcast_id, buyer_id=buyer, skus=skus)
    at = utcnow() - timedelta(days=days_ago)
    if kind == "csat":
        rows.deliver(order, at=at, commit=False)
        invitation = db.session.scalar(sa.select(SurveyInvitation).where(SurveyInvitation.order_pk == order.id))
    else:
        from orders.care.surveys.invitations import invite

        invitation = invite(db.session, "nps", "campaign", f"t:{order.id}", order, at)
    record_answer(db.session, invitation, score, comment, "en", at)
    db.session.commit()


@pytest.fixture
def reader(app, users):
    return login(app, "analyst")


def test_the_summary_of_nothing_is_zero_responses_and_null_scores(reader):
    body = reader.get("/api/v1/surveys/summary").get_json()
    assert body == {"responses": 0, "csat": None, "nps": None}
    assert list(body) == ["responses", "csat", "nps"]


def test_tied_answers_give_fifty_percent_csat_and_zero_nps(app, reader):
    with app.app_context():
        b = rows.broadcast().id
        for kind, score in (("csat", 5), ("csat", 2), ("nps", 10), ("nps", 3), ("nps", 8)):
            answered(kind, score, b)
    assert reader.get("/api/v1/surveys/summary").get_json() == {"responses": 5, "csat": 50.0, "nps": 0.0}


def test_the_summary_filters_by_broadcast_and_answer_dates(app, reader):
    with app.app_context():
        one, two = rows.broadcast().id, rows.broadcast().id
        answered("csat", 5, one)
        answered("csat", 1, two)
        answered("csat", 1, one, days_ago=10)
    assert reader.get(f"/api/v1/surveys/summary?broadcast_id={one}").get_json() == {
        "responses": 2, "csat": 50.0, "nps": None}
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    assert reader.get(f"/api/v1/surveys/summary?broadcast_id={one}&from={since}").get_json()["csat"] == 100.0
    until = (utcnow() - timedelta(days=5)).date().isoformat()
    assert reader.get(f"/api/v1/surveys/summary?to={until}").get_json() == {"responses": 1, "csat": 0.0, "nps": None}
    assert reader.get("/api/v1/surveys/summary?broadcast_id=999").get_json()["responses"] == 0


@pytest.mark.parametrize("query, field", [("broadcast_id=x", "broadcast_id"), ("from=yesterday", "from"),
                                          ("from=2026-05-02&to=2026-05-01", "to"), ("to=1999-01-01", "to"),
                                          ("broadcast_id=" + "9" * 30, "broadcast_id")])
def test_bad_filters_are_400_naming_the_parameter(reader, query, field):
    response = reader.get(f"/api/v1/surveys/summary?{query}")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_the_report_segments_by_broadcast_product_agent_and_reason_with_top_words(app, reader, users):
    with app.app_context():
        b = rows.broadcast("Spring tea").id
        answered("csat", 5, b, "物流很快，包装很好", skus=("TEA-1", "CUP-1"))
        answered("csat", 1, b, "物流太慢了", skus=("TEA-1",))
        order = rows.paid_order(b, buyer_id="B-5")
        rows.close_case(order, case_id=11, reason="quality")
        invitation = db.session.scalar(sa.select(SurveyInvitation).where(SurveyInvitation.trigger == "aftersale"))
        record_answer(db.session, invitation, 4, "客服态度好", None, utcnow())
        db.session.commit()
    body = reader.get(f"/api/v1/surveys/report?broadcast_id={b}&tz=Asia/Shanghai").get_json()
    assert body["summary"] == {"responses": 3, "csat": 66.7, "nps": None}
    assert body["segments"]["broadcast"][0]["label"] == f"#{b} Spring tea"
    products = {row["key"]: row["responses"] for row in body["segments"]["product"]}
    assert products == {"TEA-1": 3, "CUP-1": 1}
    assert [(r["key"], r["csat"]) for r in body["segments"]["reason"]] == [("quality", 100.0)]
    assert body["segments"]["agent"] == []  # the case named no agent
    assert body["top_words"][0] == {"word": "物流", "comments": 2}
    assert body["weekly"][-1]["responses"] == 3 and body["zone"] == "Asia/Shanghai"
    assert reader.get("/api/v1/surveys/report?tz=Mars/Olympus").status_code == 400


def test_the_responses_list_pages_newest_first(app, reader):
    with app.app_context():
        b = rows.broadcast().id
        answered("csat", 4, b, "first", days_ago=1)
        answered("nps", 9, b, "second")
    body = reader.get("/api/v1/surveys/responses?per_page=1").get_json()
    assert body["total"] == 2 and [r["comment"] for r in body["responses"]] == ["second"]
    assert body["responses"][0]["trigger"] == "campaign"
    only = reader.get("/api/v1/surveys/responses?kind=csat").get_json()["responses"]
    assert [(r["kind"], r["score"], r["trigger"]) for r in only] == [("csat", 4, "delivery")]


def test_the_page_shows_tiles_segments_and_campaigns_and_the_csv_is_formula_safe(app, reader):
    with app.app_context():
        b = rows.broadcast("<b>Live</b>").id
        answered("csat", 5, b, "=HYPERLINK(\"http://x\") 很好")
    html = reader.get("/surveys").get_data(as_text=True)
    assert 'id="tile-csat">100.0 %' in html and "&lt;b&gt;Live&lt;/b&gt;" in html and "<b>Live</b>" not in html
    assert 'id="campaign-form"' in html
    csv = reader.get(f"/surveys/responses.csv?broadcast_id={b}")
    text = csv.get_data(as_text=True)
    assert csv.mimetype == "text/csv" and text.startswith("\ufeffanswered_at,kind,score")
    assert "'=HYPERLINK" in text


def test_an_empty_page_says_so_and_aftersales_cannot_create_campaigns(app, users):
    client = login(app, "aftersales")
    html = client.get("/surveys").get_data(as_text=True)
    assert 'id="surveys-empty"' in html and 'id="campaign-form"' not in html
    assert client.post("/surveys/campaigns", data={}).status_code in (400, 403)


def test_the_page_creates_a_campaign_and_says_how_many_were_invited(app, reader):
    from tests.support.auth import csrf_token

    with app.app_context():
        b = rows.broadcast().id
        rows.paid_order(b, buyer_id="B-1")
        db.session.commit()
    response = reader.post("/surveys/campaigns", data={"csrf_token": csrf_token(reader, "/surveys"),
                                                       "name": "After the show", "broadcast_id": str(b)},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Campaign created: 1 buyers invited." in html and "After the show" in html
    refused = reader.post("/surveys/campaigns", data={"csrf_token": csrf_token(reader, "/surveys"), "name": "x"},
                          follow_redirects=True).get_data(as_text=True)
    assert "The campaign was not created: choose a broadcast, or both dates" in refused


def test_the_answers_match_their_openapi_schemas(app, reader, users):
    from tests.functional.test_openapi import conforms
    from tests.support.auth import csrf_token

    with app.app_context():
        b = rows.broadcast().id
        answered("csat", 2, b, "慢")
        answered("nps", 9, b)
    spec = reader.get("/api/v1/openapi.json").get_json()
    agent = login(app, "aftersales")
    made = reader.post("/api/v1/surveys/campaigns", json={"name": "x", "broadcast_id": b},
                       headers={"X-CSRFToken": csrf_token(reader, "/settings")})
    checks = [("/api/v1/surveys/summary", "get", "200", reader.get("/api/v1/surveys/summary")),
              ("/api/v1/surveys/report", "get", "200", reader.get("/api/v1/surveys/report")),
              ("/api/v1/surveys/responses", "get", "200", reader.get("/api/v1/surveys/responses")),
              ("/api/v1/surveys/campaigns", "get", "200", reader.get("/api/v1/surveys/campaigns")),
              ("/api/v1/surveys/campaigns", "post", "201", made),
              ("/api/v1/followups", "get", "200", agent.get("/api/v1/followups?view=all"))]
    for path, method, status, response in checks:
        assert response.status_code == int(status), (path, response.get_json())
        schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
        assert conforms(response.get_json(), schema, spec) == [], path
