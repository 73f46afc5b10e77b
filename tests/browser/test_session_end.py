"""An open live page follows its session: when the session ends on the server, the page goes to the login page."""
from __future__ import annotations

import re

import pytest

from app.auth import users
from app.auth.models import User
from app.extensions import db
from tests.browser.conftest import log_in, recording_page
from tests.browser.test_audit_queue import Platform, open_queue
from tests.support import databases

pytestmark = pytest.mark.browser
LOGIN = re.compile(r"/login\?next=%2Faudit")


def end_as_the_admin(database_url: str, action, *args) -> None:
    """Apply an account action of app.auth.users to the auditor from another process, as `flask disable-user` does."""
    app = databases.make_app(database_url)
    try:
        with app.app_context():
            action(db.session, db.session.scalar(db.select(User).filter_by(username="auditor")), *args)
            db.session.commit()
    finally:
        databases.dispose(app)


@pytest.fixture
def queue_page(live_server, page):
    """Return the auditor's audit queue, open and live on the running server."""
    server, token = live_server
    Platform(server.url, token).broadcast()
    open_queue(page, server.url)
    assert page.url.endswith("/audit")
    return page


@pytest.mark.parametrize("action, args", [(users.disable_user, ()), (users.change_role, ("moderator",))],
                         ids=["disabled", "role changed"])
def test_an_auditor_whose_account_the_admin_changes_is_sent_from_the_open_queue_to_the_login_page(
        sqlite_url, queue_page, action, args):
    end_as_the_admin(sqlite_url, action, *args)

    queue_page.wait_for_url(LOGIN)  # the server closes the socket; reconnecting is refused as "unauthorized"
    assert queue_page.is_visible("#username")
    assert queue_page.errors == [] and queue_page.dialogs == []


def test_logging_out_in_another_browser_sends_the_open_queue_to_the_login_page(live_server, browser, queue_page):
    server, _token = live_server
    for other in recording_page(browser):
        log_in(other, server.url, "auditor")
        other.click("form[action='/logout'] button")
        other.wait_for_url(re.compile(r"/login"))

    queue_page.wait_for_url(LOGIN)  # the session.ended push, or the closed socket refused on reconnecting
    assert queue_page.errors == [] and queue_page.dialogs == []
