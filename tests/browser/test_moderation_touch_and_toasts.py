"""The moderator console on touch screens (probe 4, D1 and D2): the live chat holds still from the moment a finger
goes down until its tap has acted, so a tap hides the message that was under the finger even while chat flows; a
list scrolled away from its newest end waits behind "n new"; undo toasts can be dismissed, at most two show at once
and on a phone they stay a compact strip at the bottom."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, new_context
from tests.browser.test_moderator_console import ConsoleSession, RemoteApi, chat_event, open_console

pytestmark = pytest.mark.browser

# The message under the finger as it went down, recorded by the page itself (before any handler of the list), and
# a gate on the chat pushes: while it is shut they wait (as if still on the network) and go in 30 ms after the next
# touch went down, so they arrive while the finger is on the screen, within a tap's 500 ms.
RECORD_DOWN = """() => {
  const socket = window.moderationSocket, handlers = socket.listeners("chat.moderated");
  window.__gate = {shut: false, waiting: []};
  socket.off("chat.moderated");
  socket.on("chat.moderated", (payload) => {
    if (window.__gate.shut) { window.__gate.waiting.push(payload); } else { handlers.forEach((fn) => fn(payload)); }
  });
  document.addEventListener("pointerdown", (event) => {
    const item = event.target.closest("li.msg");
    window.__downOn = item ? item.dataset.eventId : null;
    setTimeout(() => {
      window.__gate.shut = false;
      window.__gate.waiting.splice(0).forEach((payload) => handlers.forEach((fn) => fn(payload)));
    }, 30);
  }, true);
}"""


def touch_page(browser, size: tuple[int, int], locale: str = "en-US"):
    """Return a page of a touch screen of the given size that records JavaScript errors."""
    context = new_context(browser, locale=locale, timezone_id="Asia/Shanghai", bypass_csp=True, has_touch=True,
                          viewport={"width": size[0], "height": size[1]},
                          extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9" if locale == "zh-CN" else "en-US"})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture
def tablet(live_server, browser):
    """Return (page, api, moderator, broadcast id): a moderator's console on a 768×1024 touch screen."""
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = api.live_broadcast("Touch show")
    page = touch_page(browser, (768, 1024))
    log_in(page, server.url, "moderator")
    open_console(page, server.url, broadcast_id)
    yield page, api, ConsoleSession(server.url, "moderator"), broadcast_id
    page.context.close()


def status_of(moderator, broadcast_id: int, event_id: str) -> str:
    """Return the stored status of one chat message."""
    messages = moderator.request("GET", f"/api/v1/broadcasts/{broadcast_id}/chat?limit=500&status=all")["messages"]
    return next(m["status"] for m in messages if m["id"] == event_id)


def shown(page) -> list[str]:
    """Return the event ids of the live chat, top to bottom."""
    return page.locator("#stream li.msg").evaluate_all("nodes => nodes.map(n => n.dataset.eventId)")


def test_a_tap_in_flowing_chat_hides_the_message_that_was_under_the_finger(tablet):
    page, api, moderator, broadcast_id = tablet
    api.chat(broadcast_id, [chat_event(f"a-{n}", f"v{n}", f"第 {n} 条", f"粉丝{n}") for n in range(12)])
    page.wait_for_function("document.querySelectorAll('#stream li.msg').length === 12")
    page.evaluate(RECORD_DOWN)
    box = page.locator("#stream li.msg").nth(1).locator("button[data-action=hide]").bounding_box()
    aim = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    # The moderator reads for a moment: chat keeps flowing and the list keeps moving (nothing touches it yet).
    api.chat(broadcast_id, [chat_event(f"b-{n}", f"w{n}", f"又来了 {n}", f"路人{n}") for n in range(3)])
    page.wait_for_function("document.querySelectorAll('#stream li.msg').length === 15")
    assert shown(page)[0] == "b-2"

    page.evaluate("window.__gate.shut = true")
    api.chat(broadcast_id, [chat_event(f"c-{n}", f"x{n}", f"刷屏 {n}", f"刷屏{n}") for n in range(4)])
    page.wait_for_function("window.__gate.waiting.length === 4")
    before = shown(page)

    touch = page.context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [aim]})
    # The chat that came while the finger was down waits behind "n new": nothing moved under it.
    page.wait_for_function("document.querySelector('#resume').dataset.count === '4'", polling=10)
    assert shown(page) == before
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    target = page.evaluate("window.__downOn")
    assert target in before

    page.wait_for_selector(".toast:has-text('message hidden')")
    assert status_of(moderator, broadcast_id, target) == "hidden"
    others = [event_id for event_id in before if event_id != target]
    assert all(status_of(moderator, broadcast_id, event_id) == "visible" for event_id in others)
    # A few seconds after the finger lifted the list runs again: the waiting messages come in on top.
    page.wait_for_selector("#resume", state="hidden")
    expect(page.locator("#stream")).to_have_attribute("data-paused", "false")
    assert shown(page)[:4] == ["c-3", "c-2", "c-1", "c-0"]
    assert page.errors == []


