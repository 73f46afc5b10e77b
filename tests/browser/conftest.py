"""Browser fixtures: Debian's Chromium driven by Playwright, and a real server on a fresh database."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.support.databases import PASSWORD, create_token, create_users, make_app
from tests.support.server import ServerProcess

CHROMIUM = os.environ.get("LIVEDESK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Web-first assertions (expect) retry until their state holds; pushes and answers can take a while on a busy CI.
expect.set_options(timeout=15_000)

# Installed in each test browser context before any page script: counts the page's fetches until their body has
# arrived, and its reads of a body (json(), text()) until the code waiting on them has run, and notes the time of
# the last change to the document, so a test waits until the page has settled (settle() below) instead of sleeping
# a fixed time. Socket.IO uses a WebSocket here, which is not counted.
SETTLE_SCRIPT = """(() => {
  let pending = 0, last = performance.now();
  const touch = () => { last = performance.now(); };
  const done = () => { pending -= 1; touch(); };
  const original = window.fetch;
  window.fetch = function () {
    pending += 1;
    touch();
    return original.apply(this, arguments).then((response) => {
      try { response.clone().arrayBuffer().then(done, done); } catch (error) { done(); }
      return response;
    }, (error) => { done(); throw error; });
  };
  ["json", "text"].forEach((name) => {
    const read = Response.prototype[name];
    Response.prototype[name] = function () {
      const result = read.apply(this, arguments);
      pending += 1;
      // Registered before the page's own then(): the count drops a task later, after the page drew the answer.
      const later = () => { setTimeout(done, 0); };
      result.then(later, later);
      return result;
    };
  });
  new MutationObserver(touch).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__livedeskSettled = (quiet) => {
    const moving = document.getAnimations().some((a) => a.playState === "running"
      && a.effect && a.effect.getComputedTiming().iterations !== Infinity);
    return document.readyState === "complete" && pending === 0 && !moving && document.fonts.status === "loaded"
      && !document.querySelector("[data-connection=connecting]") && performance.now() - last >= quiet;
  };
})();"""


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


def new_context(browser, **options):
    """Return a new browser context (options as for browser.new_context) whose pages can settle()."""
    context = browser.new_context(**options)
    context.add_init_script(SETTLE_SCRIPT)
    return context


def settle(page, quiet_ms: int = 100, timeout: float = 15_000) -> None:
    """Wait until the page has loaded, its fetches have answered, its sockets are no longer connecting, and
    nothing in its document changed for quiet_ms: the state a check of the page as drawn should read.

    The page's context must come from new_context() (recording_page and test_viewports.new_page do)."""
    assert page.evaluate("typeof window.__livedeskSettled === 'function'"), \
        "settle() needs a context made by tests.browser.conftest.new_context"
    page.wait_for_function("(quiet) => window.__livedeskSettled(quiet)", arg=quiet_ms, timeout=timeout)


def recording_page(browser, bypass_csp: bool = True):
    """Yield a page in its own browser context (own cookies) that records JavaScript errors and dismissed dialogs
    in page.errors and page.dialogs (tests assert both stay empty); the context is closed afterwards.

    The CSP is bypassed unless asked (Playwright's wait_for_function evaluates strings, which the CSP forbids);
    tests/browser/test_security_headers_browser.py enforces it, and the XSS tests prove escaping alone holds."""
    context = new_context(browser, locale="en-US", timezone_id="Asia/Shanghai", bypass_csp=bypass_csp)
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


@pytest.fixture
def call(live_server):
    """Return call(method, path, body) -> JSON, the v1 API as a platform adapter (bearer token) uses it."""
    server, token = live_server
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def send(method: str, path: str, body: dict | None = None) -> dict:
        response = session.request(method, server.url + path, json=body, timeout=10)
        assert response.status_code in (200, 201), response.text
        return response.json()

    return send
