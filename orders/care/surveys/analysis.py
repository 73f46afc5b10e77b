"""Feeding the pure scores from the database: the exact summary in SQL, and the report (segments, top words,
weekly trend) over the answers in scope, newest first, at most MAX_ANSWERS of them (the report says when cut).

Segments: broadcast, product (the products of the order's lines; a variant counts as its product), agent (who
handled the case or complaint) and reason (case reason or complaint category). There is no host segment:
broadcasts record no host (live/models.py), so answers cannot be put to one.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timezone, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.models import Broadcast
from orders.care.surveys.queries import Scope, joined_responses
from orders.care.surveys.scores import SEGMENTS, Answer, Scores, percent, segment, weekly
from orders.care.surveys.models import SurveyInvitation, SurveyResponse
from orders.care.surveys.words import top_terms
from orders.models import OrderLine, Product, StockLevel

MAX_ANSWERS = 50_000
CHUNK = 500


def summary(session: Session, scope: Scope) -> dict:
    """Return {"responses", "csat", "nps"} over every response in scope, counted in SQL (never cut)."""
    is_csat, is_nps = SurveyResponse.kind == "csat", SurveyResponse.kind == "nps"
    score = SurveyResponse.score
    row = session.execute(joined_responses(
        sa.func.count(SurveyResponse.id),
        sa.func.count(SurveyResponse.id).filter(is_csat), sa.func.count(SurveyResponse.id).filter(is_csat, score >= 4),
        sa.func.count(SurveyResponse.id).filter(is_nps), sa.func.count(SurveyResponse.id).filter(is_nps, score >= 9),
        sa.func.count(SurveyResponse.id).filter(is_nps, score <= 6),
    ).where(*scope.conditions())).one()
    total, csat_n, satisfied, nps_n, promoters, detractors = (int(v or 0) for v in row)
    return Scores(total, csat_n, nps_n, percent(satisfied, csat_n) if csat_n else None,
                  percent(promoters - detractors, nps_n) if nps_n else None).summary()


def _products(session: Session, order_pks: list[int]) -> dict[int, tuple[str, ...]]:
    """Return the product SKUs of each order's lines (a variant's line counts as its product)."""
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(order_pks), CHUNK):
        rows = session.execute(
            sa.select(OrderLine.order_pk, sa.func.coalesce(Product.sku, OrderLine.sku))
            .outerjoin(StockLevel, StockLevel.sku == OrderLine.sku).outerjoin(Product, Product.id == StockLevel.product_id)
            .where(OrderLine.order_pk.in_(order_pks[start:start + CHUNK])).order_by(OrderLine.id)).all()
        for order_pk, sku in rows:
            found[order_pk].append(sku)
    return {pk: tuple(dict.fromkeys(skus)) for pk, skus in found.items()}


def load_answers(session: Session, scope: Scope, limit: int = MAX_ANSWERS) -> list[Answer]:
    """Return the answers in scope, newest first (at most limit), with their segment values."""
    rows = session.execute(joined_responses(
        SurveyResponse.kind, SurveyResponse.score, SurveyResponse.answered_at, SurveyResponse.comment,
        SurveyInvitation.order_pk, SurveyInvitation.broadcast_id, SurveyInvitation.agent, SurveyInvitation.reason,
    ).where(*scope.conditions()).order_by(SurveyResponse.answered_at.desc(), SurveyResponse.id.desc())
        .limit(limit)).all()
    products = _products(session, sorted({row.order_pk for row in rows}))
    answers = []
    for row in rows:
        segments = {"broadcast": (str(row.broadcast_id),), "product": products.get(row.order_pk, ())}
        if row.agent:
            segments["agent"] = (row.agent,)
        if row.reason:
            segments["reason"] = (row.reason,)
        answers.append(Answer(row.kind, row.score, row.answered_at, row.comment, segments))
    return answers


def _scores(scores: Scores) -> dict:
    return {"responses": scores.responses, "csat_responses": scores.csat_responses,
            "nps_responses": scores.nps_responses, "csat": scores.csat, "nps": scores.nps}


def _words(pairs: list[tuple[str, int]]) -> list[dict]:
    return [{"word": word, "comments": count} for word, count in pairs]


def broadcast_titles(session: Session, ids: set[int]) -> dict[int, str]:
    """Return the title of each broadcast id."""
    if not ids:
        return {}
    return dict(session.execute(sa.select(Broadcast.id, Broadcast.title).where(Broadcast.id.in_(ids))).all())


def report(session: Session, scope: Scope, zone: tzinfo = timezone.utc, words: int = 5) -> dict:
    """Return the analysis of the responses in scope: summary, per-kind counts, segments with top words, weekly trend.

    ``segments`` maps each dimension to rows {"key", "label", scores…, "top_words": [{"word", "comments"}]};
    ``weekly`` lists weeks (Monday, in zone) oldest first; ``truncated`` says the segments and trend were
    computed over the newest MAX_ANSWERS answers only (the summary never is).
    """
    answers = load_answers(session, scope)
    titles = broadcast_titles(session, {int(a.segments["broadcast"][0]) for a in answers})
    segments = {}
    for dimension in SEGMENTS:
        rows = []
        for row in segment(answers, dimension, words):
            label = f"#{row.value} {titles.get(int(row.value), '')}".strip() if dimension == "broadcast" else row.value
            rows.append({"key": row.value, "label": label, **_scores(row.scores), "top_words": _words(row.top_words)})
        segments[dimension] = rows
    return {
        "summary": summary(session, scope),
        "totals": _scores(_counts(session, scope)),
        "top_words": _words(top_terms((a.comment for a in answers), words)),
        "segments": segments,
        "weekly": [{"week": row.week.isoformat(), **_scores(row.scores)} for row in weekly(answers, zone)],
        "truncated": len(answers) >= MAX_ANSWERS,
        "zone": str(zone),
    }


def _counts(session: Session, scope: Scope) -> Scores:
    """Return the exact counts and scores of the scope (SQL), as Scores."""
    found = summary(session, scope)
    counts = dict(session.execute(joined_responses(SurveyResponse.kind, sa.func.count(SurveyResponse.id))
                                  .where(*scope.conditions()).group_by(SurveyResponse.kind)).all())
    return Scores(found["responses"], int(counts.get("csat", 0)), int(counts.get("nps", 0)), found["csat"], found["nps"])
