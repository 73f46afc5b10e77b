"""The users and tokens pages answer what happened (probe 3, session 14): a role change to the role a user has
already changes nothing and says so; a refused new token comes back with what was typed and ticked and each
field's reason next to it (the browser side: tests/browser/test_token_form_errors.py)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from tests.support.auth import csrf_token, login


def _admin_page(app, path: str):
    """Return (client logged in as admin, the CSRF token of the page at path)."""
    client = login(app, "admin")
    return client, csrf_token(client, path)


def _flashes(client) -> str:
    """Return the text of the users page, where the flash of the last action shows."""
    return client.get("/users").get_data(as_text=True)


def _token_names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ApiToken.name).order_by(ApiToken.name)))


def test_choosing_the_role_a_user_has_already_says_so_and_keeps_their_session(app, users):
    client, token = _admin_page(app, "/users")
    analyst = login(app, "analyst")
    same = client.post("/users/analyst/role", data={"role": "analyst", "csrf_token": token})
    assert same.status_code == 302
    page = _flashes(client)
    assert "analyst already has that role." in page and "sessions were ended" not in page
    assert analyst.get("/api/v1/me").status_code == 200  # nothing changed, so nothing ended

    other = client.post("/users/analyst/role", data={"role": "moderator", "csrf_token": token})
    assert other.status_code == 302
    assert "analyst now has the new role; their sessions were ended." in _flashes(client)
    assert analyst.get("/api/v1/me").status_code == 401


def test_the_same_role_on_a_missing_user_or_ones_own_account_is_still_refused(app, users):
    client, token = _admin_page(app, "/users")
    client.post("/users/nobody/role", data={"role": "host", "csrf_token": token})
    assert "Nothing by that name." in _flashes(client)
    client.post("/users/admin/role", data={"role": "admin", "csrf_token": token})
    page = _flashes(client)
    assert "Not on your own account" in page and "already has that role" not in page


def _field(html: str, element_id: str) -> str:
    """Return the opening tag of the element with element_id."""
    match = re.search(r'<(?:input|fieldset)[^>]*id="%s"[^>]*>' % re.escape(element_id), html)
    assert match, element_id
    return match.group(0)


def test_a_token_with_no_scope_and_a_bad_name_comes_back_with_both_reasons_and_what_was_typed(app, users):
    client, token = _admin_page(app, "/tokens")
    refused = client.post("/tokens", data={"name": "bad name!", "signing_secret": "1", "csrf_token": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert '<span class="field-error" id="token-name-error">Token names are 1 to 64' in html
    assert '<span class="field-error" id="token-scopes-error">Choose at least one scope.</span>' in html
    name = _field(html, "token-name")
    assert 'value="bad name!"' in name and 'aria-invalid="true"' in name and "autofocus" in name
    assert 'aria-describedby="token-scopes-error"' in _field(html, "token-scopes")
    assert all("checked" not in _field(html, f"scope-{scope}") for scope in ("ingest", "display"))
    assert "checked" in _field(html, "with-secret")
    assert _token_names(app) == []


def test_a_taken_token_name_keeps_the_scopes_ticked_and_makes_nothing(app, users):
    client, token = _admin_page(app, "/tokens")
    assert client.post("/tokens", data={"name": "wall", "scopes": ["display"], "csrf_token": token}).status_code == 201
    again = client.post("/tokens", data={"name": "wall", "scopes": ["analytics", "moderation"], "signing_secret": "1",
                                         "csrf_token": token})
    html = again.get_data(as_text=True)
    assert again.status_code == 400 and "That name is taken already." in html and "ldk_" not in html
    assert "whsec_" not in html and "token-scopes-error" not in html
    ticked = [s for s in ("ingest", "display", "moderation", "analytics") if "checked" in _field(html, f"scope-{s}")]
    assert ticked == ["moderation", "analytics"]
    assert "autofocus" in _field(html, "token-name")
    assert _token_names(app) == ["wall"]


def test_only_the_scopes_refused_puts_the_focus_on_the_first_scope(app, users):
    client, token = _admin_page(app, "/tokens")
    html = client.post("/tokens", data={"name": "tv", "csrf_token": token}).get_data(as_text=True)
    assert "token-name-error" not in html and 'value="tv"' in _field(html, "token-name")
    assert "autofocus" in _field(html, "scope-ingest") and "autofocus" not in _field(html, "token-name")
    assert _token_names(app) == []


def test_a_fresh_tokens_page_ticks_ingest_and_display_and_marks_nothing(app, users):
    client, _token = _admin_page(app, "/tokens")
    html = client.get("/tokens").get_data(as_text=True)
    assert [s for s in ("ingest", "display", "moderation") if "checked" in _field(html, f"scope-{s}")] == \
        ["ingest", "display"]
    assert "autofocus" not in html and "field-error" not in html
