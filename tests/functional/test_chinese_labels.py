"""Chinese pages show translated labels, never the raw codes behind them (issue 10, item 24)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from app.auth.models import User
from app.extensions import db
from live.moderation.rules.reasons import DETAIL_CODES, REASON_CODES
from orders.audit.findings import CODES
from orders.models import ORDER_STATUSES
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login

RAW_CODES = ("phone_missing", "in_stream", "needs_info", "system")


class _VisibleText(HTMLParser):
    """Collects the text a person reads: element text outside scripts and templates, not attributes."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "template", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "template", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return the visible text of a page, one part per line."""
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def config_of(html: str, element_id: str) -> dict:
    """Return the JSON a page embeds for its script in <script id=element_id>."""
    return json.loads(html.split(f'id="{element_id}">', 1)[1].split("</script>", 1)[0])


@pytest.fixture
def chinese(app, users):
    """Switch every user to Chinese and return a function logging one in."""
    with app.app_context():
        for user in db.session.scalars(db.select(User)):
            user.locale = "zh_CN"
        db.session.commit()
    return lambda role: login(app, role)


@pytest.fixture
def live(api):
    """Return a live broadcast id selling A1 (¥99)."""
    api.product("A1", stock=10, price="99.00")
    return api.live_broadcast(title="春茶", skus=("A1",))


def test_a_chinese_order_page_shows_labels_for_findings_sources_notices_and_actors(api, chinese, live):
    event = order_event("A1", 1, order_id="ZH-1")
    event["buyer"]["phone"] = None
    assert api.events(live, [event]).get_json()["results"][0]["order"]["status"] == "held"
    html = chinese("auditor").get("/orders/ZH-1").get_data(as_text=True)
    shown = visible_text(html)
    for code in RAW_CODES:
        assert not re.search(rf"\b{code}\b", shown), f"{code} is shown on the Chinese order page"
    for label in ("缺少手机号", "直播间下单", "需补充信息", "系统"):  # finding, source, notice kind, history actor
        assert label in shown
    assert 'data-code="phone_missing"' in html  # scripts and tests still find the code


def test_the_chinese_audit_queue_labels_its_finding_filter_and_rows(api, chinese, live):
    event = order_event("A1", 1, order_id="ZH-2")
    event["buyer"]["phone"] = None
    api.events(live, [event])
    html = chinese("auditor").get("/audit").get_data(as_text=True)
    assert not re.search(r"\bphone_missing\b", visible_text(html))
    assert '<option value="phone_missing" >缺少手机号</option>' in html
    labels = config_of(html, "config")["findingLabels"]
    assert set(labels) == set(CODES) and all(labels[code] != code for code in CODES)


def test_the_chinese_moderator_console_has_a_label_for_every_reason_code(chinese, live):
    html = chinese("moderator").get(f"/broadcasts/{live}/moderation").get_data(as_text=True)
    labels = config_of(html, "config")["reasonLabels"]
    assert set(REASON_CODES) <= set(labels)
    assert all(labels[code] != code and not re.search(r"[a-z]_[a-z]", labels[code]) for code in REASON_CODES)
    assert labels["term_scam"].startswith("屏蔽词：")


def test_the_chinese_moderator_console_names_every_order_status_in_chinese(chinese, live):
    html = chinese("moderator").get(f"/broadcasts/{live}/moderation").get_data(as_text=True)
    labels = config_of(html, "config")["orderLabels"]
    assert set(labels) >= set(ORDER_STATUSES)
    untranslated = {status: label for status, label in labels.items() if re.search(r"[A-Za-z]", label)}
    assert untranslated == {}


def test_every_page_names_the_time_zone_its_times_are_in(chinese, live):
    html = chinese("admin").get(f"/broadcasts/{live}/live").get_data(as_text=True)
    assert 'id="zone-note"' in html and "时间均按 {zone} 显示。" in html


def test_the_chinese_moderator_console_can_say_every_reason_detail_in_chinese(chinese, live):
    html = chinese("moderator").get(f"/broadcasts/{live}/moderation").get_data(as_text=True)
    details = config_of(html, "config")["detailLabels"]
    assert set(DETAIL_CODES) <= set(details)
    for code in DETAIL_CODES:
        words = re.sub(r"\{\w+\}", "", details[code])
        assert not re.search(r"[A-Za-z]{2,}", words), f"{code}: {details[code]} is not Chinese"
    assert details["flood"] == "{window_s} 秒内发了 {messages} 条"
    # Who decided, and the codes a sanction or an automatic hide records, are labels too.
    config = config_of(html, "config")
    assert config["actorLabels"]["auto"] == "自动"


# Latin a Chinese page may show: names of things and units. Everything else is English left or a raw code.
LATIN_ALLOWED = {"LiveDesk", "SKU", "UTC", "CSV", "GMV", "GPM", "UV", "PV", "ID", "QQ", "Esc", "HTML"}


def english_left(html: str, data: tuple[str, ...] = ()) -> list[str]:
    """Return the Latin words and raw codes a person reads in a page's <main>, once the test's own data is taken out."""
    main = html[html.index("<main"):html.index("</main>")]
    text = visible_text(main)
    for value in data:
        text = text.replace(value, " ")
    return sorted({word for word in re.findall(r"[A-Za-z][A-Za-z_]+", text) if word not in LATIN_ALLOWED})


def test_a_sweep_of_every_chinese_page_finds_no_english_and_no_raw_code(app, api, chinese, live):
    held = order_event("A1", 1, order_id="ZH-H")
    held["buyer"]["phone"] = None
    api.events(live, [held, order_event("A1", 1, order_id="ZH-P")])
    api.events(live, [{"id": "pay-zh", "type": "payment", "ts": now_iso(), "order_id": "ZH-P", "status": "paid",
                       "amount": "99.00", "method": "alipay"}])
    api.events(live, [{"id": f"chat-{i}", "type": "chat", "ts": now_iso(), "viewer_id": "v1", "text": text,
                       "nickname": "小明"} for i, text in enumerate(["你好", "加微信", "拍了 A1 1件", "多少钱？"])])
    auditor = chinese("auditor")
    edited = auditor.patch("/api/v1/orders/ZH-H", headers={"X-CSRFToken": csrf_token(auditor, "/")},
                           json={"buyer": {"name": "王五", "phone": "13912345678"}, "reason": "买家补充了手机号"})
    assert edited.status_code == 200, edited.get_json()
    data = ("ZH-H", "ZH-P", "A1", "auditor", "admin")  # order ids, SKUs and usernames are data, not words
    data += tuple(api.get(f"/api/v1/orders/{order_id}").get_json()["buyer"]["id"] for order_id in ("ZH-H", "ZH-P"))
    pages = {"auditor": ["/audit", "/orders/ZH-H", "/orders/ZH-P"], "moderator": [f"/broadcasts/{live}/moderation"],
             "analyst": [f"/broadcasts/{live}/analytics", f"/broadcasts/{live}/report"],
             "admin": ["/promotions", f"/broadcasts/{live}/live"]}
    left = {}
    for role, paths in pages.items():
        client = chinese(role)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            left[path] = english_left(response.get_data(as_text=True), data)
    assert {path: words for path, words in left.items() if words} == {}
