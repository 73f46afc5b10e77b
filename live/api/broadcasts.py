"""/api/v1 broadcast endpoints: create, list (by status and date), show, edit, start, end and the host page's snapshot."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from flask import g, jsonify, request

from app import realtime
from app.auth.pii import log_unmasked_view
from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from live import broadcasts as lineup
from live.adapters.registry import PLATFORMS as ADAPTER_PLATFORMS
from live.api.blueprint import as_api_error, bp, find_broadcast
from live.events import at_window
from live.models import BROADCAST_STATUSES
from live.snapshot import broadcast_snapshot

LIST_EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LIST_AHEAD = timedelta(days=2 * 366)  # list filters reach past the furthest planned start
# The platforms LiveDesk knows (every adapter's, and the shops the console's form offers). A broadcast on another
# platform, fed by a script through the events API, is a legitimate use: its name is kept, written as a name.
FORM_PLATFORMS = ("douyin", "kuaishou", "taobao", "tiktok", "wechat")  # the console's New broadcast form offers these
KNOWN_PLATFORMS = tuple(sorted({*ADAPTER_PLATFORMS, *FORM_PLATFORMS}))
PLATFORM_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")


def _planned_start(data: dict) -> datetime | None:
    """Return the body's planned_start_at (None when null or absent), within lineup.planned_window."""
    return validation.timestamp(data, "planned_start_at", window=lineup.planned_window(utcnow()))


def _platform(data: dict) -> str:
    """Return the body's platform folded to its name ("DouYin " is douyin), or raise 400 naming `platform` when it
    is no name: viewers and customers are kept per platform, so one platform must never be written two ways."""
    platform = validation.text(data, "platform", max_len=32).strip().lower()
    if not PLATFORM_NAME.fullmatch(platform):
        raise ApiError(400, "invalid_format", "platform must be a name of lowercase letters, digits, '_', '.' or '-', "
                       f"such as {', '.join(KNOWN_PLATFORMS)}", "platform")
    return platform


def query_time(key: str, window: tuple[datetime, datetime], day_end: bool = False) -> datetime | None:
    """Return a query-string time (ISO-8601 with a zone, epoch ms, or a date: a whole UTC day, its end when day_end,
    as the order look-up reads dates) within window, or None when absent."""
    raw = request.args.get(key)
    if raw in (None, ""):
        return None
    if len(raw) > 40:
        raise ApiError(400, "invalid_query", f"{key} must be ISO-8601 with a zone or epoch milliseconds", key)
    if len(raw) == 10 and raw[4:5] == "-":
        try:
            day = datetime.combine(date.fromisoformat(raw), datetime.min.time(), tzinfo=timezone.utc)
        except ValueError:
            raise ApiError(400, "invalid_query", f"{key} must be a date (2026-05-01), ISO-8601 with a zone or "
                                                 "epoch milliseconds", key) from None
        raw = (day + timedelta(days=1) if day_end else day).isoformat()
    if len(raw) > 6 and raw[-6] == " ":  # an unencoded "+08:00" arrives as " 08:00"
        raw = raw[:-6] + "+" + raw[-5:]
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else raw
    try:
        parsed = validation.parse_timestamp(value)
    except validation.TimestampError as error:
        raise ApiError(400, "invalid_query", f"{key}: {error}", key) from None
    if not window[0] <= parsed <= window[1]:
        raise ApiError(400, "out_of_range", f"{key} must be between {window[0].isoformat()} and "
                                            f"{window[1].isoformat()}", key)
    return parsed


def list_filters() -> tuple[str | None, datetime | None, datetime | None]:
    """Return (status, from, to) of a broadcast list request, or raise 400 naming the bad parameter."""
    status = request.args.get("status") or None
    if status is not None and status not in BROADCAST_STATUSES:
        raise ApiError(400, "invalid_query", f"status must be one of {', '.join(BROADCAST_STATUSES)}", "status")
    window = (LIST_EARLIEST, utcnow() + LIST_AHEAD)
    since, until = query_time("from", window), query_time("to", window, day_end=True)
    if since is not None and until is not None and until <= since:
        raise ApiError(400, "invalid_window", "to must be after from", "to")
    return status, since, until


@bp.post("/broadcasts")
@api.roles("service", "host")
def create_broadcast():
    """Create a scheduled broadcast, with an optional planned start; answers 201 with it."""
    data = api.json_body()
    title = validation.text(data, "title")
    platform = _platform(data)
    broadcast = lineup.create_broadcast(db.session, title, platform, _planned_start(data))
    db.session.commit()
    return jsonify(lineup.broadcast_to_dict(broadcast)), 201


@bp.get("/broadcasts")
def list_broadcasts():
    """List broadcasts newest first, optionally by status and by when they happen (from included, to excluded)."""
    status, since, until = list_filters()
    rows = lineup.list_broadcasts(db.session, status, since, until)
    return jsonify({"broadcasts": [lineup.broadcast_to_dict(b) for b in rows]})


@bp.get("/broadcasts/<int:broadcast_id>")
def get_broadcast(broadcast_id: int):
    """Show one broadcast."""
    return jsonify(lineup.broadcast_to_dict(find_broadcast(broadcast_id)))


@bp.patch("/broadcasts/<int:broadcast_id>")
@api.roles("service", "host")
def update_broadcast(broadcast_id: int):
    """Change a broadcast's title and/or planned start (null clears it; only before it starts)."""
    data = api.json_body()
    validation.refuse_unknown_fields(data, ("title", "planned_start_at"))
    changes = {}
    if "title" in data:
        changes["title"] = validation.text(data, "title")
    if "planned_start_at" in data:
        changes["planned_start_at"] = _planned_start(data)
    if not changes:
        raise ApiError(400, "missing_field", "send title and/or planned_start_at", "body")
    broadcast = find_broadcast(broadcast_id)
    try:
        lineup.update_broadcast(db.session, broadcast, changes)
    except lineup.BroadcastError as error:
        raise as_api_error(error) from None
    realtime.queue(db.session, broadcast.id, "broadcast.changed", {"broadcast": lineup.broadcast_to_dict(broadcast)})
    realtime.commit(db.session)
    return jsonify(lineup.broadcast_to_dict(broadcast))


@bp.post("/broadcasts/<int:broadcast_id>/<any(start, end):action>")
@api.roles("service", "host")
def change_state(broadcast_id: int, action: str):
    """Start or end a broadcast at the platform's time `at` (now when absent)."""
    data = api.json_body(optional=True)
    at = validation.timestamp(data, "at", window=at_window(utcnow()), nullable=False)
    broadcast = find_broadcast(broadcast_id)
    try:
        change = lineup.start_broadcast if action == "start" else lineup.end_broadcast
        change(db.session, broadcast, at)
    except lineup.BroadcastError as error:
        raise as_api_error(error) from None
    realtime.queue(db.session, broadcast.id, "broadcast.changed", {"broadcast": lineup.broadcast_to_dict(broadcast)})
    realtime.commit(db.session)
    return jsonify(lineup.broadcast_to_dict(broadcast))


@bp.get("/broadcasts/<int:broadcast_id>/snapshot")
def snapshot(broadcast_id: int):
    """Give the host page its starting state: latest orders, stock per product, totals and the current seq."""
    broadcast = find_broadcast(broadcast_id)
    body = broadcast_snapshot(db.session, broadcast, api.sees_pii())
    if api.sees_pii():
        log_unmasked_view(db.session, g.principal, f"broadcast:{broadcast_id}:snapshot", "snapshot")
        db.session.commit()
    return jsonify(body)
