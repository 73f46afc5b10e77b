"""Destructive buttons ask first, in the page's own dialog (no browser prompt): the question names what will
happen, focus starts on Cancel, Escape and Cancel change nothing, and only the confirming button acts. Tokens,
users (at 390 px), the moderator's blocked terms, the end of a broadcast and the blocklist."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_moderator_console import ConsoleSession, RemoteApi, open_console

pytestmark = pytest.mark.browser

DIALOG = "#confirm-dialog"


def wait_for_question(page, question: str) -> None:
    """Wait until the confirmation dialog is open and asks question, with the focus on Cancel."""
    expect(page.locator(DIALOG)).to_be_visible()
    expect(page.locator("#confirm-question")).to_have_text(question)
    expect(page.locator("#confirm-cancel")).to_be_focused()


@pytest.mark.slow
def test_revoking_a_token_asks_first_and_only_the_confirmed_click_revokes_it(live_server, page):
    server, token = live_server
    log_in(page, server.url, "admin")
    page.goto(server.url + "/tokens")
    revoke = page.locator("tr[data-token='browser-tests'] form[action$='/revoke'] button")

    revoke.click()
    wait_for_question(page, "Revoke token ‘browser-tests’?")
    expect(page.locator("#confirm-detail")).to_contain_text("stop at once")
    expect(page.locator("#confirm-ok")).to_have_text("Revoke")
    page.keyboard.press("Escape")
    expect(page.locator(DIALOG)).to_be_hidden()
    expect(revoke).to_be_focused()  # back where the person was

    revoke.click()
    wait_for_question(page, "Revoke token ‘browser-tests’?")
    page.click("#confirm-cancel")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.reload()
    expect(page.locator("tr[data-token='browser-tests'] .badge.accepted")).to_have_text("Active")
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(server.url + "/api/v1/broadcasts", headers=headers, timeout=10).status_code == 200

    revoke.click()
    with page.expect_navigation():
        page.click("#confirm-ok")
    expect(page.locator("tr[data-token='browser-tests'] .badge.rejected")).to_have_text("Revoked")
    assert requests.get(server.url + "/api/v1/broadcasts", headers=headers, timeout=10).status_code == 401
    assert page.dialogs == [] and page.errors == []


@pytest.mark.slow
def test_disabling_a_user_on_a_phone_asks_in_a_dialog_that_fits_and_acts_only_when_confirmed(live_server, page):
    server, _token = live_server
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "admin")
    page.goto(server.url + "/users")
    disable = page.locator("tr[data-username='host'] button.danger")

    disable.click()
    wait_for_question(page, "Disable host?")
    box = page.locator(DIALOG).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    for button in ("#confirm-cancel", "#confirm-ok"):
        assert page.locator(button).bounding_box()["height"] >= 44  # a tap target
    page.click("#confirm-cancel")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.reload()
    expect(page.locator("tr[data-username='host'] .badge.accepted")).to_have_text("Active")

    disable.click()
    wait_for_question(page, "Disable host?")
    with page.expect_navigation():
        page.click("#confirm-ok")
    expect(page.locator("tr[data-username='host'] .badge.rejected")).to_have_text("Disabled")
    assert page.dialogs == [] and page.errors == []


@pytest.mark.slow
def test_removing_a_blocked_term_asks_over_the_drawer_and_keeps_the_term_when_cancelled(live_server, page):
    server, token = live_server
    broadcast_id = RemoteApi(server.url, token).live_broadcast("Spring launch")
    ConsoleSession(server.url, "moderator").request("POST", "/api/v1/moderation/terms", {"term": "便宜", "action": "hold"})
    log_in(page, server.url, "moderator")
    open_console(page, server.url, broadcast_id)
    page.click("#open-settings")
    remove = page.locator("#terms tr:has-text('便宜') button[data-action=remove-term]")

    remove.click()
    wait_for_question(page, "Remove the term ‘便宜’?")
    page.keyboard.press("Escape")  # closes the question only: the drawer stays open
    expect(page.locator(DIALOG)).to_be_hidden()
    expect(page.locator("#settings-drawer")).to_be_visible()
    expect(page.locator("#terms-count")).to_have_text("1")

    remove.click()
    wait_for_question(page, "Remove the term ‘便宜’?")
    page.click("#confirm-ok")
    expect(page.locator("#terms tr")).to_have_count(0)
    expect(page.locator("#terms-count")).to_have_text("0")
    terms = ConsoleSession(server.url, "moderator").request("GET", f"/api/v1/moderation/terms?broadcast_id={broadcast_id}")
    assert terms["terms"] == []
    assert page.dialogs == [] and page.errors == []


@pytest.mark.slow
def test_ending_a_broadcast_asks_in_the_page_dialog(live_server, page):
    server, token = live_server
    broadcast_id = RemoteApi(server.url, token).live_broadcast("Spring launch")
    log_in(page, server.url, "admin")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}")

    page.click("#end-broadcast")
    wait_for_question(page, "End this broadcast now? It cannot be started again.")
    page.click("#confirm-cancel")
    expect(page.locator(DIALOG)).to_be_hidden()
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.get(f"{server.url}/api/v1/broadcasts/{broadcast_id}", timeout=10).json()["status"] == "live"

    page.click("#end-broadcast")
    wait_for_question(page, "End this broadcast now? It cannot be started again.")
    page.click("#confirm-ok")
    page.wait_for_selector("#end-broadcast", state="detached")
    assert api.get(f"{server.url}/api/v1/broadcasts/{broadcast_id}", timeout=10).json()["status"] == "ended"
    assert page.dialogs == [] and page.errors == []


@pytest.mark.slow
def test_taking_a_phone_off_the_blocklist_asks_first(live_server, page):
    server, token = live_server
    broadcast_id = RemoteApi(server.url, token).live_broadcast("Spring launch")
    ConsoleSession(server.url, "auditor").request("POST", "/api/v1/blocklist",
                                                  {"kind": "phone", "value": "13800000000", "reason": "fraud"})
    log_in(page, server.url, "auditor")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/audit-policy")
    remove = page.locator("#blocklist tr:has-text('13800000000') button.remove")

    remove.click()
    wait_for_question(page, "Take 13800000000 off the blocklist?")
    page.click("#confirm-cancel")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.reload()
    expect(remove).to_be_visible()

    remove.click()
    wait_for_question(page, "Take 13800000000 off the blocklist?")
    page.click("#confirm-ok")
    expect(page.locator("#blocklist tbody tr")).to_have_count(0)
    assert ConsoleSession(server.url, "auditor").request("GET", "/api/v1/blocklist")["entries"] == []
    assert page.dialogs == [] and page.errors == []
