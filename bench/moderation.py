"""Chat moderation, from the pure pipeline to the whole server: figures printed side by side in one run.

Run: ``.venv/bin/python bench/moderation.py [--messages 20000] [--terms 20000] [--passes 3] [--no-e2e]``

The data (bench/moderation_corpus.py): 20,000 synthetic terms (CJK and Latin, plus a few real ones and an
allow-list) and 20,000 messages of live-selling chat over the last quarter of an hour (hype, questions,
purchase claims, chatter, bursts of flood, a raid, contact diversion with evasions). It prints messages/s for:

- baseline: NFKC + casefold + iterating a plain pyahocorasick automaton of the same terms (keys NFKC-casefolded),
  nothing else: the "bare" way to match a term list, which the pipeline's goal (ratio >= 0.5) is measured against;
- pipeline: ``moderate_and_record`` with every rule on (terms, allow-list, regex rules, contacts, claims,
  questions, nickname, flood, repetition, raid, slow mode, content ratios, escalation), starting each pass with
  an empty findings cache, as a new stream would; also in shield mode, with a warm cache, and without the cache;
- for reference, NFKC + casefold + the pipeline's own compact automaton (live/moderation/rules/automaton.py),
  printed so nobody mistakes the automaton's own speed-up for the rest of the pipeline being cheap;
- end to end (bench/moderation_e2e.py): the same corpus POSTed to ``python wsgi.py`` (eventlet, SQLite) in
  batches of 100 chat events, every rule on: moderated, stored, logged, pushed; wall clock for one client, and
  the server's CPU per message;
- raw insert: every row that end-to-end run stored, inserted again into a fresh copy of the database with one
  plain executemany per table and one commit per 100 messages (same SQLite durability): the storage floor.

Pipeline figures are CPU time, best of interleaved passes (the machine may be busy); the end-to-end and raw
figures are wall clock. The load average is printed at the start and the end. Whether the compiled helper
(live/moderation/rules/_speedups.c, built by ``make setup``) is in use is printed first.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.moderation_corpus import build_corpus, build_terms
from bench.moderation_e2e import bench_end_to_end, bench_raw_insert
from live.moderation.rules import (
    ChatMessage,
    ChatMode,
    ModerationContext,
    ModerationPolicy,
    RecentChat,
    Term,
    TermMatcher,
    build_matcher,
    moderate_and_record,
)
from live.moderation.rules.speedups import compiled


def plain_automaton(terms: list[Term]) -> ahocorasick.Automaton:
    """Return a plain pyahocorasick automaton of the terms, NFKC-casefolded, for the baseline."""
    automaton = ahocorasick.Automaton()
    for term in terms:
        key = unicodedata.normalize("NFKC", term.term).casefold()
        automaton.add_word(key, term)
    automaton.make_automaton()
    return automaton


def bench_baseline(automaton: ahocorasick.Automaton, messages: list[ChatMessage]) -> float:
    """Return seconds taken by NFKC + casefold + automaton iteration over every message."""
    began = time.process_time()
    for message in messages:
        for _ in automaton.iter(unicodedata.normalize("NFKC", message.text).casefold()):
            pass
    return time.process_time() - began


def bench_compact_baseline(matcher: TermMatcher, messages: list[ChatMessage]) -> float:
    """Return seconds taken by NFKC + casefold + the pipeline's compact automaton over every message."""
    began = time.process_time()
    for message in messages:
        for _ in matcher.automaton.find(unicodedata.normalize("NFKC", message.text).casefold()):
            pass
    return time.process_time() - began


def bench_pipeline(matcher: TermMatcher, messages: list[ChatMessage], policy: ModerationPolicy,
                   mode: ChatMode, fresh_cache: bool = True) -> tuple[float, dict[str, int]]:
    """Return seconds taken by the full pipeline over every message, and the action counts."""
    if fresh_cache:
        matcher.cache.clear()
    offences: dict[str, list[datetime]] = {}
    context = ModerationContext(matcher, policy, mode, RecentChat(), lambda viewer: offences.get(viewer, ()))
    actions: dict[str, int] = {}
    began = time.process_time()
    for message in messages:
        decision = moderate_and_record(message, context)
        if decision.offence:
            offences.setdefault(message.viewer_id, []).append(message.at)
        actions[decision.action] = actions.get(decision.action, 0) + 1
    elapsed = time.process_time() - began
    return elapsed, actions


def _line(label: str, rate: float, extra: str = "") -> str:
    """Return one aligned figure line: label, messages/s, µs/message, and what follows."""
    return f"{label:<52} {rate:>9,.0f} messages/s  {1e6 / rate:7.1f} us/message{extra}"


