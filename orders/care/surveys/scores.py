"""CSAT and NPS, overall, per segment and per week: pure functions over answers (no Flask, no database).

- CSAT is the share of CSAT answers rated 4 or 5 on the 1–5 scale, in percent (0–100).
- NPS is the percentage of promoters (9–10) minus the percentage of detractors (0–6) among NPS answers (−100
  to 100); passives (7–8) count in the denominator only.

Both are ``None`` when there is no answer of their kind (never 0: "no data" is not "everyone unhappy"). Both
are computed exactly with integers and Decimal, then rounded half away from zero to one decimal and given as a
float (66.7, -33.3, 0.0); a tie (as many promoters as detractors) is 0.0, never -0.0.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from orders.care.surveys.words import top_terms

ONE_DECIMAL = Decimal("0.1")
SEGMENTS = ("broadcast", "product", "agent", "reason")
MAX_WEEKS = 156  # three years of weekly points; older weeks are left off the trend


@dataclass(frozen=True)
class Answer:
    """One survey answer as the analysis sees it: kind (csat/nps), score, when, comment and its segment values.

    segments maps a dimension (broadcast, product, agent, reason) to the values the answer belongs to (an
    order with two products counts in both products); a dimension left out means "not applicable".
    """

    kind: str
    score: int
    answered_at: datetime
    comment: str | None = None
    segments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Scores:
    """How many answered (in all and per kind) and the CSAT and NPS they give (None without answers of the kind)."""

    responses: int
    csat_responses: int
    nps_responses: int
    csat: float | None
    nps: float | None

    def summary(self) -> dict:
        """Return the API's summary: {"responses", "csat", "nps"}."""
        return {"responses": self.responses, "csat": self.csat, "nps": self.nps}


def percent(part: int, whole: int) -> float:
    """Return part/whole in percent, rounded half away from zero to one decimal (whole > 0); never -0.0."""
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return float(value) or 0.0


def csat(scores: Iterable[int]) -> float | None:
    """Return the CSAT of 1–5 ratings: the percentage rated 4 or 5, or None without ratings."""
    ratings = list(scores)
    if not ratings:
        return None
    return percent(sum(1 for score in ratings if score >= 4), len(ratings))


def nps(scores: Iterable[int]) -> float | None:
    """Return the NPS of 0–10 ratings: % promoters (9–10) − % detractors (0–6), or None without ratings."""
    ratings = list(scores)
    if not ratings:
        return None
    promoters = sum(1 for score in ratings if score >= 9)
    detractors = sum(1 for score in ratings if score <= 6)
    return percent(promoters - detractors, len(ratings))


def score(answers: Iterable[Answer]) -> Scores:
    """Return the counts, CSAT and NPS of the answers."""
    by_kind: dict[str, list[int]] = {"csat": [], "nps": []}
    for answer in answers:
        by_kind.setdefault(answer.kind, []).append(answer.score)
    return Scores(responses=sum(len(values) for values in by_kind.values()),
                  csat_responses=len(by_kind["csat"]), nps_responses=len(by_kind["nps"]),
                  csat=csat(by_kind["csat"]), nps=nps(by_kind["nps"]))


@dataclass(frozen=True)
class SegmentRow:
    """One value of a dimension (a broadcast, a product, an agent, a reason) with its scores and top words."""

    dimension: str
    value: str
    scores: Scores
    top_words: list[tuple[str, int]]


def segment(answers: Sequence[Answer], dimension: str, words: int = 5) -> list[SegmentRow]:
    """Return the rows of one dimension, most answers first (ties by value); answers without it are left out."""
    groups: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        for value in dict.fromkeys(answer.segments.get(dimension, ())):  # once per value, in order
            groups[value].append(answer)
    rows = [SegmentRow(dimension, value, score(group), top_terms((a.comment for a in group), words))
            for value, group in groups.items()]
    return sorted(rows, key=lambda row: (-row.scores.responses, row.value))


def week_start(at: datetime, zone: tzinfo = timezone.utc) -> date:
    """Return the Monday of the week (in zone) that holds the instant at."""
    local = at.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


@dataclass(frozen=True)
class WeekRow:
    """One week (Monday to Sunday in the chosen zone) and the scores of the answers given in it."""

    week: date
    scores: Scores


def weekly(answers: Sequence[Answer], zone: tzinfo = timezone.utc) -> list[WeekRow]:
    """Return one row per week from the first answer's week to the last one's, oldest first; weeks without
    answers are kept (responses 0, scores None) so a chart shows the gap. At most MAX_WEEKS, the newest."""
    if not answers:
        return []
    groups: dict[date, list[Answer]] = defaultdict(list)
    for answer in answers:
        groups[week_start(answer.answered_at, zone)].append(answer)
    last = max(groups)
    first = max(min(groups), last - timedelta(weeks=MAX_WEEKS - 1))
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return [WeekRow(week, score(groups.get(week, []))) for week in weeks]
