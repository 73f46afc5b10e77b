"""Contact diversion as Chinese live rooms meet it: evasions the built-in contact rules must catch, and the
everyday chat that looks like them but must stay allowed (issue 10, item 10a).

Each family says where its messages come from. The messages are written for LiveDesk (ids and numbers are
made up), after the forms those sources show; none is copied from a word list.

Sources:

- [houbb-num] houbb/sensitive-word, ``src/test/java/.../bs/SensitiveWordBsNumTest.java``: a WeChat number
  written in mixed numeral styles (``9⓿二肆⁹₈③⑸⒋➃㈤㊄``); its README lists "数字常见形式的互换".
- [houbb-cn] houbb/sensitive-word ``SensitiveWordBsCNNumTest.java`` (下三滥 / 下3滥: Chinese and Arabic digits
  used interchangeably).
- [houbb-url] houbb/sensitive-word ``SensitiveWordBsUrlNoPrefixTest.java``: links without ``http://`` (``baidu.com``,
  ``www.baidu.com``).
- [houbb-weixie] houbb/sensitive-word ``bugs/b31/BugWeixieTest.java``: 威胁 ("threat") is no 威信 (a near-miss).
- [sieve] tomatocuke/sieve README: "VX: 2341443， wx:43545 … 数字还可以改为全角，圆圈字符 … ➕qq、➕vx", and symbols
  dropped inside words ("苹& 果").
- [douyin] Douyin's rule on 引导私下交易 as quoted by m.lydingpin.com/gonglue/183887885.html: phone numbers and
  social accounts, hints such as "V我", "主页有微", and links to platforms outside.
- [tiktok-shop] TikTok Shop's guidance on 私下交易 (yuguo.clbug.com/help/pqzip): no external links, user names,
  ids or phone numbers in comments.
- [dallas] dallaslu, 暗渡陈仓反过滤 (posts/(article)/(2008)/tools-for-anti-filter): filters are dodged with pinyin,
  English, dialect and wrong characters (homophones).
- [livedesk] LiveDesk's own demo chat (app/demo/data.py: claims, questions, chatter, "3 2 1 上链接!") and the
  everyday numbers of a selling room (prices, sizes, times, dates), which must never read as contacts.
"""

from __future__ import annotations

import pytest

from live.moderation.rules import build_matcher, check_text

