"""What a detail-API call can fail with: try again later, or a refusal that retrying will not change.

The inbox worker (live/adapters/processing.py) fails a message at once on an AdapterError and tries it again
later on any other exception: ``DetailRejected`` is an AdapterError (code ``detail_rejected``, field the API
call), ``DetailUnavailable`` is not.
"""
from __future__ import annotations

from live.adapters.base import AdapterError


class DetailError(Exception):
    """A detail-API call failed; ``platform`` and ``call`` say which one."""

    def __init__(self, platform: str, call: str, message: str):
        """Keep the platform, the API call and a sentence."""
        Exception.__init__(self, f"{platform} {call}: {message}")
        self.platform = platform
        self.call = call
        self.message = message


class DetailUnavailable(DetailError):
    """Transient: timeout, connection error, HTTP 429 or 5xx, or the platform's own throttling, after every retry.

    The inbox worker keeps the message and processes it again later (at-least-once).
    """


class DetailRejected(DetailError, AdapterError):
    """Permanent: the platform refused the call (bad credentials, unknown order, HTTP 4xx, a business error).

    Retrying will not help: the message fails at once and is listed with the connection's rejected messages;
    fix the connection's settings, then replay it.
    """

    def __init__(self, platform: str, call: str, message: str):
        """Keep the platform, call and sentence, and the AdapterError triple."""
        DetailError.__init__(self, platform, call, message)
        self.code = "detail_rejected"
        self.field = call

    def as_dict(self) -> dict:
        """Return the ``{"error": {...}}`` body of this refusal."""
        return {"error": {"code": self.code, "field": self.field, "message": f"{self.platform}: {self.message}"}}
