"""The public survey page /s/<token>: no login, no navigation, phone first, in zh-CN or English.

GET shows the question (a 1–5 or 0–10 scale as big radio buttons and an optional comment), "already answered"
once answered, or "expired". POST records the answer once (Flask-WTF checks the form's CSRF token; the buyer's
browser gets its session cookie with the page) and redirects back, where the buyer reads their thanks; a second
POST gets 409 "already answered". Requests are rate-limited per client address (orders/care/surveys/throttle.py).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from flask_babel import lazy_gettext as _l

from app.db import utcnow
from app.db.transactions import run_with_retry
from app.extensions import db
from orders.care.surveys.answers import AnswerRefused, invitation_of_token, record_answer, state_of
from orders.care.surveys.models import COMMENT_LIMIT, SCALES
from orders.care.surveys.throttle import spend
from orders.models import Order

bp = Blueprint("survey_public", __name__)
LANGUAGES = {"en": "en", "zh": "zh_CN", "zh_CN": "zh_CN", "zh-CN": "zh_CN"}
THANKS = "survey-thanks"
CSAT_LABELS = {1: _l("Very dissatisfied"), 2: _l("Dissatisfied"), 3: _l("Neutral"), 4: _l("Satisfied"),
               5: _l("Very satisfied")}


def _locale() -> str:
    """Return the page's language: ?lang= when given, else the browser's Accept-Language, else English."""
    chosen = LANGUAGES.get(request.args.get("lang") or "")
    if chosen:
        return chosen
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def _page(template_state: str, status: int = 200, invitation=None, token: str = "", **extra):
    """Render the public page in the chosen language with the given state (form, answered, thanks, expired…)."""
    locale = _locale()
    order = db.session.get(Order, invitation.order_pk) if invitation is not None and invitation.kind == "csat" else None
    with force_locale(locale):
        html = render_template("surveys/public.html", state=template_state, invitation=invitation, token=token,
                               locale=locale, scale=SCALES[invitation.kind] if invitation else None,
                               csat_labels=CSAT_LABELS, comment_limit=COMMENT_LIMIT,
                               order_id=order.order_id if order else None, **extra)
    headers = {"Retry-After": str(extra["retry_after"])} if extra.get("retry_after") else {}
    return html, status, headers


@bp.errorhandler(CSRFError)
def form_expired(_error):
    """A form sent without its session's CSRF token (cookies off, or the session ended): ask to reload and resend."""
    return _page("retry", 400)


@bp.get("/s/<token>")
def survey_page(token: str):
    """Show the survey of a signed link: the question, thanks / already answered, expired, or not found."""
    wait = spend("view")
    if wait:
        return _page("busy", 429, retry_after=wait)
    invitation = invitation_of_token(db.session, token)
    if invitation is None:
        return _page("unknown", 404)
    state = state_of(db.session, invitation, utcnow())
    if state == "answered":
        thanked = THANKS in get_flashed_messages()
        return _page("thanks" if thanked else "answered", invitation=invitation, token=token)
    if state == "expired":
        return _page("expired", 410, invitation=invitation, token=token)
    return _page("form", invitation=invitation, token=token)


@bp.post("/s/<token>")
def answer_survey(token: str):
    """Record the answer once, then show the thanks; 409 when answered already, 400 with the form on a bad value."""
    wait = spend("answer")
    if wait:
        return _page("busy", 429, retry_after=wait)
    invitation = invitation_of_token(db.session, token)
    if invitation is None:
        return _page("unknown", 404)
    score, comment = request.form.get("score"), request.form.get("comment")

    def work():
        record_answer(db.session, invitation, score, comment, _locale(), utcnow())
        db.session.commit()

    try:
        run_with_retry(work)
    except AnswerRefused as refused:
        db.session.rollback()
        if refused.status == 409:
            return _page("answered", 409, invitation=invitation, token=token)
        if refused.status == 410:
            return _page("expired", 410, invitation=invitation, token=token)
        return _page("form", 400, invitation=invitation, token=token, error=refused.field, comment=comment or "")
    flash(THANKS)
    return redirect(url_for("survey_public.survey_page", token=token, lang=request.args.get("lang") or None))


