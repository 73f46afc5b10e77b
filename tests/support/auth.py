"""Logging in through the real login form (with its CSRF token) in tests."""
from __future__ import annotations

import re

from tests.support.databases import PASSWORD

_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """Return the CSRF token a page of the console hands out."""
    match = _CSRF.search(client.get(path).get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(app, username: str, password: str = PASSWORD):
    """Return a test client logged in as username."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
