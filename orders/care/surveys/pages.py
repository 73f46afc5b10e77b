"""The surveys page (/surveys): CSAT and NPS with their counts, segments with top words, the weekly trend, NPS
campaigns (analysts create them here) and the responses as a CSV file."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.csv import csv_text
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import validation
from app.http.pages import page_roles
from app.http.reader_zone import reader_zone_name
from orders.care.surveys.analysis import report
from orders.care.surveys.campaigns import CampaignDraft, CampaignRefused, campaigns, create_campaign
from orders.care.surveys.params import link_args, moment, read_scope, read_zone
from orders.aftersales.strings import REASON_LABELS
from orders.care.complaints.labels import CATEGORY_LABELS
from orders.care.surveys.queries import responses_page

bp = Blueprint("surveys", __name__)
PAGE_ROLES = ("analyst", "aftersales", "admin")
CAMPAIGN_ROLES = ("analyst", "admin")
CSV_LIMIT = 100_000
DIMENSION_LABELS = {"broadcast": _l("By broadcast"), "product": _l("By product"), "agent": _l("By agent"),
                    "reason": _l("By reason")}
TRIGGER_LABELS = {"delivery": _l("after delivery"), "aftersale": _l("after an after-sales case"),
                  "complaint": _l("after a complaint"), "campaign": _l("NPS campaign")}
CAMPAIGN_PROBLEMS = {"invalid_name": _l("give it a name of up to 100 characters"),
                     "missing_field": _l("choose a broadcast, or both dates"),
                     "invalid_range": _l("the first date is after the last one"),
                     "invalid_query": _l("check the broadcast number and the dates"),
                     "not_found": _l("there is no such broadcast"),
                     "too_many_buyers": _l("it would reach too many buyers; narrow it")}
CSV_HEADER = ("answered_at", "kind", "score", "trigger", "order_id", "buyer_id", "broadcast_id", "campaign_id",
              "aftersale_case_id", "complaint_id", "agent", "reason", "locale", "comment")


@bp.app_context_processor
def survey_links() -> dict[str, bool]:
    """Give every template whether the user's role may open the surveys page (the nav shows the link)."""
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return {"can_open_surveys": signed_in and current_user.role in PAGE_ROLES}


def _filters():
    """Return the scope and zone of the query string (the reader's zone when it names none), or abort 400."""
    try:
        return read_scope(request.args), read_zone({"tz": request.args.get("tz") or reader_zone_name()})
    except ApiError as error:
        abort(400, error.message)


@bp.get("/surveys")
@page_roles(*PAGE_ROLES)
def surveys_page():
    """Summary tiles, weekly trend, segments with top words, campaigns; filters by broadcast, dates and zone."""
    scope, zone = _filters()
    found = report(db.session, scope, zone)
    for row in found["segments"]["reason"]:  # a complaint category or a case reason, in the reader's language
        row["label"] = str(CATEGORY_LABELS.get(row["key"]) or REASON_LABELS.get(row["key"]) or row["key"])
    return render_template("surveys/summary.html", report=found, args=link_args(request.args), zone_name=str(zone),
                           campaigns=campaigns(db.session), dimensions=DIMENSION_LABELS,
                           can_create=current_user.role in CAMPAIGN_ROLES, generated_at=utcnow())


@bp.get("/surveys/responses.csv")
@page_roles(*PAGE_ROLES)
def responses_csv():
    """Every response in scope (newest first, at most 100,000) as a CSV file: BOM, formula-safe cells."""
    scope, _zone = _filters()
    rows, _total = responses_page(db.session, scope, 1, CSV_LIMIT)
    body = csv_text(CSV_HEADER, ([row[key] for key in CSV_HEADER] for row in rows), bom=True)
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=survey-responses.csv"})


@bp.post("/surveys/campaigns")
@page_roles(*CAMPAIGN_ROLES)
def create_campaign_page():
    """Create an NPS campaign from the page's form, then show the page with what happened."""
    form = request.form
    try:
        draft = CampaignDraft(
            name=validation.text(form, "name", max_len=100),
            broadcast_id=validation.query_int(form, "broadcast_id", default=0, maximum=validation.MAX_ID) or None,
            paid_from=moment(form.get("from"), "from", False), paid_to=moment(form.get("to"), "to", True))
        name = current_user.username

        def work():
            campaign = create_campaign(db.session, draft, name, utcnow())
            db.session.commit()
            return campaign.invited

        invited = run_with_retry(work)
    except (ApiError, CampaignRefused) as error:
        db.session.rollback()
        flash(_l("The campaign was not created: %(problem)s", problem=CAMPAIGN_PROBLEMS.get(error.code, error.message)), "error")
        return redirect(url_for("surveys.surveys_page") + "#campaigns")
    flash(_l("Campaign created: %(count)s buyers invited.", count=invited), "success")
    return redirect(url_for("surveys.surveys_page") + "#campaigns")
