"""The zone the standalone report shows its times in: parsed from a name, and applied to a built report.

The report is built in UTC (analytics/report/tables.py); the downloaded file has no script to move its times
into the reader's zone, so they are moved here, once, and the zone is named on the page (issue 10, item 24).
"""
from __future__ import annotations

import copy
from datetime import datetime, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_NAME = "UTC"
MAX_ZONE_NAME = 64


def parse_zone(name: str | None) -> ZoneInfo:
    """Return the IANA zone called name (UTC when empty); ValueError for a name that is not a known zone."""
    name = (name or "").strip() or UTC_NAME
    if len(name) > MAX_ZONE_NAME or not all(ch.isalnum() or ch in "/_+-" for ch in name) or ".." in name:
        raise ValueError("tz must be an IANA time zone name such as Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError("tz must be an IANA time zone name such as Asia/Shanghai") from error


def zone_label(zone: tzinfo, at: datetime) -> str:
    """Return "Asia/Shanghai (UTC+08:00)": the zone's name and its offset at the aware instant at (as zone.js writes it)."""
    offset = at.astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "−" if minutes < 0 else "+"
    return f"{zone} (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


def local_iso(value: str | None, zone: tzinfo) -> str | None:
    """Return an ISO 8601 instant as the zone's wall-clock time, without offset ("2024-05-02T04:00:00")."""
    if not value:
        return value
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return instant.astimezone(zone).replace(tzinfo=None).isoformat()


def in_zone(report: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """Return a copy of a built report with every time it shows as wall-clock time in zone, and the zone's label."""
    shown = copy.deepcopy(report)
    broadcast = shown["broadcast"]
    for key in ("started_at", "ended_at"):
        broadcast[key] = local_iso(broadcast[key], zone)
    shown["generated_at"] = local_iso(shown["generated_at"], zone)
    # The tables share their rows with the metrics (deepcopy keeps that): each row is moved once.
    minutes = {id(row): row for row in shown["metrics"].get("timeline", []) + shown["tables"].get("timeline", [])}
    for row in minutes.values():
        row["minute"] = local_iso(row["minute"], zone)
    for row in shown["tables"].get("comparison", []):
        row["started_at"] = local_iso(row.get("started_at"), zone)
    for interval in shown.get("pinned", []):
        interval["start"], interval["end"] = local_iso(interval["start"], zone), local_iso(interval["end"], zone)
    shown["zone"] = zone_label(zone, datetime.fromisoformat(report["generated_at"]))
    return shown
