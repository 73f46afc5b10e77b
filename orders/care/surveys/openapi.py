"""OpenAPI fragment of the surveys (orders/care/surveys/api.py): summary, report, responses, campaigns, answers."""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, array, filled, integer, nullable, obj, ref, string

TAG = "surveys"
SCORE = {"type": ["number", "null"], "description": "Percent, one decimal (rounded half away from zero); null "
                                                     "without answers of its kind."}


def parameters() -> dict:
    """Return the survey filters."""
    moment = {"type": "string", "maxLength": 40, "examples": ["2026-05-01", "2026-05-01T08:00:00+08:00"]}
    return {
        "SurveyBroadcast": parameter("broadcast_id", "query", {"type": "integer", "minimum": 1},
                                     "Only answers about orders of this broadcast."),
        "SurveyFrom": parameter("from", "query", moment, "Answered at or after: a date (its start, UTC) or a time."),
        "SurveyTo": parameter("to", "query", moment, "Answered at or before: a date (its whole day, UTC) or a time."),
        "SurveyKind": parameter("kind", "query", {"type": "string", "enum": ["csat", "nps"]}, "Only one kind."),
        "SurveyZone": parameter("tz", "query", {"type": "string", "maxLength": 64, "default": "UTC"},
                                "IANA zone the weeks of the trend start in (Monday 00:00)."),
    }


FILTERS = ("SurveyBroadcast", "SurveyFrom", "SurveyTo")
READERS = "analyst, aftersales; tokens with the analytics or aftersales scope"


def paths() -> dict:
    """Return the survey operations."""
    return {
        "/api/v1/surveys/summary": {"get": operation(
            "getSurveySummary", "CSAT and NPS of the answers in scope", TAG,
            ("200", "The summary.", ref("SurveySummary")), errors="400 401 403", roles=READERS, params=FILTERS,
            description="CSAT = share of CSAT answers rated 4–5; NPS = % promoters (9–10) − % detractors (0–6). "
                        "Both null when there is no answer of their kind.")},
        "/api/v1/surveys/report": {"get": operation(
            "getSurveyReport", "Segments (broadcast, product, agent, reason) with top words, and the weekly trend",
            TAG, ("200", "The report.", ref("SurveyReport")), errors="400 401 403", roles=READERS,
            params=(*FILTERS, "SurveyZone"))},
        "/api/v1/surveys/responses": {"get": operation(
            "listSurveyResponses", "List survey answers, newest first", TAG,
            ("200", "One page of answers.", obj({"responses": array(ref("SurveyResponse")), "total": integer(),
                                                 "page": integer(), "per_page": integer()})),
            errors="400 401 403", roles=READERS, params=(*FILTERS, "SurveyKind", "Page", "PerPage"))},
        "/api/v1/surveys/campaigns": {
            "get": operation("listSurveyCampaigns", "List NPS campaigns", TAG,
                             ("200", "The newest 100 campaigns.", obj({"campaigns": array(ref("SurveyCampaign"))})),
                             errors="401 403", roles=READERS),
            "post": operation(
                "createSurveyCampaign", "Create an NPS campaign and invite its buyers", TAG,
                ("201", "The campaign, with how many buyers were invited.", ref("SurveyCampaign")),
                errors="400 401 403 404", roles="analyst (console users only)",
                body=request("SurveyCampaignInput", {"name": "May NPS", "broadcast_id": 12}),
                description="Each buyer who paid in the broadcast and/or between from and to gets one invitation, "
                            "through their latest paid order in scope (the notice outbox is per order)."),
        },
        "/api/v1/surveys/answers": {"post": {**operation(
            "answerSurvey", "Answer a survey with its link's token (no login)", TAG,
            ("201", "The answer was stored.", obj({"id": integer(), "kind": string(enum=["csat", "nps"]),
                                                  "score": integer(), "answered_at": DATETIME})),
            errors="400 404 409 410 429", body=request("SurveyAnswerInput", {"token": "eyJpIjoxfQ.abc", "score": 5}),
            description="The token of /s/<token> authorises the answer. One answer per link: a second one gets "
                        "409 already_answered; an expired link 410 expired; too many answers from one address 429."),
            "security": []}},
    }


def schemas() -> dict:
    """Return the survey schemas."""
    counts = {"responses": integer(), "csat_responses": integer(), "nps_responses": integer(), "csat": SCORE,
              "nps": SCORE}
    words = array(obj({"word": string(), "comments": integer("Comments that use it.")}))
    segment = obj({"key": string(), "label": string(), **counts, "top_words": words})
    return {
        "SurveySummary": obj({"responses": integer("Answers in scope, both kinds."), "csat": SCORE, "nps": SCORE},
                             required=("responses", "csat", "nps")),
        "SurveyReport": obj({
            "generated_at": DATETIME, "summary": ref("SurveySummary"), "totals": obj(counts), "top_words": words,
            "segments": obj({name: array(segment) for name in ("broadcast", "product", "agent", "reason")}),
            "weekly": array(obj({"week": string(format="date"), **counts})),
            "truncated": {"type": "boolean", "description": "Segments and trend cover the newest 50,000 answers."},
            "zone": string()}, required=("summary", "segments", "weekly")),
        "SurveyResponse": obj({
            "id": integer(), "kind": string(enum=["csat", "nps"]), "score": integer(minimum=0, maximum=10),
            "comment": nullable(string("The buyer's text, as written.")), "locale": nullable(string()),
            "answered_at": DATETIME,
            "trigger": string(enum=["delivery", "aftersale", "complaint", "campaign"]), "order_id": string(),
            "buyer_id": nullable(string()), "broadcast_id": integer(), "campaign_id": nullable(integer()),
            "aftersale_case_id": nullable(integer()), "complaint_id": nullable(integer()),
            "agent": nullable(string()), "reason": nullable(string())}, required=("id", "kind", "score", "trigger")),
        "SurveyCampaign": obj({
            "id": integer(), "name": string(), "kind": string(enum=["nps"]), "broadcast_id": nullable(integer()),
            "from": nullable(DATETIME), "to": nullable(DATETIME), "invited": integer(), "responses": integer(),
            "nps": SCORE, "created_by": string(), "created_at": DATETIME}, required=("id", "name", "invited")),
        "SurveyCampaignInput": obj({
            "name": filled(100), "broadcast_id": integer(minimum=1),
            "from": string("A date or a time; with to, the payments in scope."),
            "to": string("A date (its whole day) or a time.")}, required=("name",)),
        "SurveyAnswerInput": obj({
            "token": filled(200), "score": integer("1–5 for CSAT, 0–10 for NPS.", minimum=0, maximum=10),
            "comment": nullable(string(maxLength=1000)), "locale": string(maxLength=8)},
            required=("token", "score")),
    }
