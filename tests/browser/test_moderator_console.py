"""The moderator console in Chromium against a real server: a held message approved in one click reaches the
host's page (another browser context), the term list (in the settings drawer) and shield toggle take effect,
the policy is saved from the drawer. The issue 12 behaviour (pause, undo, bulk, keys, check, layouts):
tests/browser/test_moderator_console_flow.py."""
from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in, recording_page, screenshot
from tests.support.api import order_event
from tests.support.databases import PASSWORD

pytestmark = pytest.mark.browser
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class RemoteApi:
    """The v1 API of a running server with a bearer token (the platform adapter's view)."""

    def __init__(self, base: str, token: str):
        self.base, self.session = base, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict) -> dict:
        """POST JSON and return the answer, failing the test on an error status."""
        response = self.session.post(self.base + path, json=body, timeout=30)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def live_broadcast(self, title: str) -> int:
        """Create and start a broadcast; return its id."""
        broadcast_id = self.post("/api/v1/broadcasts", {"title": title, "platform": "douyin"})["id"]
        self.post(f"/api/v1/broadcasts/{broadcast_id}/start", {})
        return broadcast_id

    def chat(self, broadcast_id: int, events: list[dict]) -> list[dict]:
        """Post chat events and return their results."""
        return self.post(f"/api/v1/broadcasts/{broadcast_id}/events", {"events": events})["results"]


class ConsoleSession:
    """A logged-in console user calling the API with the session cookie and the CSRF header (no browser)."""

    def __init__(self, base: str, username: str):
        self.base, self.session = base, requests.Session()
        login_page = self.session.get(base + "/login", timeout=10).text
        response = self.session.post(base + "/login", timeout=10, allow_redirects=False, data={
            "username": username, "password": PASSWORD, "csrf_token": _CSRF.search(login_page).group(1)})
        assert response.status_code == 302, response.text[:300]
        self.session.headers["X-CSRFToken"] = _CSRF.search(self.session.get(base + "/", timeout=10).text).group(1)

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        """Call the API and return the answer, failing the test on an error status."""
        response = self.session.request(method, self.base + path, json=body, timeout=30)
        assert response.status_code in (200, 201), response.text
        return response.json()


def chat_event(event_id: str, viewer_id: str, text: str, nickname: str | None = None) -> dict:
    """Return a chat event stamped now."""
    event = {"id": event_id, "type": "chat", "ts": datetime.now(timezone.utc).isoformat(), "viewer_id": viewer_id,
             "text": text}
    if nickname is not None:
        event["nickname"] = nickname
    return event


@pytest.fixture
def host_page(browser):
    """Return a second page in its own browser context (own cookies), recording JavaScript errors and dialogs."""
    yield from recording_page(browser)


def open_console(page, base: str, broadcast_id: int) -> None:
    """Open a broadcast's console and wait until it is connected and loaded."""
    page.goto(f"{base}/broadcasts/{broadcast_id}/moderation")
    page.wait_for_selector("#console[data-connection=connected]")


def add_term_in_drawer(page, term: str, action: str) -> None:
    """Add a blocked term through the settings drawer, then close the drawer."""
    page.click("#open-settings")
    page.wait_for_selector("#settings-drawer[open]")
    page.fill("#term-form input[name=term]", term)
    page.select_option("#term-form select[name=action]", action)
    page.click("#term-form button[type=submit]")
    page.wait_for_selector(f"#terms td.term >> text={term}")
    page.click("#settings-drawer .drawer-head button")
    page.wait_for_selector("#settings-drawer", state="hidden")


