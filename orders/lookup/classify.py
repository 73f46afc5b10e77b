"""What a look-up text can be: an order id, a buyer id, a phone (full or its last 4), a SKU or a name (pure).

The search box takes one text. It is read as every kind it could be, and each kind is matched by an indexed
equality (or, for names, an indexed prefix): a text of digits is an order id, a buyer id and a phone; a text
that looks like a SKU is also a SKU; anything else is also the start of a buyer name. No kind scans the orders.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from orders.lookup.phone import phone_digits

MAX_QUERY = 64
# Digits with the separators people type in phone numbers; "+86 138-1234-5678", "(0571) 8888 1234", "(+86)138…".
_PHONE_LIKE = re.compile(r"[(+]{0,3}[0-9][0-9 ()\-]*")
_SKU_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
# A phone shorter than this is not searched as a whole number (4 digits are its last four).
MIN_PHONE_DIGITS = 7


@dataclass(frozen=True)
class LookupTerms:
    """The indexed matches one look-up text stands for; None where the text cannot be that kind."""

    text: str
    order_id: str | None = None
    buyer_id: str | None = None
    phone: str | None = None
    phone_last4: str | None = None
    sku: str | None = None
    name_prefix: str | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return the names of the kinds the text is matched as, in a fixed order."""
        names = ("order_id", "buyer_id", "phone", "phone_last4", "sku", "name_prefix")
        return tuple(name for name in names if getattr(self, name) is not None)


class LookupTextError(ValueError):
    """The look-up text cannot be searched (longer than MAX_QUERY characters)."""


def classify(raw: str) -> LookupTerms | None:
    """Return the kinds a search text stands for, or None for an empty text; LookupTextError when unusable."""
    if len(raw or "") > MAX_QUERY:
        raise LookupTextError(f"q must be at most {MAX_QUERY} characters")
    # Control and format characters (NUL, zero-width spaces) are in no id, phone or name: they are dropped.
    folded = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cc", "Cf", "Cs")).strip()
    if not text:
        return None
    ident = text if "/" not in text and " " not in text else None
    if _PHONE_LIKE.fullmatch(text):
        digits = phone_digits(text) or ""
        return LookupTerms(
            text=text, order_id=ident, buyer_id=ident,
            phone=digits if len(digits) >= MIN_PHONE_DIGITS else None,
            phone_last4=digits if len(digits) == 4 else None,
            sku=text if _SKU_LIKE.fullmatch(text) else None,
        )
    return LookupTerms(text=text, order_id=ident, buyer_id=ident,
                       sku=text if _SKU_LIKE.fullmatch(text) else None, name_prefix=text)


def like_prefix(text: str) -> str:
    """Return a LIKE pattern matching text at the start, with LIKE's own wildcards escaped (escape char \\)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
