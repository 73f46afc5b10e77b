"""The look-up's filters read from a query string, shared by GET /api/v1/orders and the look-up pages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from app.errors import ApiError
from app.http import validation
from orders.lookup.classify import MAX_QUERY, LookupTerms, LookupTextError, classify
from orders.models import ORDER_SOURCES, ORDER_STATUSES

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
# Dates outside these years are typing mistakes; bounding them also keeps every value convertible to UTC.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)
MAX_SKU = 64


@dataclass(frozen=True)
class LookupFilter:
    """What to look up: the search text's terms and the filters, each None when not asked for."""

    terms: LookupTerms | None = None
    broadcast_id: int | None = None
    status: str | None = None
    source: str | None = None
    sku: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None


FILTER_KEYS = ("q", "broadcast_id", "status", "source", "sku", "from", "to")


def link_args(args) -> dict[str, str]:
    """Return the non-empty filter parameters of a query string, to carry into paging and CSV links."""
    return {key: args[key] for key in FILTER_KEYS if args.get(key)}


def read_filter(args) -> LookupFilter:
    """Return the look-up filter of a query string, or raise ApiError (400) naming the first bad parameter."""
    try:
        terms = classify(_bounded(args, "q", MAX_QUERY) or "")
    except LookupTextError as error:
        raise ApiError(400, "invalid_query", str(error), "q") from None
    broadcast_id = validation.query_int(args, "broadcast_id", default=0, maximum=validation.MAX_ID) or None
    status = _choice(args, "status", ORDER_STATUSES)
    source = _choice(args, "source", ORDER_SOURCES)
    sku = _bounded(args, "sku", MAX_SKU)
    placed_from = _moment(args, "from", end_of_day=False)
    placed_to = _moment(args, "to", end_of_day=True)
    if placed_from is not None and placed_to is not None and placed_to < placed_from:
        raise ApiError(400, "invalid_window", "to must be after from", "to")  # as /broadcasts answers it
    return LookupFilter(terms, broadcast_id, status, source, sku, placed_from, placed_to)


def read_paging(args) -> tuple[int, int]:
    """Return (page, per_page) of a query string: page ≥ 1, per_page 1–200 (50 when absent)."""
    page = validation.query_int(args, "page", default=1, maximum=MAX_PAGE)
    per_page = validation.query_int(args, "per_page", default=DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    return page, per_page


def _bounded(args, key: str, max_len: int) -> str | None:
    """Return a trimmed text parameter, None when empty; 400 when longer than max_len."""
    raw = (args.get(key) or "").strip()
    if len(raw) > max_len:
        raise ApiError(400, "invalid_query", f"{key} must be at most {max_len} characters", key)
    if key != "q" and (not validation.encodable(raw) or any(ch < " " for ch in raw)):
        raise ApiError(400, "invalid_query", f"{key} must be text without control characters", key)
    return raw or None


def _choice(args, key: str, allowed: tuple[str, ...]) -> str | None:
    """Return a parameter that must be one of allowed, None when absent."""
    value = args.get(key) or None
    if value is not None and value not in allowed:
        raise ApiError(400, "invalid_query", f"{key} must be one of {', '.join(allowed)}", key)
    return value


def _moment(args, key: str, end_of_day: bool) -> datetime | None:
    """Return a date (a whole UTC day) or an ISO-8601 time with a zone as aware UTC; None when absent.

    A date given as ``to`` means the end of that day, so from=to=2026-05-01 is the whole day.
    """
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    if len(raw) > 40:
        raise ApiError(400, "invalid_query", f"{key} must be at most 40 characters", key)
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime.combine(day, time.min, tzinfo=timezone.utc)
            moment += timedelta(days=1, microseconds=-1) if end_of_day else timedelta(0)
        else:
            moment = validation.parse_timestamp(raw)
    except (ValueError, validation.TimestampError):
        raise ApiError(400, "invalid_query", f"{key} must be a date (2026-05-01) or an ISO-8601 time with a zone",
                       key) from None
    if not EARLIEST <= moment < LATEST:
        raise ApiError(400, "invalid_query", f"{key} must be between 2000 and 2099", key)
    return moment