EVASIONS: dict[str, tuple[str, list[str]]] = {
    "numerals in other styles": ("houbb-num, sieve", [
        "这个是我的微信：9989123456", "微信：9⓿二肆⁹₈③⑸⒋➃㈤㊄", "加我 ①③⑧①②③④⑤⑥⑦⑧", "电话 ❶❸❽❶❷❸❹❺❻❼❽",
        "手机 ⑴⑶⑻⑴⑵⑶⑷⑸⑹⑺⑻", "打 ⒈⒊⒏⒈⒉⒊⒋⒌⒍⒎⒏", "¹³⁸¹²³⁴⁵⁶⁷⁸ 找我", "₁₃₈₁₂₃₄₅₆₇₈", "➀➂➇➀➁➂➃➄➅➆➇",
        "1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", "➊➌➑➊➋➌➍➎➏➐➑", "１３８－１２３４－５６７８", "VX：１３９ ００００ ２２２２",
    ]),
    "Chinese and mixed numerals": ("houbb-cn", [
        "1３8壹贰3四5六7捌", "幺叁捌 幺贰叁肆 伍陆柒捌", "壹叁捌零零零零壹壹壹壹", "一三八 一二三四 五六七八",
        "幺三八、幺二三四、五六七八", "电话(一八六)零零零零 一一一一", "139 零零零零 2222", "13９0000二二二二",
        "壹三玖 零零零零 贰贰贰贰", "手机号一三九零零零零二二二二",
    ]),
    "separators between digit groups": ("sieve", [
        "138 1234 5678", "138  1234  5678", "138/1234/5678", "138_1234_5678", "138—1234—5678",
        "138，1234，5678", "138~1234~5678", "138💰1234💰5678", "138❤1234❤5678", "１３８ ＊＊ １２３４ ５６７８",
        "+86-138-1234-5678", "(+86)13812345678", "138-1234-5678 私聊", "159 0000 1111 找我", "手机：159-0000-1111",
        "call me 186 0000 1111", "tel 186.0000.1111", "电话:139 0000 2222",
    ]),
    "plain numbers with a word around": ("douyin, tiktok-shop", [
        "tel:13812345678", "电话13812345678请回电", "15900001111", "联系 18600001111", "vx同号 13812345678",
        "微信同号 13812345678", "电话同微 13812345678",
    ]),
    "WeChat written another way": ("sieve, douyin", [
        "VX: 2341443", "wx:43545", "➕vx abc1234", "➕V abc1234", "+V abc1234", "加V: shop_8888", "加❤V abc1234",
        "v❤x abc1234", "v x: abc1234", "V.X abc1234", "ⓥⓧ abc1234", "𝐯𝐱 abc1234", "ｖｘ：ａｂｃ１２３４",
        "加我V：lily_2024", "私我 v: shop2024a", "主页有微 vx：mm5201314", "V➕ abc1234", "vx➕ abc1234",
        "加v❤ abc1234", "+vx abc_888", "WX：ａｂｃ８８８", "wx号 abc888", "vx号：abc888", "v信号 abc_1234",
        "加我微：abc5678", "➕微 abc5678", "微 abc5678 私聊", "v我 abc5678", "有需要的加V abc5678", "vx搜 abc5678",
        "WX→abc5678", "wx ~ abc5678",
    ]),
    "WeChat by homophone, split or in pinyin": ("dallas, douyin", [
        "威信 abc1234", "薇 abc1234", "加薇 abc1234", "薇❤ abc1234", "徽信 abc1234", "V芯 abc1234", "微x abc1234",
        "wei xin abc1234", "weixin: abc1234", "we chat: shop888", "微❤信：abc888", "薇.信 abc888", "威 信 abc888",
        "维❤信 abc888", "威❤：abc5678", "伟信 abc5678", "加我微信号hello2024", "微信 w x i d _ 1 2 3 4 5",
        "wxid_abc12345", "加我 wxid_abc12345",
    ]),
    "QQ written another way": ("sieve, houbb-num", [
        "扣扣 ①②③④⑤⑥⑦⑧", "QQ ⑴⑵⑶⑷⑸⑹⑺⑻", "Q Q 12345678", "q群 123456789", "QQ群 123456789", "扣群 123456789",
        "企鹅 ¹²³⁴⁵⁶⁷⁸", "Ｑ：１２３４５６７８", "Q号 12345678", "➕Q 12345678", "加q 12345678", "qq：壹贰叁肆伍陆柒捌",
        "qq 1234 5678", "QQ：１２３４５６７８９", "扣扣号 987654321", "q：987654321", "QQ ⓽⓼⓻⓺⓹⓸⓷⓶⓵",
        "企鹅号 玖捌柒陆伍肆叁贰壹", "加扣 987654321", "扣 987654321", "QQ群：７６５４３２１", "Q群 7654321",
        "球球 7654321", "扣扣：七六五四三二一",
    ]),
    "links with the dot written out or wrapped": ("houbb-url, tiktok-shop, douyin", [
        "www点abc点com", "abc点com", "abc dot com", "abc(.)com", "abc．com", "abc。com", "abc .com 便宜",
        "t。me/deals", "www.abc123.cn", "http://abc.xyz", "ＷＷＷ．ＡＢＣ．ＣＯＭ", "abc[.]com", "abc123点com",
        "www点shop点cn", "shop88 dot cn", "shop88(点)com", "shop88【.】com", "shop88 。com", "https://t.cn/abc",
        "t.cn/A6abc", "tb.cn/xyz123", "m.tb.cn/h.abc", "u.jd.com/abc", "pdd.com", "www.abc5678.com", "abc5678.top",
        "abc5678点top", "abc5678 dot xyz", "去 abc5678 。cn 看看",
    ]),
}

