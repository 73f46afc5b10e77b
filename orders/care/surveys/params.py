"""Reading the survey filters of a query string (broadcast_id, from, to, kind, tz) and the dates of a campaign."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import ApiError
from app.http import validation
from orders.care.surveys.models import SURVEY_KINDS
from orders.care.surveys.queries import Scope

EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)
MAX_ZONE = 64
FILTER_KEYS = ("broadcast_id", "from", "to", "kind", "tz")


def moment(raw, key: str, end_of_day: bool) -> datetime | None:
    """Return a date (a whole UTC day: its start, or its last instant for end_of_day) or an ISO-8601 time with a
    zone as aware UTC; None when empty; ApiError 400 naming key otherwise."""
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        raise ApiError(400, "invalid_query", f"{key} must be a date or time of at most 40 characters", key)
    try:
        if len(raw) == 10:
            found = datetime.combine(date.fromisoformat(raw), time.min, tzinfo=timezone.utc)
            found += timedelta(days=1, microseconds=-1) if end_of_day else timedelta(0)
        else:
            found = validation.parse_timestamp(raw)
    except (ValueError, validation.TimestampError):
        raise ApiError(400, "invalid_query", f"{key} must be a date (2026-05-01) or an ISO-8601 time with a zone",
                       key) from None
    if not EARLIEST <= found < LATEST:
        raise ApiError(400, "invalid_query", f"{key} must be between 2000 and 2099", key)
    return found


def read_scope(args) -> Scope:
    """Return the Scope of a query string, or raise ApiError (400) naming the first bad parameter."""
    broadcast_id = validation.query_int(args, "broadcast_id", default=0, maximum=validation.MAX_ID) or None
    since, until = moment(args.get("from"), "from", False), moment(args.get("to"), "to", True)
    if since and until and since > until:
        raise ApiError(400, "invalid_query", "from must not be after to", "to")
    kind = args.get("kind") or None
    if kind is not None and kind not in SURVEY_KINDS:
        raise ApiError(400, "invalid_query", f"kind must be one of {', '.join(SURVEY_KINDS)}", "kind")
    return Scope(broadcast_id, since, until, kind)


def read_zone(args) -> tzinfo:
    """Return the IANA zone the weekly trend is cut in (tz; UTC when absent); 400 for an unknown zone."""
    name = (args.get("tz") or "").strip() or "UTC"
    if len(name) > MAX_ZONE or ".." in name or not all(ch.isalnum() or ch in "/_+-" for ch in name):
        raise ApiError(400, "invalid_query", "tz must be an IANA time zone name such as Asia/Shanghai", "tz")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ApiError(400, "invalid_query", "tz must be an IANA time zone name such as Asia/Shanghai", "tz") from None


def link_args(args) -> dict[str, str]:
    """Return the non-empty filter parameters of a query string, to carry into CSV and trend links."""
    return {key: args[key] for key in FILTER_KEYS if args.get(key)}
