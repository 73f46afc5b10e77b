"""The synthetic data of the moderation benches: term lists and a corpus of live-selling chat.

``build_terms`` gives blocked terms (half Chinese drawn from the 3,755 common GB2312 characters, half Latin),
an allow-list and two regex rules; ``build_corpus`` gives messages over about ten minutes from ~3,000 viewers:
hype, questions, purchase claims, chatter, bursts of flood, a raid, and contact diversion with evasions.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from live.moderation.rules import AllowTerm, ChatMessage, RegexRule, Term


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
