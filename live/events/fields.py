"""The field checks every event parser uses (pure): ids, texts, times and amounts, each failing with the field's path."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from app.http.validation import DECIMAL_TEXT, TimestampError, is_path_segment, parse_timestamp

MAX_ID = 128
MAX_REF = 64  # platform ids stored in 64-character columns (viewer, buyer, order, SKU, comment)
MAX_TEXT = 2000


@dataclass(frozen=True)
class EventError:
    """Why one event was rejected: a stable code, the field at fault and a sentence."""

    code: str
    field: str
    message: str

    def as_dict(self) -> dict:
        """Return the error as the API's JSON error object."""
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass
class ParsedEvent:
    """A validated event: its id, type, aware UTC time and the normalised payload."""

    id: str
    type: str
    ts: datetime
    data: dict = field(default_factory=dict)


class Invalid(Exception):
    """An event field that fails its check; carries the EventError to answer."""

    def __init__(self, code: str, field_: str, message: str):
        super().__init__(message)
        self.error = EventError(code, field_, message)


def parse_ts(value, window: tuple[datetime, datetime] | None = None) -> datetime:
    """Return an aware UTC datetime from ISO-8601 with a zone or epoch milliseconds, within window when given."""
    try:
        ts = parse_timestamp(value)
    except TimestampError as error:
        raise Invalid(error.code, "ts", f"ts: {error}") from None
    if window is not None and not window[0] <= ts <= window[1]:
        raise Invalid("out_of_range", "ts", f"ts must be between {window[0].isoformat()} and "
                                             f"{window[1].isoformat()} for this broadcast")
    return ts


def encodable(value: str, path: str) -> str:
    """Return value, or reject it when it holds a lone surrogate (no UTF-8 form: no database can store it)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("invalid_character", path, f"{path} must not contain lone surrogates") from None
    return value


def text_field(obj: dict, key: str, path: str, required: bool = True, max_len: int = MAX_ID,
            free_text: bool = False, ident: bool = False) -> str | None:
    """Return obj[key] as a string of at most max_len characters holding more than whitespace.

    Absent, null, empty or blank (whitespace only) is missing: a required field is refused (missing_field, as the
    API documents it), an optional one is None, as if left out. A value with text is kept as sent, spaces and all.

    PostgreSQL text cannot hold NUL. In an id or code it is refused (the event is rejected, naming the
    field); in free text typed by a person (names, addresses, nicknames, chat, reasons) it becomes U+FFFD,
    so one hostile character does not cost the buyer their order or the viewer their message. The event
    log keeps the original either way. A lone surrogate (no UTF-8 form, so no column can hold it) is a broken
    encoding, never typed: the event is rejected, naming the field.
    """
    value = obj.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid("missing_field", path, f"{path} is required")
        return None
    if not isinstance(value, str):
        raise Invalid("invalid_type", path, f"{path} must be a string")
    if len(value) > max_len:
        raise Invalid("too_long", path, f"{path} is longer than {max_len} characters")
    encodable(value, path)
    if ident and not is_path_segment(value):
        # Routes name orders, products and viewers by these ids in one path segment: such an id would be unreachable.
        raise Invalid("invalid_character", path, f"{path} must not contain / or be . or ..")
    if "\x00" in value:
        if not free_text:
            raise Invalid("invalid_character", path, f"{path} must not contain NUL characters")
        value = value.replace("\x00", "\ufffd")
    return value


def parse_amount(value, path: str) -> Decimal:
    """Return a non-negative Decimal amount from a JSON number or numeric string."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise Invalid("missing_field" if value is None else "invalid_type", path, f"{path} must be a decimal amount")
    if isinstance(value, str) and not DECIMAL_TEXT.fullmatch(value):
        raise Invalid("invalid_amount", path, f"{path} must be a decimal amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise Invalid("invalid_amount", path, f"{path} must be a decimal amount") from exc
    if not amount.is_finite() or amount < 0 or amount > Decimal(100000000):
        raise Invalid("invalid_amount", path, f"{path} must be between 0 and 100000000")
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid("invalid_amount", path, f"{path} has more than 2 decimal places")
    return amount
