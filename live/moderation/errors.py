"""The one error the moderation services raise; the API answers it as JSON naming the field."""
from __future__ import annotations


class ModerationError(Exception):
    """A moderation request that cannot be applied: HTTP status, stable code, field at fault, sentence."""

    def __init__(self, status: int, code: str, field: str | None, message: str):
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message