@pytest.mark.slow
def test_approving_a_held_message_in_one_click_reaches_the_host_page(live_server, page, host_page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = api.live_broadcast("Moderation live")
    log_in(page, server.url, "moderator")
    open_console(page, server.url, broadcast_id)
    add_term_in_drawer(page, "便宜", "hold")  # a hold term added from the console itself
    log_in(host_page, server.url, "host")
    host_page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    host_page.wait_for_selector("#host[data-connection=connected]")

    api.chat(broadcast_id, [chat_event("c-ok", "v1", "主播好美", "小美"),
                            chat_event("c-held", "v2", "能便宜点吗？", "砍价王"),
                            chat_event("c-claim", "v3", "拍了 2件 A12", "买买买")])
    host_page.wait_for_selector('#chat li[data-event-id="c-ok"]')
    held = page.wait_for_selector('#held li.msg:has-text("能便宜点吗？")')
    assert host_page.query_selector('#chat li[data-event-id="c-held"]') is None
    page.mouse.move(0, 0)  # the pointer off the lists: nothing waits for it to leave
    started = time.monotonic()
    held.query_selector("button[data-action=approve]").click()
    shown = host_page.wait_for_selector('#chat li[data-event-id="c-held"]', timeout=5000)
    latency = time.monotonic() - started
    assert shown.query_selector(".text").text_content() == "能便宜点吗？"
    assert "question" in shown.get_attribute("class")
    page.mouse.move(0, 0)
    page.wait_for_selector("#held-empty:not([hidden])")
    assert page.inner_text("#held-count") == "0"
    expect(host_page.locator('#chat li[data-event-id="c-claim"] .tag.claim')).to_contain_text("A12")
    page.click('#stream li.msg button.nick >> text=砍价王')
    page.wait_for_selector("#viewer-body:not([hidden])")
    api.chat(broadcast_id, [chat_event("c-again", "v4", "再便宜一点好不好", "客服小王")])
    page.wait_for_selector('#held li.msg:has-text("再便宜一点")')
    screenshot(host_page, "moderator-console-host")
    print(f"approve click to host page: {latency * 1000:.0f} ms")
    assert page.errors == [] and page.dialogs == [] and host_page.errors == [] and host_page.dialogs == []


def test_shield_mode_is_one_click_and_holds_new_viewers(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = api.live_broadcast("Shield live")
    log_in(page, server.url, "moderator")
    open_console(page, server.url, broadcast_id)
    page.click("#shield-toggle")
    page.wait_for_selector("#shield-toggle[aria-pressed=true]")
    api.chat(broadcast_id, [chat_event("c-new", "newcomer", "hello everyone")])
    page.wait_for_selector("#held li.msg >> text=hello everyone")
    assert "New viewer (shield mode)" in page.inner_text("#held")  # the label; the code stays in data-code
    assert page.query_selector('#held [data-code="shield_new_viewer"]')
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_shield_and_settings_wait_for_the_settings_they_change(live_server, page):
    # Shield mode is on already; a click on the toggle before the page knew that used to turn it on again.
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = api.live_broadcast("Shielded live")
    ConsoleSession(server.url, "moderator").request(
        "PUT", f"/api/v1/broadcasts/{broadcast_id}/moderation-policy", {"chat_mode": {"shield": True}})
    held = []

    def hold_the_first_read(route):
        if held or route.request.method != "GET":
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r".*/moderation-policy$"), hold_the_first_read)
    log_in(page, server.url, "moderator")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/moderation")
    page.wait_for_selector("#console[data-connection=connected]")
    expect(page.locator("#open-check")).to_be_enabled()  # the page's script ran
    for control in ("#shield-toggle", "#open-settings", "#slow-form button[type=submit]"):
        expect(page.locator(control)).to_be_disabled()
    page.locator("#shield-toggle").click(force=True)  # what an impatient moderator does: nothing happens
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#shield-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#shield-toggle")).to_be_enabled()
    expect(page.locator("#open-settings")).to_be_enabled()
    page.click("#shield-toggle")
    expect(page.locator("#shield-toggle")).to_have_attribute("aria-pressed", "false")
    saved = ConsoleSession(server.url, "moderator").request("GET", f"/api/v1/broadcasts/{broadcast_id}/moderation-policy")
    assert saved["chat_mode"]["shield"] is False
    assert page.errors == [] and page.dialogs == []