NEAR_MISSES: dict[str, tuple[str, list[str]]] = {
    "the words of WeChat, QQ and links in ordinary chat": ("houbb-weixie, douyin", [
        "我受到了威胁救救我", "主播很有威信", "V我50", "疯狂星期四 v我50", "v我50 开玩笑的", "微信支付可以吗",
        "能用微信付款吗", "支持微信支付宝", "微信付款了", "可以微信转账吗", "微信支付的订单怎么查", "薇娅同款 2024新款",
        "蔷薇色好看", "微微一笑", "卫星直播吗", "维修怎么弄", "vx好评", "vx好评返现吗", "wx please", "主页有惊喜吗",
        "这个q弹好吃", "Q版的可爱", "q版 公仔", "QQ糖还有吗", "QQ音乐在放什么歌", "QQ星 儿童奶", "扣子好看",
        "扣子是金属的吗", "企鹅图案的那件", "企鹅玩偶还有吗", "球球主播看我", "com在哪", "com 是什么",
        "我在www上看到过", "dot 这个颜色", "dot dot", "点赞点赞", "点点赞", "点个关注", "快点上链接", "几点开始",
        "便宜点吧", "这件top好看", "xyz 系列", "abc 好看", "abc 这个字母贴", "good. nice", "ok. so cute",
    ]),
    "what a selling room writes with numbers": ("livedesk", [
        "口红色号 #888", "3件99元包邮", "38码要一双", "身高165体重50穿什么码", "165 50kg 穿M还是L", "13:30 开播",
        "20:00 开播", "13:30-14:30 秒杀", "2024-05-01 发货", "2024.11.11 双十一", "价格 128.5 元", "价格 1380 元",
        "1.5kg 够吗", "第12345期", "买了3件 共297元", "满300减30", "139元包邮吗", "下午3点开抢", "晚上8点见",
        "还有10分钟", "第2轮 第3轮", "12 13 14 号发货", "5 4 3 2 1 上链接", "三 二 一 上链接", "一二三 木头人",
        "7654321 倒数", "二二二二 哈哈", "零零后来报到", "订单号在哪看", "iPhone 15 Pro Max", "小米 14 Ultra",
        "尺码 S M L XL", "有没有XL码",
    ]),
    "claims and chatter": ("livedesk", [
        "SOLD A12 M 2", "拍了 2件 A12", "A12 L码", "+1", "+2", "➕1", "+1 A12 XL", "加购了 A12", "加我一个", "加油加油",
        "加入购物车了", "加v领的那款", "v领的那件", "V领毛衣", "v5", "v5 主播", "666", "好看", "我在看",
    ]),
}


def _table(families: dict[str, tuple[str, list[str]]]) -> list:
    return [pytest.param(text, id=f"{family} [{source}]: {text}")
            for family, (source, texts) in families.items() for text in texts]


@pytest.fixture(scope="module")
def no_terms():
    """Return a matcher with no terms: only the built-in contact rules may act."""
    return build_matcher([], [], [], version="contact-evasions")


def test_the_table_is_large_enough_to_mean_something() -> None:
    assert len(_table(EVASIONS)) + len(_table(NEAR_MISSES)) >= 150
    assert len({t for _, (_, texts) in EVASIONS.items() for t in texts}) == len(_table(EVASIONS))


@pytest.mark.parametrize("text", _table(EVASIONS))
def test_an_everyday_contact_evasion_is_caught(no_terms, text: str) -> None:
    result = check_text(text, no_terms)
    assert result["action"] != "allow", result["normalized"]
    assert any(r["code"].startswith("contact_") for r in result["reasons"])


@pytest.mark.parametrize("text", _table(NEAR_MISSES))
def test_chat_that_only_looks_like_a_contact_stays_allowed(no_terms, text: str) -> None:
    result = check_text(text, no_terms)
    assert (result["action"], result["reasons"]) == ("allow", [])
