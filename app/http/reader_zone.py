"""The reader's time zone as their browser names it: static/common/zone.js keeps it in a cookie, so a page that
cuts time into days or weeks on the server (survey weeks, a log's day filter) starts in the reader's zone, the
zone every time on the page is shown in, instead of UTC. A query parameter the reader chose still wins."""
from __future__ import annotations

from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import request

ZONE_COOKIE = "livedesk_tz"
MAX_ZONE_NAME = 64


def reader_zone_name(default: str = "UTC") -> str:
    """Return the IANA name of the reader's zone from the cookie zone.js sets, or default when it is absent or
    names no zone (a cookie is what the browser sent: it is checked like any input)."""
    # zone.js writes it percent-encoded ("Asia%2FShanghai"), and cookies reach Flask as sent.
    name = unquote(request.cookies.get(ZONE_COOKIE) or "")[:MAX_ZONE_NAME + 1].strip()
    if not name or len(name) > MAX_ZONE_NAME or ".." in name or not all(ch.isalnum() or ch in "/_+-" for ch in name):
        return default
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default
    return name