def test_slow_mode_and_thresholds_are_saved_from_the_console(live_server, page):
    server, token = live_server
    broadcast_id = RemoteApi(server.url, token).live_broadcast("Policy live")
    log_in(page, server.url, "moderator")
    open_console(page, server.url, broadcast_id)
    assert page.is_hidden("#policy-form")  # the thresholds live in the drawer, not on the main screen
    page.wait_for_function("document.querySelector('#policy-form [name=timeout_s]').value === '600'")
    page.fill("#slow-seconds", "30")
    page.click("#slow-form button[type=submit]")
    page.wait_for_selector("#modes-status >> text=Saved.")
    page.click("#open-settings")
    legends = page.locator("#policy-form legend").all_inner_texts()
    assert legends[:3] == ["Flooding and repetition", "Raids", "Contact details"]
    page.fill("#policy-form [name=timeout_s]", "900")
    page.select_option("#policy-form [name=contact_action]", "hold")
    page.fill("#policy-form [name=allowed_domains]", "taobao.com, tmall.com")
    page.click("#policy-form button[type=submit]")
    page.wait_for_selector("#policy-status >> text=Saved.")
    saved = ConsoleSession(server.url, "moderator").request("GET", f"/api/v1/broadcasts/{broadcast_id}/moderation-policy")
    assert saved["chat_mode"] == {"slow_seconds": 30, "shield": False}
    assert saved["policy"]["timeout_s"] == 900 and saved["policy"]["contact_action"] == "hold"
    assert saved["policy"]["allowed_domains"] == ["taobao.com", "tmall.com"]
    page.fill("#policy-form [name=timeout_s]", "0")
    page.click("#policy-form button[type=submit]")
    # The refusal names the field by its label, not by the API's path (policy.timeout_s).
    label = page.eval_on_selector("#policy-form [name=timeout_s]", "node => node.closest('label').firstChild.textContent.trim()")
    expect(page.locator("#policy-status")).to_contain_text(label)
    assert "policy.timeout_s" not in page.inner_text("#policy-status")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_a_claim_on_the_host_page_shows_the_order_it_became(live_server, host_page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    api.post("/api/v1/products", {"sku": "A12", "name": "Scarf", "price": "99.00", "stock": 10})
    broadcast_id = api.live_broadcast("Claims live")
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "A12"})
    log_in(host_page, server.url, "host")
    host_page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    host_page.wait_for_selector("#host[data-connection=connected]")
    api.chat(broadcast_id, [chat_event("c-9", "v9", "拍了 1件 A12")])
    link = host_page.wait_for_selector('#chat li[data-event-id="c-9"] .order-link')
    api.post(f"/api/v1/broadcasts/{broadcast_id}/events",
             {"events": [order_event("A12", 1, order_id="ORD-C9", comment_id="c-9")]})
    host_page.wait_for_function(
        "document.querySelector('#chat li[data-event-id=\"c-9\"] .order-link').textContent.includes('ORD-C9')")
    assert "ORD-C9" in link.text_content()
    assert host_page.errors == [] and host_page.dialogs == []


def test_a_claim_by_link_number_names_the_product_it_resolved_to_in_the_console(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    api.post("/api/v1/products", {"sku": "RICE", "name": "Rice", "price": "39.00", "stock": 10})
    broadcast_id = api.live_broadcast("Claims by link")
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "RICE"})
    lineup = api.session.get(f"{server.url}/api/v1/broadcasts/{broadcast_id}/products", timeout=10).json()
    link_no = next(item["link_no"] for item in lineup["products"] if item["sku"] == "RICE")
    api.chat(broadcast_id, [chat_event("c-link", "v-link", f"拍了 2件 {link_no}号")])
    log_in(page, server.url, "moderator")
    open_console(page, server.url, broadcast_id)
    claim = page.wait_for_selector('#stream li[data-event-id="c-link"] .claim')
    assert "RICE ×2" in claim.text_content()
    assert page.errors == [] and page.dialogs == []
