"""Purchase claims (``SOLD A12 M 2``, ``拍了 2件 A12``, ``+1``) and questions for the host.

Both parse the folded text (NFKC, casefolded, Simplified), not the squashed key: sizes such
as ``xxl`` must keep their doubled letters and questions keep their ``?``.

A quantity the buyer wrote is never silently changed: "1000件" stays 1000 (the line-up's limit then refuses
the claim with a reason the host sees), and a quantity of no units ("0件", "+0", "0.5件") makes no claim.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from live.moderation.rules.charmaps import CN_DIGIT_CHARS, CN_DIGIT_VALUES, cn_number
from live.moderation.rules.contacts import LOCAL_NUMBER
from live.moderation.rules.normalize import Normalized, normalize

__all__ = ["Claim", "ClaimTerms", "claim_terms", "is_question", "parse_claim"]

_CN_NUMERALS = "一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
_UNITS = "件|个|份|套|单|条|双|盒|瓶|支|包|袋|pcs|pc"
# Two-character colours first: "米白色" is off-white, not white.
_COLOURS = "米白|卡其|藏青|酒红|黑|白|红|蓝|绿|黄|灰|粉|紫|棕|米|咖|驼|橙|杏|金|银"
# Chinese numerals a quantity may be written in: "一百件", "两千件", "一百零五件" (零 only inside a number:
# "零件" is a spare part).
_CN_LARGE = "百佰千仟万"
_CN_QTY_FIRST = _CN_NUMERALS + _CN_LARGE
_CN_QTY = _CN_QTY_FIRST + "零〇"
_CN_DIGIT_VALUE = {c: int(v) for c, v in zip(CN_DIGIT_CHARS, CN_DIGIT_VALUES)}
_CN_POWERS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10_000}
# A quantity is kept as written up to here; a longer figure is recorded as this, which is over every
# claim limit all the same (and still fits a database integer).
MAX_KEPT_QTY = 999_999_999
# A colour named without 色 ("3号 L 藏青", "3号藏青", "黑的") counts only as a word of its own: next to another
# Chinese character it is part of a word ("粉丝", "明白", "红包", "咖啡"); after a number it is a unit ("3米").
_CJK = "\u3400-\u9fff"
# One pass splits a message into the tokens a claim is made of; most chat has none. The
# alternatives are tried in order at each position (so "拍了" is a strong verb before "拍" is
# a weak one) and each token consumes its characters (so "12" in "a12" is no quantity).
# The leading lookahead lists every possible first character: the engine then skips other
# positions at C speed instead of trying each alternative there.
_TOKEN = re.compile(
    rf"(?=[a-z\d+*×拍已下付抢拿均大中小加要买来订黑白红蓝绿黄灰粉紫棕米咖卡藏酒驼橙杏金银{_CN_QTY_FIRST}])(?:"
    r"(?P<strong>(?<![a-z])sold(?![a-z])|拍了|已拍|拍下|下单了|已下单|已付|付了|抢到|拿下)"
    r"|(?P<size>(?<![a-z0-9'’])(?:xxxl|xxl|xl|[2-6]xl|xs|s|m|l)(?![a-z0-9])(?:\s*(?:码|号))?"
    rf"|\d{{2,3}}\s*码|均码|大码|中码|小码|加大码|(?:{_COLOURS})色)"
    rf"|(?P<colour>(?<![\d.])(?:(?<=[号码])|(?<![{_CJK}]))(?:{_COLOURS})(?:(?=的)|(?![{_CJK}])))"
    rf"|(?P<unit>(?:(?<![\d.])\d+(?:\.\d+)?|[{_CN_QTY_FIRST}][{_CN_QTY}]{{0,7}})\s*(?:{_UNITS})(?![a-z]))"
    r"|(?P<times>(?:(?<![a-z0-9])x|[*×])\s*\d+(?:\.\d+)?(?![\d.]))"
    rf"|(?P<plus>(?<![\w+])\+\s*\d{{1,4}}(?!\d)(?!{LOCAL_NUMBER}))"
    r"|(?P<weak>(?<![不需主重只])要(?!不)|买(?!的)|拍(?!的)|抢|(?<![出起过])来(?!了)|订"
    r"|(?<![a-z])(?:take|buy|want|order|mine)(?![a-z]))"
    r"|(?P<sku>(?<![a-z0-9#])[a-z]{1,3}-?\d{1,4}(?![a-z0-9]))"
    r"|(?P<bare>(?<![\w.\-+])\d{1,4}(?![\w.%]))"
    r")"
)
_VARIANT_KINDS = ("size", "colour")
# What may follow a bare number that names a link: "SOLD 8 M 1", "拍 2 黑色", "SOLD 8 2件".
_FOLLOWING = (*_VARIANT_KINDS, "bare", "unit", "times", "plus")
# A necessary condition for any claim (a plus, a verb or a SKU-like letter+digit), cheap to
# test; it spares the tokenizer for most chat.
_GATE = re.compile(r"[+拍单付抢拿要买来订]|[a-z]-?\d|sold|take|buy|want|order|mine")
_LEADING_NUMBER = re.compile(rf"\d+|[{_CN_NUMERALS}]+")
_SIZE_PARTS = re.compile(r"(xxxl|xxl|xl|[2-6]xl|xs|s|m|l)|(\d{2,3})|(均码|大码|中码|小码|加大码)|(.+)")
_QUESTION = re.compile(
    r"(?=[?？多几价什有怎如咋能可是哪为吗呢hpdiacw])"
    r"(?:[?？]|多少|几块|几元|价格|什么价|有没有|有吗|怎么|如何|咋|能不能|可不可以"
    r"|可以吗|是不是|什么时候|哪里|为什么|吗\s*$|呢\s*$"
    r"|(?<![a-z])(?:how much|how many|how do|how to|price|do you have|is there|are there"
    r"|can i|what|when|where|which|does it|is it)(?![a-z]))"
)


# The link a claim names: "3号", "3号链接", "三号", "链接3", "link 3", "#3". A number before 号 is a link, never a size
# ("38码" is a size). The claim's SKU-like code ("A12") is the other way to name a product.
_LINK = re.compile(
    rf"(?:链接|link|#|no\.?)\s*(\d{{1,3}}|[{_CN_NUMERALS}]{{1,3}})(?!\d)"
    rf"|(?<!\d)(\d{{1,3}}|[{_CN_NUMERALS}]{{1,3}})\s*号"
)


class Claim(NamedTuple):
    """A purchase claim: SKU, variant (size/colour) and quantity, each None when absent."""

    sku: str | None = None
    variant: str | None = None
    qty: int | None = None

    def as_dict(self) -> dict[str, str | int | None]:
        """Return the claim as a JSON-ready dict."""
        return {"sku": self.sku, "variant": self.variant, "qty": self.qty}


def _folded(text: str | Normalized) -> str:
    return text.folded if isinstance(text, Normalized) else normalize(text).folded


def _number(token: str) -> int | None:
    found = _LEADING_NUMBER.search(token)
    if found is None:
        return None
    digits = found.group()
    value = int(digits) if digits.isdigit() else cn_number(digits)
    return value if value and value <= 999 else None


def _cn_quantity(numerals: str) -> int | None:
    """Return the number written in Chinese numerals ("两" 2, "一百零五" 105, "一百二" 120), or None."""
    if not any(char in _CN_LARGE for char in numerals):
        return cn_number(numerals)
    total = section = 0
    digit: int | None = None
    for char in numerals:
        if char in _CN_DIGIT_VALUE:
            digit = _CN_DIGIT_VALUE[char]
        elif char == "万":
            total = (total + section + (digit or 0) or 1) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _CN_POWERS[char]
            digit = None
    tail = digit or 0
    if len(numerals) > 1 and _CN_POWERS.get(numerals[-2], 0) >= 100:
        tail *= _CN_POWERS[numerals[-2]] // 10  # said short: "一百二" is 120, "三万五" 35,000
    return total + section + tail


def _quantity(token: str) -> int | None:
    """Return the units a quantity token asks for, as written up to MAX_KEPT_QTY: 0 when it asks for none (a zero
    or a fraction of a unit), None when its numerals do not read as a number."""
    written = re.search(rf"\d+(?:\.\d+)?|[{_CN_QTY}]+", token).group()  # type: ignore[union-attr]
    if "." in written:
        whole, _, fraction = written.partition(".")
        value: int | None = 0 if fraction.strip("0") else int(whole)
    else:
        value = int(written) if written.isdigit() else _cn_quantity(written)
    return None if value is None else min(value, MAX_KEPT_QTY)


def _variant(token: str) -> str:
    size, shoe, named, colour = _SIZE_PARTS.match(token).groups()  # type: ignore[union-attr]
    if size:
        return size.upper()
    return shoe or named or colour


class _Reading(NamedTuple):
    """What a claim's tokens say: the code, the link named by a bare number, variant tokens and the quantity; the
    bare numbers that named no link (each may be a numeric size: "SOLD A4 39 1") and whether the quantity is the
    first of them."""

    sku: str | None
    bare_link: str | None
    variants: tuple[str, ...]
    qty: int | None
    numbers: tuple[str, ...] = ()
    qty_from_number: bool = False


def _bare_numbers(folded: str, tokens: list[re.Match[str]], named: bool,
                  written: bool) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Return (the link a bare number names, the bare number that is the quantity, the bare numbers that name no
    link), the first two None when there is none.

    named: the message names its product by a code; written: it writes its quantity with a unit, x or +.
    """
    link, quantity, bares = _bare_link_and_quantity(folded, tokens, named, written)
    return link, quantity, tuple(token.group() for token in bares)


