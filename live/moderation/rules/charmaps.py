"""Character tables used by normalisation, contact detection and claim parsing."""

from __future__ import annotations

from functools import lru_cache

# Han ideographs (URO, extension A, compatibility, extensions B+). Kana and Hangul are not
# included on purpose: separators between them are not squashed the way Han ones are.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"

# Confusable homoglyphs, applied after casefolding, so only lowercase forms are needed.
# Letters chosen from Unicode's confusables.txt where the glyphs are indistinguishable in
# common chat fonts; lookalikes that render visibly differently are left alone.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "ү": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    # Greek
    "ο": "o", "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k",
    "μ": "u", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
    # Latin lookalikes outside ASCII
    "ɡ": "g", "ı": "i", "ɑ": "a", "ɩ": "i",
}

# Characters that render as nothing (or as blank space) but are not category Cf/Mn, so a
# category test alone would keep them.
INVISIBLE = frozenset("\u3164\u115f\u1160\uffa0\u2800\u034f")

# Chinese numerals that stand for a single digit in phone numbers and ids (幺 is the
# spoken "one" used when reading numbers aloud; the financial forms are common evasions).
CN_DIGIT_CHARS = "零〇一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖"
CN_DIGIT_VALUES = "0012345678912123456789"
CN_DIGITS = str.maketrans(CN_DIGIT_CHARS, CN_DIGIT_VALUES)
_CN_VALUE = {c: int(v) for c, v in zip(CN_DIGIT_CHARS, CN_DIGIT_VALUES)}


@lru_cache(maxsize=1)
def _t2s_converter():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # imported lazily: loading its dictionaries takes a few ms

    return OpenCC("t2s")


def to_simplified(ch: str) -> str:
    """Return the Simplified Chinese form of one character (the character itself if none)."""
    if ch.isascii():
        return ch
    out = _t2s_converter().convert(ch)
    # Keep the mapping one character to one character so offsets stay exact.
    return out if len(out) == 1 else ch


def cn_number(token: str) -> int | None:
    """Return the integer written in Chinese numerals (一 … 九十九, 两, 壹…), or None."""
    digits = _CN_VALUE
    if not token:
        return None
    if "十" not in token and "拾" not in token:
        if all(c in digits for c in token):
            return int("".join(str(digits[c]) for c in token))
        return None
    tens, _, units = token.replace("拾", "十").partition("十")
    if (tens and (len(tens) > 1 or tens not in digits)) or (
        units and (len(units) > 1 or units not in digits)
    ):
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)
