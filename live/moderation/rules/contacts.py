"""Contact-diversion detection: phone numbers, WeChat/QQ ids, long digit runs, links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

from live.moderation.rules import reasons as codes
from live.moderation.rules.charmaps import CN_DIGIT_CHARS, CN_DIGITS
from live.moderation.rules.normalize import Normalized, normalize
from live.moderation.rules.policy import ModerationPolicy
from live.moderation.rules.reasons import Reason, RuleHit

__all__ = ["ContactHit", "ContactKind", "contact_hits", "domain_allowed", "find_contacts", "mask"]

ContactKind = Literal["phone", "wechat", "qq", "digits", "url"]

# All patterns run on the key with Chinese numerals read as digits, except URLs, which run on
# the folded text: collapsing repeats would turn "www" into "w" and "https://" into "htps:/".
# The leading lookaheads list every possible first character, so the engine skips ahead.
_PHONE = re.compile(r"(?=[+018])(?<!\d)(?:(?:\+|00)?86[\s.\-]?)?1[3-9]\d(?:[\s.\-]?\d){8}(?!\d)")
_DIGITS = re.compile(r"(?<!\d)\d{6,}(?!\d)")
_WECHAT = re.compile(
    r"(?=[wv微威薇维])(?<![a-z])(?:wx|vx|v信|微信|威信|薇信|维信|wechat|weixin|vchat)\s*(?:号|id)?"
    r"([\s:=是]*)([a-z0-9][a-z0-9_\-]{3,19})(?![a-z0-9_\-])"
)
_QQ = re.compile(r"(?=[q扣企])(?<![a-z])(?:qq|q|扣扣|企鹅)(?:号)?[\s:=是]*(\d{5,11})(?!\d)")
_TLD = (
    "com|cn|net|org|io|me|co|cc|xyz|top|shop|vip|app|link|ly|info|biz|tv|hk|tw|store|site"
    "|online|club|live|ink|fun|icu|cyou|buzz|asia|wang|ren|xin|ltd|tk|ml|ga|gq"
)
_URL = re.compile(
    r"https?://[^\s]+"
    r"|www[.。][^\s]+"
    rf"|(?<![\w@.\-])(?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?[.。])+(?:{_TLD})(?![a-z0-9])(?:/[^\s]*)?"
)
_HOST = re.compile(r"^(?:https?://)?([^/\s?#:]+)")
_EXPLICIT_ID = re.compile(r"[:=是]")
# Phones, QQ ids and long runs all contain five digits (or Chinese numerals) with at most
# one separator between; text without that skips the number patterns altogether.
_FIVE_NUMERALS = re.compile(f"[\\d{CN_DIGIT_CHARS}](?:[\\s.\\-]?[\\d{CN_DIGIT_CHARS}]){{4}}")
_NON_DIGIT = re.compile(r"\D")
# A text without a single digit or Chinese numeral has no number to look at: one cheap search
# spares the five-numeral pattern, which has to try every position.
_ANY_NUMERAL = re.compile(f"[\\d{CN_DIGIT_CHARS}]")
_CN_NUMERALS = frozenset(CN_DIGIT_CHARS)
_QQ_FIRST = frozenset("q扣企")  # every QQ match starts with one of them


class ContactHit(NamedTuple):
    """A contact found in the message: ``value`` as read, ``span`` in the original text."""

    kind: ContactKind
    value: str
    span: tuple[int, int]


def find_contacts(normalized: Normalized) -> list[ContactHit]:
    """Return every phone, WeChat/QQ id, run of six or more digits and link in the text."""
    hits: list[ContactHit] = []
    digits = normalized.text
    taken: list[tuple[int, int]] = []
    numbers = _ANY_NUMERAL.search(digits) is not None and _FIVE_NUMERALS.search(digits) is not None
    if numbers:
        if not _CN_NUMERALS.isdisjoint(digits):
            digits = digits.translate(CN_DIGITS)
        for m in _PHONE.finditer(digits):
            hits.append(ContactHit("phone", _NON_DIGIT.sub("", m.group())[-11:], normalized.span(*m.span())))
            taken.append(m.span())
        for m in _QQ.finditer(digits) if not _QQ_FIRST.isdisjoint(digits) else ():
            hits.append(ContactHit("qq", m.group(1), normalized.span(*m.span())))
            taken.append(m.span(1))
    wechat_hint = "x" in digits or "信" in digits or "chat" in digits
    for m in _WECHAT.finditer(digits) if wechat_hint else ():
        ident = m.group(2)
        # A bare word after "wx" ("wx please") is chatter; an id has a digit or an explicit ":".
        if any(c.isdigit() for c in ident) or _EXPLICIT_ID.search(m.group(1)):
            # The key collapsed doubled letters; report the id as it was typed.
            start, end = normalized.span(*m.span(2))
            typed = normalize(normalized.source[start:end]).folded
            hits.append(ContactHit("wechat", typed, normalized.span(*m.span())))
            taken.append(m.span(2))
    if numbers:
        for m in _DIGITS.finditer(digits):
            if not any(a <= m.start() and m.end() <= b for a, b in taken):
                hits.append(ContactHit("digits", m.group(), normalized.span(*m.span())))
    folded = normalized.folded
    if "." in folded or "。" in folded:
        for m in _URL.finditer(folded):
            url = m.group().rstrip(".,;!?)。")
            span = normalized.folded_span(m.start(), m.start() + len(url))
            hits.append(ContactHit("url", url.replace("。", "."), span))
    return hits


def domain_allowed(url: str, allowed: Iterable[str]) -> bool:
    """Return True if the link's host is an allowed domain or a subdomain of one."""
    found = _HOST.match(url)
    host = found.group(1).lower() if found else url.lower()
    if host.startswith("www."):
        host = host[4:]
    return any(host == d or host.endswith("." + d) for d in (a.lower().removeprefix("www.") for a in allowed))


def mask(value: str) -> str:
    """Return a phone number or id with its middle hidden (``138****5678``, ``a***23``)."""
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:1] + "*" * (len(value) - 3) + value[-2:]


_CODES = {
    "phone": codes.CONTACT_PHONE,
    "wechat": codes.CONTACT_WECHAT,
    "qq": codes.CONTACT_QQ,
    "digits": codes.CONTACT_DIGITS,
    "url": codes.CONTACT_URL,
}


def contact_hits(contacts: Iterable[ContactHit], policy: ModerationPolicy) -> list[RuleHit]:
    """Return the rule hits for the contacts the policy does not allow."""
    hits: list[RuleHit] = []
    for hit in contacts:
        if hit.kind == "url":
            if domain_allowed(hit.value, policy.allowed_domains):
                continue
            detail = hit.value
        elif hit.kind == "digits" and len(hit.value) < policy.digit_run_min:
            continue
        else:
            detail = mask(hit.value)  # phone numbers and ids are PII: moderators see them masked
        hits.append(RuleHit(Reason(_CODES[hit.kind], detail, hit.span), policy.contact_action))
    return hits
