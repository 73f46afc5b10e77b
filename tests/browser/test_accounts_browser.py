"""Accounts and access in a real Chromium: an admin adds a user with a one-time link, the user chooses a password
through it and logs in; the admin disables them; creates a scoped token (shown once) that works on the API;
a user changes their own password; a fresh install creates its first admin. Screenshots at 1440×900 go to
docs/screenshots/."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.support.databases import PASSWORD, make_app
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
STRONG = "violet-harbour-1987"


def shoot(page, name: str) -> None:
    """Save the page as a person sees it at 1440×900 into docs/screenshots/."""
    page.set_viewport_size({"width": 1440, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.slow
def test_an_admin_adds_a_user_with_a_link_the_user_sets_a_password_and_is_then_disabled(live_server, page, browser):
    server, _token = live_server
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, server.url, "admin")
    page.click("nav >> text=Users")
    page.fill("#new-username", "li.na")
    page.select_option("#new-role", "auditor")
    page.click("#create-user")
    expect(page.locator("#shown-value")).to_contain_text("/set-password/")  # on the page the answer loads
    link = page.text_content("#shown-value").strip()
    shoot(page, "accounts-users")

    other = browser.new_context(locale="en-US").new_page()
    other.goto(link)
    other.fill("#password", STRONG)
    other.fill("#confirm", STRONG)
    other.click("#submit")
    other.wait_for_url(server.url + "/login")
    other.fill("#username", "li.na")
    other.fill("#password", STRONG)
    other.click("#submit")
    other.wait_for_url(server.url + "/")

    page.goto(server.url + "/users")
    page.click("tr[data-username='li.na'] button.danger")
    page.click("#confirm-ok")  # "Disable li.na?"
    expect(page.locator("tr[data-username='li.na'] .badge.rejected")).to_have_text("Disabled")
    other.goto(server.url + "/settings")
    assert other.url.startswith(server.url + "/login")  # the disabled user's session ended at once
    other.context.close()
    assert page.errors == []


def test_an_admin_creates_a_scoped_token_shown_once_that_works_on_the_api(live_server, page):
    server, _token = live_server
    log_in(page, server.url, "admin")
    page.goto(server.url + "/tokens")
    page.fill("#token-name", "wall-display")
    page.uncheck("#scope-ingest")
    page.check("#with-secret")
    page.click("#create-token")
    expect(page.locator("#shown-secret")).to_contain_text("whsec_")  # the answer's page, down to its last field
    raw = page.text_content("#shown-value").strip()
    assert raw.startswith("ldk_") and page.text_content("#shown-secret").strip().startswith("whsec_")
    shoot(page, "accounts-tokens")
    headers = {"Authorization": f"Bearer {raw}"}
    assert requests.get(server.url + "/api/v1/broadcasts", headers=headers, timeout=10).status_code == 200
    assert requests.post(server.url + "/api/v1/products", json={}, headers=headers, timeout=10).status_code == 403
    page.goto(server.url + "/tokens")
    assert raw not in page.content()
    page.click("tr[data-token='wall-display'] form[action$='/revoke'] button")
    with page.expect_navigation():  # the server has revoked it once the answer came back
        page.click("#confirm-ok")  # "Revoke token ‘wall-display’?"
    assert requests.get(server.url + "/api/v1/broadcasts", headers=headers, timeout=10).status_code == 401
    assert page.errors == []


def test_a_user_changes_their_own_password_on_the_settings_page(live_server, page):
    server, _token = live_server
    log_in(page, server.url, "host")
    page.goto(server.url + "/settings")
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", "password1234")
    page.click("#change")
    # The answer is a new page whose #password-card replaces this one's: wait for the words, not the element.
    expect(page.locator("#password-card")).to_contain_text("common passwords")
    shoot(page, "accounts-settings")
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", STRONG)
    page.click("#change")
    page.wait_for_url(server.url + "/login")
    page.fill("#username", "host")
    page.fill("#password", STRONG)
    page.click("#submit")
    page.wait_for_url(server.url + "/")
    assert page.errors == []


def test_a_fresh_install_creates_its_first_admin_from_the_login_page(sqlite_url, tmp_path, page):
    make_app(sqlite_url)  # the schema, and no user at all
    server = ServerProcess(sqlite_url, tmp_path)
    try:
        page.goto(server.url + "/login")
        page.click("#first-run-link")
        page.fill("#username", "boss")
        page.fill("#password", STRONG)
        page.fill("#confirm", STRONG)
        shoot(page, "accounts-first-admin")
        page.click("#submit")
        page.wait_for_url(server.url + "/users")
        assert "boss" in page.text_content("#users-table")
        assert requests.get(server.url + "/setup", timeout=10).status_code == 404
        assert page.errors == []
    finally:
        server.stop()
