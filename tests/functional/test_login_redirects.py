"""Where the login page sends someone back to (probe 2 of session 15): a form posted after its session ended goes
back to the page it was posted from, not to its own address (a GET of it was a 405); an ended session is said so."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.auth import csrf_token, login
from tests.support.databases import PASSWORD


def _next(response) -> str | None:
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query).get("next", [None])[0]


@pytest.mark.slow
def test_a_form_posted_after_the_session_ended_returns_to_its_page(app, users):
    admin = login(app, "admin")
    token = csrf_token(admin, "/users")
    other = login(app, "admin")
    assert other.post("/logout", data={"csrf_token": csrf_token(other, "/")}).status_code in (200, 302)  # ends every session

    posted = admin.post("/users/host/disabled", data={"csrf_token": token},
                        headers={"Referer": "http://localhost/users?role=host"})
    assert _next(posted) == "/users?role=host"
    page = admin.get("/login?next=/users").get_data(as_text=True)
    assert "Your session has ended" in page

    back = admin.post("/login?next=/users?role=host", data={"username": "admin", "password": PASSWORD,
                                                          "csrf_token": csrf_token(admin, "/login")})
    assert back.status_code == 302 and back.headers["Location"].endswith("/users?role=host")


def test_a_page_opened_without_a_session_comes_back_to_itself(app, users):
    client = app.test_client()
    assert _next(client.get("/audit?status=held")) == "/audit?status=held"
    assert "Log in to open this page." in client.get("/login").get_data(as_text=True)
    foreign = client.post("/users/host/disabled", headers={"Referer": "https://evil.example/users"})
    assert foreign.status_code in (302, 400)  # CSRF may refuse it first; never a redirect to the other site
    if foreign.status_code == 302:
        assert _next(foreign) is None