def main() -> None:
    """Build the data, run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--terms", type=int, default=20_000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--e2e-budget", type=float, default=60.0, help="seconds the end-to-end run may take")
    parser.add_argument("--e2e-connections", type=int, default=2,
                        help="clients sending batches at once in the second end-to-end run (1: no second run)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end run and the raw insert")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    rng = random.Random(20240501)
    terms, allow, rules = build_terms(args.terms, rng)
    # Recent times: the events API refuses a chat message far from its broadcast's period.
    messages = build_corpus(args.messages, rng, datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=15))
    began = time.process_time()
    matcher = build_matcher(terms, allow, rules, version=1)
    build_s = time.process_time() - began
    plain = plain_automaton(terms)
    policy = ModerationPolicy(allowed_domains=("taobao.com", "tmall.com"))
    mode = ChatMode(slow_seconds=3)
    distinct = len({(m.broadcast_id, m.text) for m in messages})
    helper = "in use" if compiled is not None else "NOT built: pure-Python fallback (run make setup)"
    print(f"compiled helper live/moderation/rules/_speedups.c: {helper}")
    print(f"terms: {matcher.term_count}, matcher built in {build_s * 1000:.0f} ms (CPU)")
    print(f"messages: {len(messages)}, distinct texts: {distinct} ({distinct / len(messages):.0%}), "
          f"viewers: {len({m.viewer_id for m in messages})}")

    bench_pipeline(matcher, messages[:2000], policy, mode)  # warm the per-character fold table
    # Interleaved passes, best of each, in CPU time: the machine may be busy with other work.
    timings: dict[str, list[float]] = {"baseline": [], "pipeline": [], "warm": [], "uncached": [], "shield": [],
                                       "compact": []}
    actions: dict[str, int] = {}
    for _ in range(args.passes):
        timings["baseline"].append(bench_baseline(plain, messages))
        timings["compact"].append(bench_compact_baseline(matcher, messages))
        elapsed, actions = bench_pipeline(matcher, messages, policy, mode)
        timings["pipeline"].append(elapsed)
        timings["warm"].append(bench_pipeline(matcher, messages, policy, mode, fresh_cache=False)[0])
        timings["shield"].append(bench_pipeline(matcher, messages, policy, ChatMode(3, shield=True))[0])
        matcher.cache_limit = 0
        timings["uncached"].append(bench_pipeline(matcher, messages, policy, mode)[0])
        matcher.cache_limit = 50_000
    n = len(messages)
    rate = {name: n / min(values) for name, values in timings.items()}
    print(f"actions (pure pipeline): {actions}")
    for label, name in [("baseline: NFKC + casefold + plain automaton iter", "baseline"),
                        ("pipeline, every rule on (cache empty at start)", "pipeline"),
                        ("pipeline, shield mode (cache empty at start)", "shield"),
                        ("pipeline, every text seen before (warm cache)", "warm"),
                        ("pipeline without the findings cache", "uncached")]:
        ratio = "" if name == "baseline" else f"   ratio {rate[name] / rate['baseline']:.2f}"
        print(_line(label, rate[name], ratio))
    print(f"ratio pipeline / baseline: {rate['pipeline'] / rate['baseline']:.2f} (goal >= 0.5)")
    print(_line("reference: NFKC + casefold + compact automaton", rate["compact"],
                f"; pipeline / this = {rate['pipeline'] / rate['compact']:.2f}"))
    if not args.no_e2e:
        _end_to_end(terms, allow, messages, policy, mode, rate["pipeline"], args.e2e_budget, args.e2e_connections)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _end_to_end(terms: list[Term], allow, messages: list[ChatMessage], policy: ModerationPolicy, mode: ChatMode,
                pipeline: float, budget: float, connections: int) -> None:
    """Run and print the end-to-end figures (one client, then several at once), the raw insert of the rows the
    one-client run stored, and the ratios."""
    load = os.getloadavg()[0]
    e2e = bench_end_to_end(terms, allow, messages, policy, mode, budget=budget)
    try:
        raw = bench_raw_insert(e2e["seeded"], e2e["stored"], e2e["sent"])
    finally:
        shutil.rmtree(e2e["workdir"], ignore_errors=True)
    _print_end_to_end(e2e, "one client", load)
    print(_line("raw insert of the same rows (executemany, SQLite)", raw["rate"],
                f" (wall)   {raw['rows']:,} rows: {raw['tables']}"))
    print(f"ratios: end to end / raw insert {e2e['rate'] / raw['rate']:.2f}, "
          f"end to end / pure pipeline {e2e['rate'] / pipeline:.3f}")
    if connections > 1:
        # Platforms push from many connections at once: one batch is read and parsed while another is taken in.
        load = os.getloadavg()[0]
        several = bench_end_to_end(terms, allow, messages, policy, mode, budget=budget, connections=connections)
        shutil.rmtree(several["workdir"], ignore_errors=True)
        _print_end_to_end(several, f"{connections} clients at once", load)
        print(f"ratios ({connections} clients): end to end / raw insert {several['rate'] / raw['rate']:.2f}, "
              f"end to end / pure pipeline {several['rate'] / pipeline:.3f}")


def _print_end_to_end(e2e: dict, clients: str, load: float) -> None:
    cpu = e2e["cpu"]
    print(_line(f"end to end: POST /events, batches of 100, SQLite, {clients}", e2e["rate"],
                f" (wall)   server CPU {cpu * 1e6:,.0f} us/message = {1 / cpu if cpu else 0:,.0f} messages/s per core"))
    print(f"  ({e2e['sent']} messages, {clients}, python wsgi.py with eventlet, load average {load:.1f} at start;"
          f" goal >= 5,000 messages/s)")
    print(f"actions (end to end, {clients}): {e2e['actions']}")


if __name__ == "__main__":
    main()
