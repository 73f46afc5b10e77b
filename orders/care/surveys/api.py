"""/api/v1/surveys: the summary (exact contract), the report, the responses and NPS campaigns; and the public
answer endpoint (no login: the signed token is the credential)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import csrf, db
from app.http import api, validation
from app.http.api import install_api
from orders.care.surveys.analysis import report, summary
from orders.care.surveys.answers import AnswerRefused, invitation_of_token, record_answer
from orders.care.surveys.campaigns import CampaignDraft, CampaignRefused, campaign_to_dict, campaigns, create_campaign
from orders.care.surveys.params import moment, read_scope, read_zone
from orders.care.surveys.queries import responses_page
from orders.care.surveys.throttle import spend
from orders.lookup.params import read_paging

bp = install_api(Blueprint("surveys_api", __name__, url_prefix="/api/v1"))
public_bp = Blueprint("surveys_public_api", __name__, url_prefix="/api/v1")
csrf.exempt(public_bp)  # no cookie is read: the signed token in the body is what authorises the answer
READERS = ("analyst", "aftersales")
READ_SCOPES = ("analytics", "aftersales")


def actor() -> str:
    """Return the name history and campaigns record for the caller."""
    principal = g.principal
    return getattr(principal, "username", None) or principal.role


@bp.get("/surveys/summary")
@api.roles(*READERS)
@api.scope(*READ_SCOPES)
def get_summary():
    """Return {"responses", "csat", "nps"} of the responses in scope (csat and nps null without responses)."""
    return jsonify(summary(db.session, read_scope(request.args)))


@bp.get("/surveys/report")
@api.roles(*READERS)
@api.scope(*READ_SCOPES)
def get_report():
    """Return the analysis: summary, counts, segments with top words, weekly trend (weeks in tz, UTC by default)."""
    scope, zone = read_scope(request.args), read_zone(request.args)
    return jsonify({"generated_at": utcnow().isoformat(), **report(db.session, scope, zone)})


@bp.get("/surveys/responses")
@api.roles(*READERS)
@api.scope(*READ_SCOPES)
def list_responses():
    """List the responses in scope, newest first, with what each was about."""
    scope = read_scope(request.args)
    page, per_page = read_paging(request.args)
    responses, total = responses_page(db.session, scope, page, per_page)
    return jsonify({"responses": responses, "total": total, "page": page, "per_page": per_page})


@bp.get("/surveys/campaigns")
@api.roles(*READERS)
@api.scope(*READ_SCOPES)
def list_campaigns():
    """List the newest NPS campaigns with invited and answered counts and their NPS."""
    return jsonify({"campaigns": campaigns(db.session)})


@bp.post("/surveys/campaigns")
@api.roles("analyst")
@api.scope()
def post_campaign():
    """Create an NPS campaign over a broadcast and/or a payment date range; invite each buyer once."""
    data = api.json_body()
    draft = CampaignDraft(
        name=validation.text(data, "name", max_len=100),
        broadcast_id=validation.whole_number(data, "broadcast_id", minimum=1, maximum=validation.MAX_ID, required=False),
        paid_from=moment(data.get("from"), "from", False), paid_to=moment(data.get("to"), "to", True))
    name = actor()

    def work():
        try:
            campaign = create_campaign(db.session, draft, name, utcnow())
        except CampaignRefused as refused:
            raise ApiError(refused.status, refused.code, refused.message, refused.field) from None
        db.session.commit()
        return campaign_to_dict(campaign)

    return jsonify(run_with_retry(work)), 201


@public_bp.post("/surveys/answers")
def post_answer():
    """Answer a survey with its link's token: {"token", "score", "comment"?}; 409 once answered, 410 when expired."""
    wait = spend("answer")
    if wait:
        raise ApiError(429, "rate_limited", f"too many answers from this address; try again in {wait} seconds")
    data = api.json_body()
    token = validation.text(data, "token", max_len=200)
    comment = data.get("comment")
    locale = validation.text(data, "locale", max_len=8, required=False)

    def work():
        invitation = invitation_of_token(db.session, token)
        if invitation is None:
            raise ApiError(404, "not_found", "this survey link is not valid", "token")
        try:
            response = record_answer(db.session, invitation, data.get("score"), comment, locale, utcnow())
        except AnswerRefused as refused:
            db.session.rollback()
            raise ApiError(refused.status, refused.code, refused.message, refused.field) from None
        db.session.commit()
        return {"id": response.id, "kind": response.kind, "score": response.score,
                "answered_at": response.answered_at.isoformat()}

    return jsonify(run_with_retry(work)), 201
