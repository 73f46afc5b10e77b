"""Throughput of the pure moderation pipeline against a bare normalise-and-match baseline.

Run: ``.venv/bin/python bench/moderation.py [--messages 20000] [--terms 20000] [--passes 3]``

It builds synthetic term lists (CJK and Latin, plus a few real ones and an allow-list) and a
corpus of live-selling chat (hype, questions, purchase claims, chatter, bursts of flood, a
raid, contact diversion with evasions) and prints messages per second for:

- baseline: NFKC + casefold + iterating a plain pyahocorasick automaton of the same 20,000 terms (keys
  NFKC-casefolded), nothing else: the "bare" way to match a term list, which the goal is measured against;
- pipeline: ``moderate_and_record`` with every rule on (terms, allow-list, regex rules,
  contacts, claims, questions, nickname, flood, repetition, raid, slow mode, content ratios,
  escalation), starting each pass with an empty findings cache, as a new stream would;
- pipeline without the findings cache, as a floor;
- the ratio pipeline / baseline (goal: at least 0.5);
- for reference, NFKC + casefold + the pipeline's own automaton (live/moderation/rules/automaton.py re-spells every
  character as two symbols so no node has thousands of children; about 3x faster than the plain one on
  Chinese text). Against that stricter floor the ratio is far lower; it is printed so nobody mistakes
  the automaton's own speed-up for the rest of the pipeline being cheap.

Whether the compiled helper (live/moderation/rules/_speedups.c, built by ``make setup``) is in use is printed
first; without it the same decisions come from the regular expressions, more slowly.

Then ``bench_end_to_end`` sends the same corpus through the app: ``POST /api/v1/broadcasts/<id>/events``
in batches of 100 chat events to a real server (``python wsgi.py``, eventlet, as tests/support/server.py
starts it) on SQLite, with the same terms (no regex rules: the database has none), allow-list, policy and
slow mode stored in the moderation tables. Each message is moderated, stored, logged and pushed; the figure
is messages/s for one client sending batch after batch (wall clock). ``--no-e2e`` skips it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from live.moderation.rules import (  # noqa: E402
    AllowTerm,
    ChatMessage,
    ChatMode,
    ModerationContext,
    ModerationPolicy,
    RecentChat,
    RegexRule,
    Term,
    TermMatcher,
    build_matcher,
    moderate_and_record,
)
from live.moderation.rules.speedups import compiled  # noqa: E402


def _gb2312_level1() -> str:
    """Return the 3,755 common Hanzi of GB2312 level 1 (rows 16-55)."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


COMMON_HANZI = _gb2312_level1()
HANZI = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过"
    "家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本"
    "见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己"
    "话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平"
    "真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报"
    "立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务"
    "制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科"
    "怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运"
    "武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸"
)
SKUS = [f"{c}{n}" for c in "ABCDK" for n in range(1, 40)]
SIZES = ["S", "M", "L", "XL", "XXL"]
HYPE = ["666", "好看", "主播好美", "哇", "❤❤❤", "来了来了", "好漂亮啊", "支持主播", "冲冲冲", "👍👍", "太美了吧",
        "love it", "so pretty", "nice", "主播今天好漂亮", "哈哈哈哈", "好好看", "已关注"]
QUESTIONS = ["多少钱", "有没有{size}码", "{sku}多少钱", "怎么买", "什么时候发货", "how much is {sku}?",
             "do you have {size}?", "包邮吗", "可以便宜点吗", "有黑色吗", "身高{h}体重{w}穿什么码",
             "{sku}还有货吗", "{size}码有吗？", "主播多高"]
CLAIMS = ["+1", "+1 {sku}", "拍了 {n}件 {sku}", "SOLD {sku} {size} {n}", "要 {n} 件", "{sku} {size}码 一件",
          "已拍 {sku}", "拍了拍了", "{sku} {size} x{n}"]
