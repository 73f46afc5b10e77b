"""A refused "Create token" on a phone (probe 3, session 14) comes back as Add a user does: the reason next to the
field it concerns (the name, or the Scopes fieldset), the name and boxes as they were, and the focus on the first
field in error, scrolled into view past the tokens table (the server side: tests/functional/
test_accounts_pages_refusals.py)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_viewports import log_in, new_page
from tests.support.axe import blocking_violations
from tests.support.databases import create_token, dispose, make_app

pytestmark = pytest.mark.browser


@pytest.fixture
def tokens_page(live_server, sqlite_url, browser):
    """Return the admin's page on /tokens at 390×844, with a few tokens listed above the form."""
    server, _token = live_server
    app = make_app(sqlite_url)
    for name in ("douyin-shop", "wall-display", "analytics-export"):
        create_token(app, name)
    dispose(app)
    page = new_page(browser, "en-US", (390, 844))
    log_in(page, server.url, "admin")
    page.goto(server.url + "/tokens")
    yield page
    page.context.close()


def create(page, name: str, untick: tuple[str, ...] = (), tick: tuple[str, ...] = ()) -> None:
    """Fill the new-token form and press Create token, waiting for the answer page."""
    page.fill("#token-name", name)
    for scope in untick:
        page.uncheck(f"#scope-{scope}")
    for scope in tick:
        page.check(f"#scope-{scope}")
    with page.expect_navigation():
        page.click("#create-token")


def test_no_scope_ticked_is_told_at_the_scopes_with_the_name_kept_and_the_focus_there(tokens_page):
    page = tokens_page
    create(page, "p3-x", untick=("ingest", "display"))
    expect(page.locator("#token-scopes-error")).to_have_text("Choose at least one scope.")
    expect(page.locator("#token-scopes #token-scopes-error")).to_be_in_viewport()
    expect(page.locator("#token-name")).to_have_value("p3-x")
    expect(page.locator("#scope-ingest")).to_be_focused()
    for scope in ("ingest", "display", "moderation"):
        expect(page.locator(f"#scope-{scope}")).not_to_be_checked()
    expect(page.locator("#token-name-error")).to_have_count(0)
    assert blocking_violations(page) == []
    assert page.errors == []


def test_a_bad_or_taken_name_is_told_under_the_name_with_the_scopes_kept(tokens_page):
    page = tokens_page
    create(page, "bad name!", untick=("ingest",), tick=("analytics",))
    expect(page.locator("#token-name-error")).to_have_text("Token names are 1 to 64 letters, digits or . _ : @ -.")
    expect(page.locator("#token-name")).to_be_focused()
    expect(page.locator("#token-name")).to_have_value("bad name!")
    expect(page.locator("#token-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#token-name-error")).to_be_in_viewport()
    assert [s for s in ("ingest", "display", "analytics") if page.is_checked(f"#scope-{s}")] == ["display", "analytics"]
    assert blocking_violations(page) == []

    create(page, "wall")
    expect(page.locator("#tokens-table tr[data-token='wall']")).to_have_count(1)
    page.goto(page.url)  # a fresh form: the default scopes again
    create(page, "wall")
    expect(page.locator("#token-name-error")).to_have_text("That name is taken already.")
    expect(page.locator("#token-name")).to_have_value("wall")
    expect(page.locator("#token-name")).to_be_focused()
    assert page.errors == []