def test_a_list_scrolled_away_from_the_newest_waits_until_the_new_button(tablet):
    page, api, _moderator, broadcast_id = tablet
    api.chat(broadcast_id, [chat_event(f"s-{n}", f"v{n}", "主播好 " * 6, f"粉丝{n}") for n in range(30)])
    page.wait_for_function("document.querySelectorAll('#stream li.msg').length === 30")
    stream = page.locator("#stream")
    stream.evaluate("list => { list.scrollTop = 400; }")
    expect(stream).to_have_attribute("data-paused", "true")
    first = shown(page)[0]
    api.chat(broadcast_id, [chat_event("late-1", "v99", "来晚了", "迟到"), chat_event("late-2", "v98", "我也是")])
    expect(page.locator("#resume")).to_have_text("2 new")
    assert shown(page)[0] == first and stream.evaluate("list => list.scrollTop") >= 390

    page.tap("#resume")
    expect(page.locator("#resume")).to_be_hidden()
    expect(stream).to_have_attribute("data-paused", "false")
    assert shown(page)[:2] == ["late-2", "late-1"] and stream.evaluate("list => list.scrollTop") == 0
    # Following the newest again: a new message comes straight in.
    api.chat(broadcast_id, [chat_event("late-3", "v97", "再来一条")])
    page.wait_for_function("document.querySelector('#stream li.msg').dataset.eventId === 'late-3'")
    assert page.errors == []


@pytest.mark.slow
def test_undo_toasts_can_be_dismissed_and_at_most_two_cover_a_phone(live_server, browser):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = api.live_broadcast("春季上新")
    moderator = ConsoleSession(server.url, "moderator")
    moderator.request("POST", "/api/v1/moderation/terms", {"term": "便宜", "action": "hold"})
    page = touch_page(browser, (390, 844), "zh-CN")
    log_in(page, server.url, "moderator")
    open_console(page, server.url, broadcast_id)
    api.chat(broadcast_id, [chat_event(f"h-{n}", f"v{n}", f"能便宜点吗 {n}", f"买家{n}") for n in range(5)])
    page.wait_for_function("document.querySelectorAll('#held li.msg').length === 5")

    for n in range(4):  # a spam wave: Hide on four held messages, about one a second
        page.locator(f'#held li.msg[data-event-id="h-{n}"] button[data-action=hide]').tap()
        page.wait_for_selector(f".toast:has-text('买家{n}：消息已隐藏')")
    toasts = page.locator("#toasts .toast")
    expect(toasts).to_have_count(2)
    assert toasts.evaluate_all("nodes => nodes.map(n => n.querySelector('.toast-text').textContent)") == [
        "买家2：消息已隐藏", "买家3：消息已隐藏"]
    stack = page.locator("#toasts").bounding_box()
    assert stack["height"] <= 2 * 56 + 8, stack  # a compact strip, not a third of the screen
    assert stack["y"] + stack["height"] <= 844 and stack["width"] <= 390

    dismiss = page.get_by_role("button", name="关闭提示")
    expect(dismiss).to_have_count(2)
    assert all(b["height"] >= 44 for b in dismiss.evaluate_all(
        "nodes => nodes.map(n => n.getBoundingClientRect().toJSON())"))  # tap targets
    dismiss.first.tap()
    expect(toasts).to_have_count(1)
    assert status_of(moderator, broadcast_id, "h-2") == "hidden"  # dismissing undoes nothing

    # The page can be scrolled so that the whole console, its last buttons too, comes up from under the toast.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    console = page.locator("#console").bounding_box()
    assert console["y"] + console["height"] <= page.locator("#toasts").bounding_box()["y"] + 1

    page.locator(".toast:has-text('买家3') .toast-action").tap()
    page.wait_for_selector(".toast.good:has-text('已撤销')")
    page.wait_for_function("() => !document.querySelector('#held li.msg[data-event-id=\"h-3\"].leaving')")
    assert status_of(moderator, broadcast_id, "h-3") == "held"
    assert page.errors == []
    page.context.close()