CHATTER = ["我昨天买的{sku}收到了质量很好", "第一次来直播间", "等了好久终于开播了", "上次买的{size}码刚好",
           "my order from last week arrived", "the {size} fits well, I am {h} cm", "红色那件更好看",
           "99元还包邮太划算了", "主播说话好温柔", "链接{n}号是什么", "订单 {order} 什么时候发"]
VIOLATIONS = [
    "加微信 {wx}", "vx: {wx}", "加 v 信 {wx}", "联系我 {phone}", "一三八一二三四五六七八 找我", "便宜货看 {domain}",
    "这个主播是骗子", "垃圾产品", "去{rival}买更便宜", "ｗｘ：{wx}", "微❤信 {wx}", "ѕсаm shop", "w h a t s a p p me",
    "加我q q 12345678", "微信號碼 {wx}",
]
OPENERS = ["", "", "", "主播", "姐姐", "请问", "哈喽", "hi ", "宝宝们", "我想问下"]
ENDINGS = ["", "", "", "啊", "呀", "！", "~", "哈哈", "😂", "👍", "？", "呢", "!!", "。"]
RAID_TEXT = "关注我的小店每天都有大额优惠券免费领取"


def build_terms(count: int, rng: random.Random) -> tuple[list[Term], list[AllowTerm], list[RegexRule]]:
    """Return ``count`` synthetic blocked terms (half CJK, half Latin), an allow-list and rules."""
    real = [Term("微信", "diversion", "timeout"), Term("加v", "diversion", "timeout"), Term("骗子", "abuse", "timeout"),
            Term("垃圾", "abuse", "hide"), Term("scam", "scam", "hide"), Term("whatsapp", "diversion", "timeout"),
            Term("rivalshop", "competitor", "hide"), Term("对手店", "competitor", "hide")]
    terms = list(real)
    seen = {t.term for t in terms}
    syllables = ["ka", "zo", "mi", "tru", "vex", "lor", "qua", "pim", "sna", "dro", "fex", "gul", "wry", "blo"]
    categories = ["diversion", "scam", "abuse", "competitor", "custom"]
    while len(terms) < count:
        if len(terms) % 2:
            word = "".join(rng.choice(COMMON_HANZI) for _ in range(rng.randint(2, 4)))
        else:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word in seen:
            continue
        seen.add(word)
        bid = f"b{rng.randint(1, 20)}" if rng.random() < 0.2 else None
        terms.append(Term(word, rng.choice(categories), rng.choice(["hide", "hold", "timeout"]), bid))  # type: ignore[arg-type]
    allow = [AllowTerm("微信支付"), AllowTerm("scampi"), AllowTerm("垃圾袋")]
    rules = [RegexRule(r"(?:免费|白)领", "scam", "hide", name="free-gift"),
             RegexRule(r"\bt\.me/", "diversion", "timeout", name="telegram")]
    return terms, allow, rules


