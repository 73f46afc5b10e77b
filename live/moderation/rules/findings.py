"""Everything the pipeline learns from a message's text alone, cached per matcher.

Live chat repeats itself ("+1", "666", "多少钱"), and none of these findings depend on the
viewer or the time, so each distinct text is analysed once per term-list version; the
policy-dependent part is memoised for the last policy object it was asked about.
"""

from __future__ import annotations

from live.moderation.rules.claims import Claim, is_question, parse_claim
from live.moderation.rules.contacts import ContactHit, contact_hits, find_contacts
from live.moderation.rules.decision import Decision
from live.moderation.rules.normalize import Normalized, normalize
from live.moderation.rules.policy import ModerationPolicy
from live.moderation.rules.reasons import Reason, RuleHit, nickname_code, regex_code, term_code
from live.moderation.rules.spam import check_content, fingerprint
from live.moderation.rules.terms import Match, TermMatcher, find_terms

__all__ = ["TextFindings", "analyse_nickname", "analyse_text", "term_hits"]

_LONGEST_CACHED = 512


class TextFindings:
    """The text-only findings for one message, plus the decision if no other rule fires."""

    __slots__ = (
        "text", "normalized", "term_hits", "contacts", "claim", "is_question", "fingerprint",
        "clean", "memo",
    )

    def __init__(self, text: str, normalized: Normalized, hits: tuple[RuleHit, ...],
                 contacts: tuple[ContactHit, ...], claim: Claim | None, question: bool) -> None:
        self.text = text
        self.normalized = normalized
        self.term_hits = hits
        self.contacts = contacts
        self.claim = claim
        self.is_question = question
        self.fingerprint = fingerprint(normalized.text)
        self.clean = Decision("allow", (), normalized.text, claim, question, None, False, False, (), self.fingerprint)
        # (policy, hits under it) in one attribute, so concurrent readers never see a mix.
        self.memo: tuple[ModerationPolicy | None, tuple[RuleHit, ...]] = (None, ())

    def hits_under(self, policy: ModerationPolicy) -> tuple[RuleHit, ...]:
        """Return the term, contact and content hits of this text under ``policy``."""
        memo = self.memo
        if memo[0] is policy:
            return memo[1]
        hits = list(self.term_hits)
        if self.contacts:
            hits.extend(contact_hits(self.contacts, policy))
        hits.extend(check_content(self.text, policy))
        self.memo = (policy, tuple(hits))
        return self.memo[1]


def term_hits(matches: list[Match], normalized: Normalized, nickname: bool = False) -> tuple[RuleHit, ...]:
    """Return one rule hit per distinct blocked term or rule among ``matches``, in text order."""
    if not matches:
        return ()
    hits: list[RuleHit] = []
    seen: set[tuple[str, str]] = set()
    for match in sorted(matches, key=lambda m: (m.start, m.end)):
        term = match.term
        if nickname:
            code = nickname_code(term.category)
        else:
            code = regex_code(term.category) if match.regex else term_code(term.category)
        if (code, term.term) in seen:
            continue
        seen.add((code, term.term))
        span = normalized.span(match.start, match.end)
        hits.append(RuleHit(Reason(code, term.term, span, "matched", {"text": term.term}), term.action))
    return tuple(hits)


def _store(matcher: TermMatcher, key: tuple[object, ...], text: str, value: object) -> None:
    if len(text) > _LONGEST_CACHED or matcher.cache_limit <= 0:
        return
    cache = matcher.cache
    if len(cache) >= matcher.cache_limit:
        cache.pop(next(iter(cache)), None)  # oldest first: dicts keep insertion order
    cache[key] = value


def analyse_text(text: str, matcher: TermMatcher, broadcast_id: str | None) -> TextFindings:
    """Return the text-only findings for ``text`` in a broadcast (cached on the matcher)."""
    key = (broadcast_id, text)
    found = matcher.cache.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    normalized = normalize(text)
    findings = TextFindings(
        text,
        normalized,
        term_hits(find_terms(normalized, matcher, broadcast_id), normalized),
        tuple(find_contacts(normalized)),
        parse_claim(normalized),
        is_question(normalized),
    )
    _store(matcher, key, text, findings)
    return findings


def analyse_nickname(nickname: str, matcher: TermMatcher, broadcast_id: str | None) -> tuple[RuleHit, ...]:
    """Return the blocked-term hits in a viewer's nickname (cached on the matcher)."""
    key = (broadcast_id, nickname, "nickname")
    found = matcher.cache.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    normalized = normalize(nickname)
    hits = term_hits(find_terms(normalized, matcher, broadcast_id), normalized, nickname=True)
    _store(matcher, key, nickname, hits)
    return hits