def _bare_link_and_quantity(folded: str, tokens: list[re.Match[str]], named: bool,
                            written: bool) -> tuple[str | None, str | None, list[re.Match[str]]]:
    """Return (the link a bare number names, the bare number that is the quantity, the bare numbers of the claim)."""
    bares = [token for token in tokens if token.lastgroup == "bare"]
    if not bares:
        return None, None, []
    spans = [found.span() for found in _LINK.finditer(folded)]
    # The claim starts at its verb, +N, code or link: a countdown before it ("3 2 1 拍了") is no part of it.
    start = min([token.start() for token in tokens if token.lastgroup in ("strong", "weak", "plus", "sku")]
                + [begin for begin, _end in spans])
    bares = [token for token in bares
             if token.start() > start and not any(begin <= token.start() < end for begin, end in spans)]
    if not bares:
        return None, None, []
    if named or spans:
        return None, bares[0].group(), bares
    lone = bares[0]
    followed = any(token.lastgroup in _FOLLOWING and token.start() >= lone.end() for token in tokens)
    if not (followed or written):
        return None, lone.group(), bares
    return str(int(lone.group())), bares[1].group() if len(bares) > 1 else None, bares[1:]


def _read(folded: str) -> _Reading | None:
    """Return what the claim in folded text names, or None when it is no claim.

    Bare numbers (no unit, no x, no +, no 号) are read by where they stand (_bare_numbers): when the message names no
    link (no 3号/link 3/#3, no code), the first one after the verb or +N names the link if anything follows it (a
    size or colour word, another number) or the quantity is written elsewhere ("SOLD 8 M 黑色 1", "拍了 2件 8"); the
    quantity is then the next bare number. A lone bare number after the verb is the quantity ("SOLD 2"), as is
    the first bare number beside a named link ("SOLD A12 M 2", "拍了 3号 M 2"). Numbers inside a link ("#3") and
    before the claim ("3 2 1 拍了") are neither. docs/claims.md "How a claim is read" has the whole table.
    """
    if _GATE.search(folded) is None:
        return None
    tokens = [token for token in _TOKEN.finditer(folded) if token.lastgroup is not None]
    first: dict[str, str] = {}
    for token in tokens:
        first.setdefault(token.lastgroup, token.group())  # type: ignore[arg-type]
    strong, weak, sku, size = "strong" in first, "weak" in first, first.get("sku"), first.get("size")
    plus = first.get("plus")
    if not (plus or strong or weak or sku):
        return None
    quantity = first.get("unit") or first.get("times")
    qty = _quantity(quantity) if quantity else None
    if qty is None and plus:
        qty = _quantity(plus)
    bare_link, bare_qty, numbers = _bare_numbers(folded, tokens, named=sku is not None, written=qty is not None)
    variants = tuple(token.group() for token in tokens if token.lastgroup in _VARIANT_KINDS)
    # A bare colour counts as a variant word, but alone it does not make a weak verb a claim ("要 白 开水").
    detail = sku is not None or size is not None or qty is not None or bare_link is not None
    if not (plus or strong or (weak and detail) or (sku and (variants or qty is not None))):
        return None
    qty_from_number = qty is None and bare_qty is not None
    if qty_from_number:
        qty = _quantity(bare_qty)
    if qty == 0:
        return None  # "拍了 0件", "+0", "SOLD A12 M 0": a buyer asking for no units claims nothing
    return _Reading(sku.replace("-", "").upper() if sku else None, bare_link, variants, qty, numbers, qty_from_number)