def build_corpus(count: int, rng: random.Random, start: datetime) -> list[ChatMessage]:
    """Return ``count`` chat messages over about ten minutes from ~3,000 viewers."""
    viewers = [f"v{i}" for i in range(3000)]
    nicknames = {v: rng.choice(["用户", "小", "爱买的", "happy", "star"]) + str(rng.randint(1, 9999)) for v in viewers}
    for v in rng.sample(viewers, 30):
        nicknames[v] = "加微信" + str(rng.randint(100000, 999999))
    first_seen = {v: start - timedelta(minutes=rng.choice([1, 3, 30, 600])) for v in viewers}
    flooders = rng.sample(viewers, 20)
    weighted = [(HYPE, 35), (QUESTIONS, 20), (CLAIMS, 22), (CHATTER, 15), (VIOLATIONS, 5), (None, 3)]
    pools, weights = zip(*weighted)
    messages: list[ChatMessage] = []
    t = 0.0
    raid_at = count // 2
    while len(messages) < count:
        t += rng.expovariate(33.0)
        at = start + timedelta(seconds=t)
        if raid_at <= len(messages) < raid_at + 15:
            viewer, text = viewers[len(messages) - raid_at], RAID_TEXT
        else:
            pool = rng.choices(pools, weights)[0]
            viewer = rng.choice(viewers)
            if pool is None:  # a flooder's burst: the same viewer, a few seconds apart
                viewer, pool = rng.choice(flooders), HYPE + CLAIMS
            text = _fill(rng.choice(pool), rng)
            if pool is CHATTER or pool is QUESTIONS:
                # People rarely type long sentences identically; short hype they do.
                text = rng.choice(OPENERS) + text + rng.choice(ENDINGS)
            if rng.random() < 0.05:
                text = text.upper()
        messages.append(ChatMessage(text, viewer, nicknames[viewer], "b1", at, first_seen[viewer]))
    return messages


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        sku=rng.choice(SKUS), size=rng.choice(SIZES), n=rng.randint(1, 5), h=rng.randint(150, 185),
        w=rng.randint(40, 80), order=rng.randint(10**9, 10**10), wx=f"abc{rng.randint(1000, 99999)}",
        phone=f"1{rng.choice('3589')}{rng.randint(10**8, 10**9 - 1)}", domain=rng.choice(["cheap.shop", "x.top"]),
        rival="对手店",
    )


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


def _seed_end_to_end(url: str, terms: list[Term], allow: list[AllowTerm], policy: ModerationPolicy,
                     mode: ChatMode) -> tuple[str, int]:
    """Return (API token, broadcast id) after storing the terms, allow-list and policy in a fresh database."""
    import sqlalchemy as sa

    from app.auth.tokens import issue_token
    from app.extensions import db
    from live import broadcasts as lineup
    from live.moderation.models import ModerationPolicyRecord, ModerationTerm, ModerationVersion
    from live.moderation.terms import term_key
    from tests.support.databases import create_schema, make_app

    create_schema(url)
    with make_app(url).app_context():
        # The corpus scopes terms to "b1".."b20": one real broadcast each; "b1" is the one chatted in.
        broadcasts = {f"b{n}": lineup.create_broadcast(db.session, f"bench {n}", "douyin") for n in range(1, 21)}
        lineup.start_broadcast(db.session, broadcasts["b1"], None)
        db.session.flush()
        ids = {name: broadcast.id for name, broadcast in broadcasts.items()}
        rows, seen = [], set()
        for item, action, category in [(t, t.action, t.category) for t in terms] + [(a, "allow", "custom") for a in allow]:
            bid = ids.get(item.broadcast_id) if item.broadcast_id else None
            key = term_key(item.term)
            if key and (key, bid) not in seen:
                seen.add((key, bid))
                rows.append({"term": item.term, "key": key, "category": category, "action": action,
                             "scope": str(bid) if bid else "global", "broadcast_id": bid, "created_by": "bench"})
        db.session.execute(sa.insert(ModerationTerm), rows)
        db.session.add(ModerationVersion(name="terms", version=1))
        db.session.add(ModerationPolicyRecord(
            broadcast_id=ids["b1"], policy={"allowed_domains": list(policy.allowed_domains)},
            slow_seconds=int(mode.slow_seconds), shield=mode.shield, version=1))
        token = issue_token(db.session, "bench")
        db.session.commit()
        db.engine.dispose()
    return token, ids["b1"]


