"""The words of survey comments, for "top words per segment": pure, no dictionary, nothing to download.

Chinese has no spaces between words, so a run of Chinese characters is read as its character bigrams
("质量很好" → 质量, 量很, 很好), and a bigram with a function character (的, 了, 很, …) is dropped; the
bigrams that remain are mostly the two-character words people complain or praise about (质量, 物流, 客服).
Latin text is split into words. Each term counts once per comment, so one long rant does not decide a segment.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

# Characters that carry grammar or degree rather than a topic: any bigram holding one is not a topic word.
STOP_CHARS = frozenset("的了是我你他她它们很也都就在和有吗呢吧啊呀哦嗯这那个还又么给被把着过得地太挺真")
STOP_BIGRAMS = frozenset({"非常", "但是", "就是", "还是", "因为", "所以", "一个", "一下", "一点", "觉得", "感觉", "东西"})
STOP_WORDS = frozenset("""a an and are as at be been but by for from had has have i if in is it its just me my no not
of on or our so than that the their them they this to too us very was we were what when which with you your
really would could will can did do does got get all also""".split())
MIN_WORD = 2
MAX_TERMS_PER_COMMENT = 200


def _is_cjk(ch: str) -> bool:
    """Return True for a CJK ideograph (the unified block and extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _runs(text: str) -> Iterable[tuple[bool, str]]:
    """Yield (is_chinese, run) for each maximal run of Chinese characters or of letters and digits."""
    run, chinese = [], False
    for ch in text:
        kind = "cjk" if _is_cjk(ch) else "word" if ch.isalnum() else None
        if kind is None or (run and (kind == "cjk") != chinese):
            if run:
                yield chinese, "".join(run)
            run = []
        if kind is not None:
            chinese = kind == "cjk"
            run.append(ch)
    if run:
        yield chinese, "".join(run)


def terms(text: str | None) -> list[str]:
    """Return the topic terms of one comment in order: Chinese bigrams and Latin words, stop words left out."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKC", text).casefold()
    found: list[str] = []
    for chinese, run in _runs(folded):
        if chinese:
            found += [run[i:i + 2] for i in range(len(run) - 1)
                      if not (STOP_CHARS & set(run[i:i + 2])) and run[i:i + 2] not in STOP_BIGRAMS]
        elif len(run) >= MIN_WORD and run not in STOP_WORDS and not run.isdigit():
            found.append(run)
        if len(found) >= MAX_TERMS_PER_COMMENT:
            break
    return found[:MAX_TERMS_PER_COMMENT]


def top_terms(comments: Iterable[str | None], limit: int = 5) -> list[tuple[str, int]]:
    """Return the `limit` terms found in most comments as (term, comments), most first, ties alphabetical."""
    counts: Counter[str] = Counter()
    for comment in comments:
        counts.update(set(terms(comment)))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
