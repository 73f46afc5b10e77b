"""Tracking providers' push callbacks: each module checks a provider's signature and maps its payload onto
neutral checkpoints (pure: no Flask, no database). PROVIDERS names the ones /api/v1/tracking/<provider> takes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from orders.fulfilment.rules import Checkpoint

PROVIDERS = ("kuaidi100", "kdniao", "generic")
MAX_PARCELS = 100
MAX_TRACES = 500
# Providers in China write local wall-clock times ("2024-05-01 09:30:00") without a zone: Beijing time.
CHINA = timezone(timedelta(hours=8))


class PayloadError(ValueError):
    """A callback body that cannot be read; nothing of it is stored."""


@dataclass(frozen=True)
class ParcelUpdate:
    """Checkpoints a provider reported for one parcel, named by the provider's carrier code and the number."""

    provider_carrier: str
    tracking_no: str
    checkpoints: tuple[Checkpoint, ...]


def china_time(text: object) -> datetime | None:
    """Return a provider's "YYYY-MM-DD HH:MM:SS" Beijing time as aware UTC, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        local = datetime.strptime(text.strip()[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=CHINA).astimezone(timezone.utc)


def bounded_text(value: object, limit: int) -> str | None:
    """Return value as stripped text cut to limit, without NUL, or None when empty or not text."""
    if not isinstance(value, (str, int)):
        return None
    # NUL and lone surrogates (valid JSON escapes) fit no database column: they are dropped.
    text = str(value).replace("\x00", "").encode("utf-8", "ignore").decode("utf-8").strip()
    return text[:limit] or None
