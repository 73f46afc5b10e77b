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

__all__ = ["LOCAL_NUMBER", "ContactHit", "ContactKind", "contact_hits", "domain_allowed", "find_contacts", "mask"]

ContactKind = Literal["phone", "wechat", "qq", "digits", "url"]

# All patterns run on the key with Chinese numerals read as digits, except URLs, which run on
# the folded text: collapsing repeats would turn "www" into "w" and "https://" into "htps:/".
# The leading lookaheads list every possible first character, so the engine skips ahead.
# Between the digits of a number: up to four characters that are neither letters, digits nor ":" (so "13:30"
# stays a time) — "138 1234 5678" as much as "138❤1234❤5678", "138/1234/5678" or "138，1234，5678".
_GAP = r"(?:[^\w:]|_){0,4}"
_PHONE = re.compile(rf"(?=[+018])(?<!\d)(?:(?:\+|00)?86{_GAP})?1[3-9]\d(?:{_GAP}\d){{8}}(?!\d)")
# The rest of a phone number after its country code ("+86 138 1234 5678", "+44 20 7946 0958"): six or more
# digits or Chinese numerals with the gaps above. claims.py reads a "+86" before one as that code, not "86 units".
LOCAL_NUMBER = rf"(?:{_GAP}[\d{CN_DIGIT_CHARS}]){{6,}}"
_DIGITS = re.compile(r"(?<!\d)\d{6,}(?!\d)")
_WECHAT = re.compile(
    r"(?=[wv微威薇维徽伟卫危])(?<![a-z])(?:wx|vx|[vw][^\w]{1,2}x|v信|v芯|微信|威信|薇信|维信|徽信|伟信|卫信|危信"
    r"|微芯|薇芯|微x|薇x|wechat|we chat|weixin|wei xin|vchat)\s*(?:号|id|搜|加)?"
    r"((?:[^\w]|是){0,4})([a-z0-9][a-z0-9_\-]{3,19})(?![a-z0-9_\-])"
)
# Weaker hints ("+V", "加薇", "V:", "加我") name an id only when one follows: a WeChat id proper, which starts
# with a letter, has at least six characters and here must hold a digit (checked in find_contacts).
_WECHAT_HINT = re.compile(
    r"(?=[加+➕v薇微威伟])(?:(?:加我?|\+|➕)[^\w]{0,2}(?<![a-z])(?:v|微|薇)(?![a-z])|(?<![a-z])v(?=\s*[:=+➕])"
    r"|(?<![a-z])v我|[薇微威伟]|加我)"
    r"\s*(?:号|id)?((?:[^\w]|是){0,4})([a-z][a-z0-9_\-]{5,19})(?![a-z0-9_\-])"
)
_QQ = re.compile(rf"(?=[q扣企球])(?<![a-z])(?:qq|q|扣扣|扣|企鹅|球球)(?:号|群)?[\s:=是]*(\d(?:{_GAP}\d){{4,10}})(?!\d)")
_TLD = (
    "com|cn|net|org|io|me|co|cc|xyz|top|shop|vip|app|link|ly|info|biz|tv|hk|tw|store|site"
    "|online|club|live|ink|fun|icu|cyou|buzz|asia|wang|ren|xin|ltd|tk|ml|ga|gq"
)
_URL = re.compile(
    r"https?://[^\s]+"
    r"|www[.。][^\s]+"
    rf"|(?<![\w@.\-])(?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?[.。])+(?:{_TLD})(?![a-z0-9])(?:/[^\s]*)?"
)
# A dot written as a word or wrapped so that link detectors miss it: "abc点com", "abc dot com", "abc(.)com",
# "abc [.] com", "abc .com"; run on the folded text, with the TLDs such links use.
_DOT = r"(?:\s*(?:点|(?<![a-z])dot(?![a-z])|[(\[{【]\s*(?:[.。]|点|dot)\s*[)\]}】])\s*|\s+[.。]\s*)"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_WRITTEN_DOT = re.compile(
    rf"(?<![a-z0-9@.\-])(?=[a-z0-9\-]*[a-z])((?:www{_DOT})?{_LABEL}(?:{_DOT}{_LABEL})*){_DOT}"
    r"(com|cn|net|org|top|xyz|vip|cc|shop|icu|club|site|store|link|wang|ltd)(?![a-z0-9])"
)
_DOT_WORD = re.compile(_DOT)
_WRAPPED_DOT = re.compile(r"[^\w.。][.。]")  # a dot after a space or bracket: the only dots _WRITTEN_DOT needs
# Every weaker WeChat hint starts with one of these: one scan for them spares the pattern most chat.
_HINT_FIRST = re.compile("[加+➕v薇微威伟]")
_HOST = re.compile(r"^(?:https?://)?([^/\s?#:]+)")
_EXPLICIT_ID = re.compile(r"[:=是]")
# Phones, QQ ids and long runs all contain five digits (or Chinese numerals) with at most
# one separator between; text without that skips the number patterns altogether.
_FIVE_NUMERALS = re.compile(f"[\\d{CN_DIGIT_CHARS}](?:{_GAP}[\\d{CN_DIGIT_CHARS}]){{4}}")
_NON_DIGIT = re.compile(r"\D")
# A text without a single digit or Chinese numeral has no number to look at: one cheap search
# spares the five-numeral pattern, which has to try every position.
_ANY_NUMERAL = re.compile(f"[\\d{CN_DIGIT_CHARS}]")
_CN_NUMERALS = frozenset(CN_DIGIT_CHARS)
_QQ_FIRST = frozenset("q扣企球")  # every QQ match starts with one of them


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
    any_numeral = _ANY_NUMERAL.search(digits) is not None
    numbers = any_numeral and _FIVE_NUMERALS.search(digits) is not None
    if numbers:
        if not _CN_NUMERALS.isdisjoint(digits):
            digits = digits.translate(CN_DIGITS)
        for m in _PHONE.finditer(digits):
            hits.append(ContactHit("phone", _NON_DIGIT.sub("", m.group())[-11:], normalized.span(*m.span())))
            taken.append(m.span())
        for m in _QQ.finditer(digits) if not _QQ_FIRST.isdisjoint(digits) else ():
            hits.append(ContactHit("qq", _NON_DIGIT.sub("", m.group(1)), normalized.span(*m.span())))
            taken.append(m.span(1))
    wechat_hint = "x" in digits or "信" in digits or "chat" in digits or "芯" in digits
    for m in _WECHAT.finditer(digits) if wechat_hint else ():
        # A bare word after "wx" ("wx please") is chatter; an id has a digit or an explicit ":".
        if any(c.isdigit() for c in m.group(2)) or _EXPLICIT_ID.search(m.group(1)):
            hits.append(_wechat(normalized, m))
            taken.append(m.span(2))
    # A weaker hint names an id only when the id holds a digit: text without one has none to look for.
    for m in _WECHAT_HINT.finditer(digits) if any_numeral and _HINT_FIRST.search(digits) is not None else ():
        if any(c.isdigit() for c in m.group(2)) and not any(a <= m.start(2) < b for a, b in taken):
            hits.append(_wechat(normalized, m))
            taken.append(m.span(2))
    if numbers:
        for m in _DIGITS.finditer(digits):
            if not any(a <= m.start() and m.end() <= b for a, b in taken):
                hits.append(ContactHit("digits", m.group(), normalized.span(*m.span())))
    folded = normalized.folded
    dotted = "." in folded or "。" in folded
    if dotted:
        for m in _URL.finditer(folded):
            url = m.group().rstrip(".,;!?)。")
            span = normalized.folded_span(m.start(), m.start() + len(url))
            hits.append(ContactHit("url", url.replace("。", "."), span))
    if (dotted and _WRAPPED_DOT.search(folded) is not None) or "点" in folded or "dot" in folded:
        for m in _WRITTEN_DOT.finditer(folded):
            if not any(h.kind == "url" and h.span[0] <= normalized.folded_span(*m.span())[0] < h.span[1]
                       for h in hits):
                host = _DOT_WORD.sub(".", m.group(1)) + "." + m.group(2)
                hits.append(ContactHit("url", host, normalized.folded_span(*m.span())))
    return hits


def _wechat(normalized: Normalized, m: re.Match[str]) -> ContactHit:
    """Return the WeChat hit of a keyword match whose group 2 is the id."""
    # The key collapsed doubled letters; report the id as it was typed.
    start, end = normalized.span(*m.span(2))
    typed = normalize(normalized.source[start:end]).folded
    return ContactHit("wechat", typed, normalized.span(*m.span()))


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
        hits.append(RuleHit(Reason(_CODES[hit.kind], detail, hit.span, "matched", {"text": detail}),
                            policy.contact_action))
    return hits
