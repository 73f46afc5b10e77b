"""Reading the PII access log: who was shown which buyer's contact, when and from where, newest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.models import PII_ROLES, PiiAccessLog, User
from app.errors import ApiError
from app.http import validation

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class LogFilter:
    """Which log rows to show; None means any."""

    user_id: int | None = None
    buyer_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _conditions(wanted: LogFilter) -> list:
    """Return the WHERE conditions of a log filter."""
    found = []
    if wanted.user_id is not None:
        found.append(PiiAccessLog.user_id == wanted.user_id)
    if wanted.buyer_id is not None:
        found.append(PiiAccessLog.buyer_id == wanted.buyer_id)
    if wanted.since is not None:
        found.append(PiiAccessLog.at >= wanted.since)
    if wanted.until is not None:
        found.append(PiiAccessLog.at <= wanted.until)
    return found


def log_page(session: Session, wanted: LogFilter, page: int, per_page: int) -> tuple[list[dict], int]:
    """Return one page of log entries, newest first, as JSON-ready dicts, and how many match in all."""
    where = _conditions(wanted)
    total = int(session.scalar(sa.select(sa.func.count(PiiAccessLog.id)).where(*where)) or 0)
    rows = session.execute(
        sa.select(PiiAccessLog, User.username).join(User, User.id == PiiAccessLog.user_id).where(*where)
        .order_by(PiiAccessLog.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return [entry_to_dict(entry, username) for entry, username in rows], total


def entry_to_dict(entry: PiiAccessLog, username: str) -> dict:
    """Return one log entry: who (id and name), whose contact, which record, through what, from where, when."""
    return {"id": entry.id, "user_id": entry.user_id, "username": username, "buyer_id": entry.buyer_id,
            "subject": entry.subject, "channel": entry.channel, "remote_addr": entry.remote_addr,
            "at": entry.at.isoformat()}


def viewers(session: Session) -> list[tuple[int, str]]:
    """Return (id, username) of every user who may appear in the log (the roles that see PII), by name."""
    rows = session.execute(sa.select(User.id, User.username).where(User.role.in_(PII_ROLES)).order_by(User.username))
    return [(user_id, name) for user_id, name in rows]


def read_log_filter(args, zone: tzinfo = timezone.utc) -> LogFilter:
    """Return the log filter of a query string (user_id, buyer_id, from, to), or raise ApiError naming the field.

    A date is a whole day in zone: UTC for the API (its contract), the reader's zone on the page.
    """
    user_id = validation.query_int(args, "user_id", default=0, maximum=validation.MAX_ID) or None
    buyer_id = (args.get("buyer_id") or "").strip() or None
    if buyer_id is not None and (len(buyer_id) > 64 or not validation.encodable(buyer_id)
                                 or any(ch < " " for ch in buyer_id)):
        raise ApiError(400, "invalid_query", "buyer_id must be at most 64 characters, no control characters",
                       "buyer_id")
    since, until = _moment(args, "from", False, zone), _moment(args, "to", True, zone)
    return LogFilter(user_id, buyer_id, since, until)


def _moment(args, key: str, end_of_day: bool, zone: tzinfo) -> datetime | None:
    """Return a date (a whole day in zone; ``to`` its end) or an ISO-8601 time with a zone as aware UTC, or None."""
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) > 40:
            raise ValueError(raw)
        if len(raw) == 10:
            day = date.fromisoformat(raw) + (timedelta(days=1) if end_of_day else timedelta(0))
            moment = datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)
            moment -= timedelta(microseconds=1) if end_of_day else timedelta(0)
        else:
            moment = validation.parse_timestamp(raw)
        if not 2000 <= moment.year < 2100:
            raise ValueError(raw)
    except (ValueError, validation.TimestampError):
        raise ApiError(400, "invalid_query", f"{key} must be a date (2026-05-01) or an ISO-8601 time with a zone "
                                             "between 2000 and 2099", key) from None
    return moment
