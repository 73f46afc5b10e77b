"""RFM scoring (recency, frequency, monetary) and segments of customers: pure functions, no app or database.

A customer's values: ``recency_days`` since their last paid order (None: never paid), ``frequency`` = paid
orders and ``monetary`` = paid amount minus refunds over the policy window (12 months by default).

Each value gets a score 1–5 against four cut points. Frequency and monetary: with a base of at least
``min_base`` paying customers the cut points are the base's quintiles (20/40/60/80 %, nearest rank); a smaller
base uses the fixed cut points of the policy, because quintiles of a handful of buyers say little. Recency always
uses the policy's day thresholds: days are absolute, and quintiles would rate a shop whose buyers all bought
today as all "long ago". Frequency and monetary score one point more for every cut point they exceed; recency one
point more for every cut point it stays under. Equal values always get equal scores (ties never split), and a
customer with no paid order in the window scores 1 on F and M.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

SEGMENTS = ("champions", "loyal", "new", "promising", "needs_attention", "at_risk", "hibernating", "prospect")


@dataclass(frozen=True)
class RfmValues:
    """What RFM is computed from for one customer."""

    recency_days: int | None
    frequency: int
    monetary: Decimal


@dataclass(frozen=True)
class RfmCuts:
    """Four ascending cut points per measure (recency in days, monetary in yuan)."""

    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]
    source: str = "policy"  # "quintiles" when taken from the customer base

    def as_dict(self) -> dict:
        """Return the cut points as JSON (stored with the policy after each recalculation)."""
        return {"recency": list(self.recency), "frequency": list(self.frequency),
                "monetary": list(self.monetary), "source": self.source}

    @classmethod
    def from_dict(cls, data: dict) -> RfmCuts:
        """Return the cut points stored by as_dict; raises ValueError when they are not four numbers each."""
        cuts = {key: tuple(float(value) for value in data[key]) for key in ("recency", "frequency", "monetary")}
        if any(len(values) != 4 for values in cuts.values()):
            raise ValueError("RFM cuts need four values per measure")
        return cls(**cuts, source=str(data.get("source", "policy")))


@dataclass(frozen=True)
class RfmPolicy:
    """When quintiles are used, and the fixed cut points otherwise."""

    min_base: int = 20
    fixed: RfmCuts = RfmCuts(recency=(30, 60, 120, 240), frequency=(1, 2, 4, 8), monetary=(200, 500, 1500, 5000))


@dataclass(frozen=True)
class RfmScore:
    """A customer's RFM: values, scores 1–5, the three digits as one code ("545") and the segment."""

    recency_days: int | None
    frequency: int
    monetary: Decimal
    r: int
    f: int
    m: int
    segment: str

    @property
    def score(self) -> str:
        """Return the three scores as one code, R then F then M ("545")."""
        return f"{self.r}{self.f}{self.m}"

    def as_dict(self) -> dict:
        """Return the JSON form of the API: recency_days, frequency, monetary (string), r, f, m, score, segment."""
        return {"recency_days": self.recency_days, "frequency": self.frequency, "monetary": f"{self.monetary:.2f}",
                "r": self.r, "f": self.f, "m": self.m, "score": self.score, "segment": self.segment}


def quintile_cuts(values: Sequence[float]) -> tuple[float, ...]:
    """Return the 20th, 40th, 60th and 80th percentile of values (nearest rank, lower); values must not be empty."""
    ordered = sorted(values)
    n = len(ordered)
    return tuple(ordered[max(0, math.ceil(n * share / 5) - 1)] for share in (1, 2, 3, 4))


def base_cuts(base: Sequence[RfmValues], policy: RfmPolicy) -> RfmCuts:
    """Return the cut points for a customer base: F and M quintiles over paying customers, or the policy's fixed ones.

    Only customers with a paid order in the window form the base; recency keeps the policy's day thresholds.
    """
    paying = [values for values in base if values.frequency > 0]
    if len(paying) < policy.min_base:
        return policy.fixed
    return RfmCuts(recency=policy.fixed.recency,
                   frequency=quintile_cuts([values.frequency for values in paying]),
                   monetary=quintile_cuts([float(values.monetary) for values in paying]), source="quintiles")


def higher_score(value: float, cuts: Sequence[float]) -> int:
    """Return 1 plus the number of cut points value exceeds (frequency, monetary)."""
    return 1 + sum(1 for cut in cuts if value > cut)


def recency_score(days: int | None, cuts: Sequence[float]) -> int:
    """Return 1 plus the number of cut points the days stay under (None, never paid: 1)."""
    if days is None:
        return 1
    return 1 + sum(1 for cut in cuts if days < cut)


def segment_of(r: int, f: int, m: int, frequency: int, paid_ever: bool) -> str:
    """Return the segment of R/F/M scores: the first rule that matches, in SEGMENTS order.

    champions: recent, frequent, big spenders (r, f, m ≥ 4); loyal: buy often and not long ago (f ≥ 4, r ≥ 3);
    new: one order in the window, recently (r ≥ 4); promising: recent, not yet frequent (r ≥ 4); at_risk: used
    to buy often, not lately (r ≤ 2, f ≥ 3); hibernating: not lately (r ≤ 2); needs_attention: the middle;
    prospect: never paid.
    """
    if not paid_ever:
        return "prospect"
    if r >= 4 and f >= 4 and m >= 4:
        return "champions"
    if f >= 4 and r >= 3:
        return "loyal"
    if r >= 4:
        return "new" if frequency == 1 else "promising"
    if r <= 2:
        return "at_risk" if f >= 3 else "hibernating"
    return "needs_attention"


def score(values: RfmValues, cuts: RfmCuts) -> RfmScore:
    """Return the RFM scores and segment of one customer against the cut points."""
    r = recency_score(values.recency_days, cuts.recency)
    f = higher_score(values.frequency, cuts.frequency) if values.frequency > 0 else 1
    m = higher_score(float(values.monetary), cuts.monetary) if values.frequency > 0 else 1
    segment = segment_of(r, f, m, values.frequency, values.recency_days is not None)
    return RfmScore(values.recency_days, values.frequency, values.monetary, r, f, m, segment)