def parse_claim(text: str | Normalized) -> Claim | None:
    """Return the purchase claim in the message, or None if it is not one."""
    reading = _read(_folded(text))
    if reading is None:
        return None
    return Claim(sku=reading.sku, variant=_variant(reading.variants[0]) if reading.variants else None,
                 qty=reading.qty)


@dataclass(frozen=True)
class ClaimTerms:
    """What a claim names for the line-up: a link ("3" for 3号, or a code such as "A12"), variant words, quantity.

    numbers: the bare numbers that named no link ("39" and "1" in "SOLD A4 39 1"), for the line-up to read as a
    numeric size when the product has one; qty_from_number: the quantity is the first of them. Two claims read the
    same when link, words and quantity are the same.
    """

    link: str | None
    words: tuple[str, ...]
    qty: int | None
    numbers: tuple[str, ...] = field(default=(), compare=False)
    qty_from_number: bool = field(default=False, compare=False)


def claim_terms(text: str | Normalized) -> ClaimTerms | None:
    """Return the link, the size/colour words (in order, each once) and the quantity of a claim, or None."""
    if isinstance(text, str):
        return _claim_terms_of_text(text)
    return _claim_terms(_folded(text))


@functools.lru_cache(maxsize=8192)
def _claim_terms_of_text(text: str) -> ClaimTerms | None:
    # Chat repeats itself ("+1", "扣1", "3号 M"): each message's claim is read again after moderation read it.
    return _claim_terms(_folded(text))


def _claim_terms(folded: str) -> ClaimTerms | None:
    reading = _read(folded)
    if reading is None:
        return None
    link = None
    named = _LINK.search(folded)
    if named is not None:
        number = _number(named.group(1) or named.group(2))
        link = str(number) if number else None
    if link is None:
        link = reading.sku or reading.bare_link
    words = tuple(dict.fromkeys(_variant(token) for token in reading.variants))
    return ClaimTerms(link, words, reading.qty, reading.numbers, reading.qty_from_number)


def is_question(text: str | Normalized) -> bool:
    """Return True if the message asks the host something (price, size, how-to, "?")."""
    return _QUESTION.search(_folded(text)) is not None
