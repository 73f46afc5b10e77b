"""The wording helpers every buyer notice uses (pure): money, cleaned text, required keys, bilingual pairs.

Every value that came from a buyer, a viewer or a platform is inserted as data: never used as a format string,
control and bidi characters stripped, cut to a sane length. The result is plain text for a JSON channel.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Message = dict[str, str]
Context = Mapping[str, Any]

CENT = Decimal("0.01")
TEXT_LIMIT = 120
FINDING_LIMIT = 300


def money(amount: Decimal | int | str) -> str:
    """Return amount as ``¥1,234.50``: rounded half-up to the cent, thousands separated, sign in front."""
    if isinstance(amount, float):
        raise TypeError("money is Decimal, int or str, never float")
    cents = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"{sign}¥{abs(cents):,.2f}"


def clean(value: Any, limit: int = TEXT_LIMIT) -> str:
    """Return value as one line of text: control/format characters removed, spaces collapsed, cut to limit."""
    text = str(value)
    # isprintable() is False for every Cc and Cf character (and tabs and line breaks): printable text, the
    # common case, has nothing to strip, and skips the walk character by character.
    if not text.isprintable():
        text = "".join(" " if ch in "\r\n\t" else ch for ch in text)
        # Cc/Cf covers NUL, escapes and bidi overrides that could make "A1" display as something else.
        text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def require(context: Context, kind: str, *keys: str) -> None:
    """Raise ValueError naming the context keys a notice of kind needs but lacks."""
    missing = [key for key in keys if context.get(key) in (None, "", [], ())]
    if missing:
        raise ValueError(f"notice {kind!r} needs context keys {missing}")


def listing(values: Sequence[Any], sep: str) -> str:
    """Return values cleaned and joined by sep."""
    return sep.join(clean(v) for v in values)


def bilingual(value: Mapping[str, Any], limit: int = TEXT_LIMIT) -> Message:
    """Return the cleaned {"en","zh-CN"} pair of a bilingual mapping."""
    return {"en": clean(value.get("en", ""), limit), "zh-CN": clean(value.get("zh-CN", ""), limit)}



def with_reason(c: Context, en: str, zh: str) -> tuple[str, str]:
    """Return (en, zh) with the bilingual reason of the context appended, when it has one."""
    # Only a bilingual reason is shown: a plain string is an operator's or platform's note, not meant for the buyer.
    if not isinstance(c.get("reason"), Mapping):
        return en, zh
    reason = bilingual(c["reason"])
    return f"{en} Reason: {reason['en']}", f"{zh}原因：{reason['zh-CN']}"
