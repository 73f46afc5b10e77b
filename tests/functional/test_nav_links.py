"""No link a role cannot open (issue 12): for every role, every link on the main pages and the pages they lead to
opens (no 403). Roles per page come from the page decorators (app/http/pages.py page_roles and each pages.py);
the navigation and the lists must agree with them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from app.auth.models import ROLES
from tests.support import analytics as ax
from tests.support.auth import login
from tests.unit.analytics.events import click, join, order, payment, pin

MAX_PAGES = 120  # per role: a walk over a small shop stays well below it


class _Links(HTMLParser):
    """Collects the href of every <a> of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links(html: str) -> list[str]:
    """Return the same-site page paths the page links to (no static files, fragments or other sites)."""
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        path = urldefrag(href)[0]
        parts = urlsplit(path)
        if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("/static/"):
            continue
        paths.append(path)
    return paths


@pytest.fixture
def shop(app, api, users):
    """Return a small shop: a product, a live broadcast with a pin, a click and a paid order, and a scheduled one."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    broadcast_id = ax.start_broadcast(api, now - timedelta(minutes=20), skus=("NAV-A",))
    ax.ingest(api, broadcast_id, [join(now - timedelta(minutes=19), "v1"), pin(now - timedelta(minutes=18), "NAV-A"),
                                  click(now - timedelta(minutes=17), "v1", "NAV-A"),
                                  order(now - timedelta(minutes=16), "NAV-1", "v1", [("NAV-A", 1, "9.99")]),
                                  payment(now - timedelta(minutes=15), "NAV-1", "9.99")], prefix="nav-")
    api.post("/api/v1/broadcasts", json={"title": "later", "platform": "douyin"})
    return broadcast_id


def walk(client, start: str = "/", depth: int = 3) -> dict[str, tuple[int, str]]:
    """Return {path: (status, the page that links to it)} for every link reachable from start within depth clicks
    (redirects followed, as a browser does)."""
    seen: dict[str, tuple[int, str]] = {start: (client.get(start).status_code, "")}
    frontier = [start]
    for _ in range(depth):
        found = []
        for page in frontier:
            response = client.get(page, follow_redirects=True)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for path in links(response.get_data(as_text=True)):
                if path not in seen and len(seen) < MAX_PAGES:
                    seen[path] = (client.get(path, follow_redirects=True).status_code, page)
                    found.append(path)
        frontier = found
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_sees_on_the_main_pages_opens(app, users, shop, role):
    reached = walk(login(app, users[role]))
    refused = {path: origin for path, (status, origin) in reached.items() if status in (401, 403) or status >= 500}
    assert refused == {}, f"{role} sees links it cannot open: {refused}"
    assert len(reached) > 3  # the walk went somewhere


def test_analytics_is_in_the_navigation_of_the_roles_that_may_open_it(app, users, shop):
    for role in ROLES:
        home = login(app, role).get("/").get_data(as_text=True)
        may = role in ("analyst", "host", "admin")
        assert ('href="/analytics"' in home) is may, role
        assert (f'href="/broadcasts/{shop}/analytics"' in home) is may, role
