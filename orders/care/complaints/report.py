"""The cause report (改进): complaints by week, broadcast, product, category and root cause, with the actions taken
and what was learned (the notes of process changes). The grouping is pure; load_report reads the rows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.models import Broadcast
from orders.care.complaints.codes import ACTIONS
from orders.care.complaints.models import Complaint
from orders.models import Product, ProductVariant

MAX_DAYS = 366
MAX_ROWS = 50_000
LESSONS_SHOWN = 5


@dataclass(frozen=True)
class ComplaintFact:
    """What the report needs of one complaint."""

    received_on: date  # in the calendar's zone
    broadcast_id: int | None
    sku: str | None
    category: str
    root_cause: str | None
    status: str
    breached: bool
    actions: tuple[dict, ...] = ()


@dataclass
class ReportLine:
    """One group of the report: its key, counts, actions taken and lessons."""

    week: date
    broadcast_id: int | None
    sku: str | None
    category: str
    root_cause: str | None
    complaints: int = 0
    resolved: int = 0
    breached: int = 0
    actions: Counter = field(default_factory=Counter)
    lessons: list[str] = field(default_factory=list)


def week_of(day: date) -> date:
    """Return the Monday of day's ISO week."""
    return day - timedelta(days=day.weekday())


def group(facts: list[ComplaintFact]) -> list[ReportLine]:
    """Return the report lines: newest week first, then by complaints (most first), broadcast, product, category."""
    lines: dict[tuple, ReportLine] = {}
    for fact in facts:
        key = (week_of(fact.received_on), fact.broadcast_id, fact.sku, fact.category, fact.root_cause)
        line = lines.get(key) or lines.setdefault(key, ReportLine(*key))
        line.complaints += 1
        line.resolved += fact.status in ("resolved", "closed")
        line.breached += fact.breached
        for action in fact.actions:
            line.actions[action["kind"]] += 1
            note = action.get("note")
            if action["kind"] == "process_change" and note and note not in line.lessons:
                line.lessons.append(note)
    return sorted(lines.values(), key=lambda l: (-l.week.toordinal(), -l.complaints, l.broadcast_id or 0,
                                                 l.sku or "", l.category, l.root_cause or ""))


def totals(facts: list[ComplaintFact]) -> dict:
    """Return the complaints per category, per root cause (unknown: "") and the actions taken, over all facts."""
    return {"by_category": dict(Counter(f.category for f in facts).most_common()),
            "by_root_cause": dict(Counter(f.root_cause or "" for f in facts).most_common()),
            "actions": {kind: sum(1 for f in facts for a in f.actions if a["kind"] == kind) for kind in ACTIONS},
            "complaints": len(facts)}


def load_facts(session: Session, start: date, end: date, zone: str,
               broadcast_id: int | None = None) -> list[ComplaintFact]:
    """Return the facts of complaints received from start to end (local dates of zone, both included)."""
    tz = ZoneInfo(zone)
    since = datetime.combine(start, time(), tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time(), tzinfo=tz)
    query = (sa.select(Complaint.received_at, Complaint.broadcast_id, Complaint.sku, Complaint.category,
                       Complaint.root_cause, Complaint.status, Complaint.first_response_breached_at,
                       Complaint.resolution_breached_at, Complaint.actions)
             .where(Complaint.received_at >= since, Complaint.received_at < until)
             .order_by(Complaint.received_at).limit(MAX_ROWS))
    if broadcast_id is not None:
        query = query.where(Complaint.broadcast_id == broadcast_id)
    return [ComplaintFact(row.received_at.astimezone(tz).date(), row.broadcast_id, row.sku, row.category,
                          row.root_cause, row.status,
                          row.first_response_breached_at is not None or row.resolution_breached_at is not None,
                          tuple(row.actions or ())) for row in session.execute(query)]


def names(session: Session, lines: list[ReportLine]) -> tuple[dict[int, str], dict[str, str]]:
    """Return the titles of the lines' broadcasts and the names of their products (a variant: product · variant)."""
    broadcast_ids = {l.broadcast_id for l in lines if l.broadcast_id is not None}
    skus = {l.sku for l in lines if l.sku}
    titles = dict(session.execute(sa.select(Broadcast.id, Broadcast.title).where(Broadcast.id.in_(broadcast_ids)))
                  .all()) if broadcast_ids else {}
    products: dict[str, str] = {}
    if skus:
        products.update(session.execute(sa.select(Product.sku, Product.name).where(Product.sku.in_(skus))).all())
        for sku, variant, product in session.execute(
                sa.select(ProductVariant.sku, ProductVariant.name, Product.name)
                .join(Product, Product.id == ProductVariant.product_id).where(ProductVariant.sku.in_(skus))):
            products[sku] = f"{product} · {variant}"
    return titles, products


CSV_COLUMNS = ("week", "broadcast_id", "broadcast", "sku", "product", "category", "root_cause", "complaints",
               "resolved", "breached", *ACTIONS, "lessons")


def line_to_dict(line: ReportLine, titles: dict[int, str], products: dict[str, str]) -> dict:
    """Return a report line as JSON-ready data (and a CSV row: the keys are CSV_COLUMNS)."""
    return {"week": line.week.isoformat(), "broadcast_id": line.broadcast_id,
            "broadcast": titles.get(line.broadcast_id) if line.broadcast_id is not None else None,
            "sku": line.sku, "product": products.get(line.sku) if line.sku else None, "category": line.category,
            "root_cause": line.root_cause, "complaints": line.complaints, "resolved": line.resolved,
            "breached": line.breached, **{kind: line.actions.get(kind, 0) for kind in ACTIONS},
            "lessons": " | ".join(line.lessons[:LESSONS_SHOWN])}


def build_report(session: Session, start: date, end: date, zone: str, broadcast_id: int | None = None) -> dict:
    """Return the cause report of complaints received from start to end: {"lines", "totals", "from", "to", "zone"}."""
    facts = load_facts(session, start, end, zone, broadcast_id)
    lines = group(facts)
    titles, products = names(session, lines)
    return {"from": start.isoformat(), "to": end.isoformat(), "zone": zone, "broadcast_id": broadcast_id,
            "totals": totals(facts), "lines": [line_to_dict(line, titles, products) for line in lines]}