def _cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process used so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_end_to_end(terms: list[Term], allow: list[AllowTerm], messages: list[ChatMessage], policy: ModerationPolicy,
                     mode: ChatMode, batch: int = 100, budget: float = 60.0) -> tuple[int, float, float, dict[str, int]]:
    """Return (messages sent, messages/s, server CPU s per message, action counts) for chat POSTed to a real
    server in batches of `batch`. The server's CPU time is the figure a busy machine distorts least."""
    os.environ.setdefault("SOCKETIO_ASYNC_MODE", "threading")  # this process only builds the database
    import requests

    from tests.support.server import ServerProcess

    workdir = Path(tempfile.mkdtemp(prefix="livedesk-bench-moderation-"))
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    token, broadcast_id = _seed_end_to_end(url, terms, allow, policy, mode)
    server = ServerProcess(url, workdir)
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        endpoint = f"{server.url}/api/v1/broadcasts/{broadcast_id}/events"
        warm = {"id": "warm", "type": "chat", "ts": messages[0].at.isoformat(), "viewer_id": "warm", "text": "hi"}
        session.post(endpoint, json={"events": [warm]}, timeout=120).raise_for_status()  # builds the matcher
        actions: dict[str, int] = {}
        sent, started, cpu = 0, time.perf_counter(), _cpu_seconds(server.process.pid)
        while sent < len(messages) and time.perf_counter() - started < budget:
            events = [{"id": f"e2e-{sent + i}", "type": "chat", "ts": m.at.isoformat(), "viewer_id": m.viewer_id,
                       "nickname": m.nickname, "text": m.text} for i, m in enumerate(messages[sent:sent + batch])]
            response = session.post(endpoint, json={"events": events}, timeout=120)
            response.raise_for_status()
            for result in response.json()["results"]:
                key = result.get("action", result["status"])
                actions[key] = actions.get(key, 0) + 1
            sent += len(events)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds(server.process.pid) - cpu
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return sent, sent / elapsed, cpu / max(sent, 1), actions


def main() -> None:
    """Build the data, run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--terms", type=int, default=20_000)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--e2e-budget", type=float, default=60.0, help="seconds the end-to-end run may take")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end run through the HTTP API")
    args = parser.parse_args()
    rng = random.Random(20240501)
    terms, allow, rules = build_terms(args.terms, rng)
    messages = build_corpus(args.messages, rng, datetime(2024, 5, 1, 12, tzinfo=timezone.utc))
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
    best = {name: min(values) for name, values in timings.items()}
    n = len(messages)
    rows = [
        ("baseline: NFKC + casefold + plain automaton iter", "baseline"),
        ("pipeline, every rule on (cache empty at start)", "pipeline"),
        ("pipeline, shield mode (cache empty at start)", "shield"),
        ("pipeline, every text seen before (warm cache)", "warm"),
        ("pipeline without the findings cache", "uncached"),
    ]
    print(f"actions (normal mode): {actions}")
    for label, name in rows:
        ratio = "" if name == "baseline" else f"   ratio {best['baseline'] / best[name]:.2f}"
        print(f"{label:<50} {n / best[name]:>9,.0f} messages/s  {best[name] / n * 1e6:6.1f} us/message{ratio}")
    print(f"ratio pipeline / baseline: {best['baseline'] / best['pipeline']:.2f} (goal >= 0.5)")
    compact = best["compact"]
    print(f"reference: NFKC + casefold + the pipeline's compact automaton {n / compact:>9,.0f} messages/s  "
          f"{compact / n * 1e6:6.1f} us/message; pipeline / this = {compact / best['pipeline']:.2f}")
    if args.no_e2e:
        return
    load = os.getloadavg()[0]
    sent, rate, cpu, e2e_actions = bench_end_to_end(terms, allow, messages, policy, mode, budget=args.e2e_budget)
    label = "end to end: POST /events, batches of 100, SQLite"
    print(f"{label:<50} {rate:>9,.0f} messages/s  {1e6 / rate:6.0f} us/message (wall)   "
          f"server CPU {cpu * 1e6:,.0f} us/message = {1 / cpu if cpu else 0:,.0f} messages/s per core")
    print(f"  ({sent} messages, one client, python wsgi.py with eventlet, load average {load:.1f} at start)")
    print(f"actions (end to end): {e2e_actions}")


if __name__ == "__main__":
    main()
