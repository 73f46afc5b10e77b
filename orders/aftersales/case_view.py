"""What the case page shows of a timeline step's data, and the case's photos as links (pure but for the words).

Photos are addresses the buyer or the platform sent: the page shows them as text links that open in a new tab
(rel=noopener), never as images, so nothing remote loads into the console (its CSP forbids it too).
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from orders.aftersales import strings
from orders.aftersales.ledger import LineValue, covered_value

MAX_PHOTOS = 20
MAX_URL = 500
DETAIL_LABELS = {"type": _l("Case type"), "reason": _l("Reason"), "responsibility": _l("Responsibility"),
                 "amount": _l("Amount"), "total": _l("Refund total"), "received": _l("Units received"),
                 "sellable": _l("Sellable"), "sent": _l("Sent"), "carrier": _l("Carrier"), "tracking": _l("Tracking"),
                 "refund_id": _l("Refund"), "restock_failed": _l("Not put back on stock"), "timer": _l("Timer")}
CODE_KEYS = frozenset({"tracking", "refund_id", "carrier"})
_WORDS = {"type": strings.TYPE_LABELS, "reason": strings.REASON_LABELS,
          "responsibility": strings.RESPONSIBILITY_LABELS, "timer": strings.DEADLINE_LABELS}


def _units(value: dict) -> str:
    return _(", ").join(f"{sku} ×{qty}" for sku, qty in value.items())


def step_details(step: dict) -> list[tuple[str, str, bool]]:
    """Return (label, text, is_code) of what a timeline step recorded, in DETAIL_LABELS order (other keys are left
    out); is_code marks SKUs, ids and tracking numbers, shown as code."""
    data = step.get("data") or {}
    shown = []
    for key, label in DETAIL_LABELS.items():
        value = data.get(key)
        if value is None or value == {} or value == []:
            continue
        if key in _WORDS:
            text = strings.label(_WORDS[key], str(value))
        elif key in ("amount", "total"):
            text = f"¥{value}"
        elif isinstance(value, dict):
            text = _units(value)
        elif isinstance(value, list):
            text = _(", ").join(str(item) for item in value)
        else:
            text = str(value)
        shown.append((str(label), text, key in CODE_KEYS or isinstance(value, (dict, list))))
    if data.get("auto"):
        shown.append((str(_l("By")), _("the timer (nobody answered in time)"), False))
    return shown


def is_web_address(url: str) -> bool:
    """Return True for an http(s) address with a host (anything else is shown as text, not linked)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _photo_urls(values: Iterable) -> Iterable[str]:
    for value in values or ():
        if isinstance(value, str) and value.strip():
            yield value.strip()[:MAX_URL]
        elif isinstance(value, dict) and isinstance(value.get("url"), str):
            yield value["url"].strip()[:MAX_URL]


def photo_links(case, timeline: list[dict]) -> list[dict]:
    """Return the case's photos, first sent first, each {"url", "link"} (link: an http(s) address to open)."""
    urls = list(_photo_urls(getattr(case, "photos", None) or ()))
    for step in timeline:
        urls += _photo_urls((step.get("data") or {}).get("photos") or ())
    unique = list(dict.fromkeys(urls))[:MAX_PHOTOS]
    return [{"url": url, "link": is_web_address(url)} for url in unique]


def line_remaining(line: dict) -> int:
    """Return the units of a case line (as serialized) not received yet."""
    return line["qty"] - line["received_qty"]


def line_received(line: dict) -> int:
    """Return the units of a case line that came back."""
    return line["received_qty"]


def line_qty(line: dict) -> int:
    """Return the units a case line is about."""
    return line["qty"]


def suggested_refund(values: list[LineValue], available: Decimal, requested: Decimal | None) -> Decimal:
    """Return the goods amount the refund form starts with: what the case's lines are still worth (or, without
    lines, the amount asked), never more than may still be refunded."""
    wanted = covered_value(values, None) if values else (requested if requested is not None else available)
    return min(wanted, available)
