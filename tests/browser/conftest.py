"""Browser fixtures: Debian's Chromium driven by Playwright, and a real server on a fresh database."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.databases import PASSWORD, create_token, create_users, make_app
from tests.support.server import ServerProcess

CHROMIUM = os.environ.get("LIVEDESK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _require_chromium():
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")
    pytest.skip(f"Chromium not installed at {CHROMIUM}: apt-get install chromium")


@pytest.fixture(scope="session")
def browser():
    """Return a headless Chromium browser for the session."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


def recording_page(browser, bypass_csp: bool = True):
    """Yield a page in its own browser context (own cookies) that records JavaScript errors and dismissed dialogs
    in page.errors and page.dialogs (tests assert both stay empty); the context is closed afterwards.

    The CSP is bypassed unless asked (Playwright's wait_for_function evaluates strings, which the CSP forbids);
    tests/browser/test_security_headers_browser.py enforces it, and the XSS tests prove escaping alone holds."""
    context = browser.new_context(locale="en-US", timezone_id="Asia/Shanghai", bypass_csp=bypass_csp)
    page = context.new_page()
    page.errors = []
    page.dialogs = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


@pytest.fixture
def page(browser):
    """Return a fresh page (own cookies) that records any JavaScript error or dialog."""
    yield from recording_page(browser)


@pytest.fixture
def live_server(sqlite_url, tmp_path):
    """Return (server, api token) for a real eventlet server on a fresh SQLite database with one user per role."""
    app = make_app(sqlite_url)
    create_users(app)
    token = create_token(app, "browser-tests")
    server = ServerProcess(sqlite_url, tmp_path)
    yield server, token
    server.stop()


def log_in(page, base: str, username: str) -> None:
    """Log a browser page in through the login form (every test user has tests.support.databases.PASSWORD)."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(base + "/")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
