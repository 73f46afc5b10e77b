"""A shop connection's settings on the connection pages and from the command line (probe 3, session 14): the
access token is given when the connection is made or later, shown only by fingerprint, and the page says when
the shop is not ready; the endpoint a Copy button copies is the URL alone."""
from __future__ import annotations

import re

import pytest

from tests.support.auth import csrf_token, login

TOKEN = "dy-token-7f3a9c1e5b"
FINGERPRINT = re.compile(r'id="setting-access-token-stored">Set \(fingerprint ([0-9a-f]{12})\)')


@pytest.fixture
def admin(app, users):
    """Return (a client logged in as admin, a form CSRF token)."""
    client = login(app, "admin")
    return client, csrf_token(client, "/connections")


@pytest.fixture
def broadcast_id(api):
    """Return the id of a live broadcast."""
    return api.live_broadcast("Shop show")


def _create(admin, broadcast_id: int, **fields):
    client, token = admin
    return client.post("/connections", data={
        "csrf_token": token, "name": "dy-shop", "platform": "douyin", "broadcast_id": str(broadcast_id),
        "app_key": "7000000000000000001", "app_secret": "fake-app-secret-abc", **fields})


def _edit(admin, **fields):
    client, token = admin
    return client.post("/connections/dy-shop/settings", data={"csrf_token": token, **fields})


def test_a_shop_made_with_its_token_on_the_page_is_ready_and_the_token_is_not_shown(admin, broadcast_id):
    created = _create(admin, broadcast_id, access_token=f"  {TOKEN} ")
    assert created.status_code == 201 and TOKEN not in created.get_data(as_text=True)
    page = admin[0].get("/connections/dy-shop").get_data(as_text=True)
    assert 'id="ready-badge">Ready<' in page and 'id="readiness"' not in page
    assert TOKEN not in page and FINGERPRINT.search(page)


def test_a_shop_made_without_its_token_is_not_ready_on_its_page_and_on_the_list(admin, broadcast_id):
    _create(admin, broadcast_id)
    page = admin[0].get("/connections/dy-shop").get_data(as_text=True)
    assert 'id="ready-badge">Not ready<' in page
    assert re.search(r'id="readiness".*It lacks: Access token\.', page, re.S)
    assert "Not ready: lacks Access token" in admin[0].get("/connections").get_data(as_text=True)


def test_the_token_is_given_later_on_the_page_and_a_field_left_empty_keeps_it(admin, broadcast_id):
    _create(admin, broadcast_id)
    saved = _edit(admin, shop_id="123456", app_key="7000000000000000001", access_token=TOKEN,
                  api_base_url="https://openapi-sandbox.jinritemai.com", decrypt_contacts="no", zone="")
    assert saved.status_code == 302
    page = admin[0].get("/connections/dy-shop").get_data(as_text=True)
    assert 'id="ready-badge">Ready<' in page and TOKEN not in page and "Settings saved." in page
    assert 'value="https://openapi-sandbox.jinritemai.com"' in page and '<option value="no" selected>' in page
    first = FINGERPRINT.search(page).group(1)
    _edit(admin, shop_id="123456", app_key="7000000000000000001", access_token="", api_base_url="",
          decrypt_contacts="yes")
    page = admin[0].get("/connections/dy-shop").get_data(as_text=True)
    assert FINGERPRINT.search(page).group(1) == first and 'id="ready-badge">Ready<' in page  # kept
    _edit(admin, access_token="renewed-token-2")
    page = admin[0].get("/connections/dy-shop").get_data(as_text=True)
    assert FINGERPRINT.search(page).group(1) != first  # replaced: a renewed token


def test_a_refused_edit_says_why_at_the_field_and_does_not_echo_the_token(admin, broadcast_id):
    _create(admin, broadcast_id)
    refused = _edit(admin, access_token=TOKEN, api_base_url="ftp://files.example.com")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'id="settings-error"' in page and "api_base_url is an http(s) URL" in page
    assert re.search(r'id="setting-api-base-url"[^>]*aria-invalid="true"', page)
    assert TOKEN not in page and 'id="ready-badge">Not ready<' in page  # nothing saved


def test_a_refused_create_form_keeps_what_was_typed_but_not_the_token(admin, broadcast_id):
    refused = _create(admin, broadcast_id, name="bad name!", access_token=TOKEN,
                      api_base_url="https://openapi-sandbox.jinritemai.com")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert TOKEN not in page and 'value="https://openapi-sandbox.jinritemai.com"' in page
    assert re.search(r'<label data-platforms="douyin tiktok_shop kuaishou">Access token', page)  # shown for 抖店


def test_fields_of_another_platform_left_in_the_form_are_not_read(admin, broadcast_id):
    client, token = admin
    created = client.post("/connections", data={"csrf_token": token, "name": "room", "platform": "bilibili",
                                                "broadcast_id": str(broadcast_id), "access_token": TOKEN})
    assert created.status_code == 201
    assert 'id="ready-badge">Ready<' in client.get("/connections/room").get_data(as_text=True)


def test_the_endpoint_copied_is_the_url_alone(admin, broadcast_id):
    _create(admin, broadcast_id)
    page = admin[0].get("/connections/dy-shop").get_data(as_text=True)
    assert '<code class="mono" id="endpoint">http://localhost/api/v1/adapters/douyin/dy-shop</code>' in page
    assert 'data-copy="endpoint"' in page


def test_the_cli_makes_a_ready_shop_and_gives_a_token_later(app, broadcast_id):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["create-connection", "dy-cli", "--platform", "douyin", "--broadcast",
                               str(broadcast_id), "--app-key", "k1", "--app-secret", "s1"])
    assert made.exit_code == 0, made.output
    assert "not ready: it lacks access_token" in made.output and "--access-token" in made.output
    assert made.output.strip().splitlines()[-1] == "s1"  # the secret stays the last line
    edited = runner.invoke(args=["edit-connection", "dy-cli", "--access-token", TOKEN, "--no-decrypt-contacts",
                                 "--setting", "attempts=2"])
    assert edited.exit_code == 0, edited.output
    assert "connection dy-cli is ready" in edited.output and TOKEN not in edited.output
    assert "access_token, attempts, decrypt_contacts" in edited.output
    ready = runner.invoke(args=["create-connection", "dy-cli-2", "--platform", "douyin", "--broadcast",
                                str(broadcast_id), "--app-key", "k1", "--app-secret", "s1", "--access-token", TOKEN])
    assert "connection dy-cli-2 is ready" in ready.output and TOKEN not in ready.output


def test_the_cli_refuses_a_setting_the_kind_does_not_read_and_an_unready_replay(app, broadcast_id, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-connection", "dy-cli", "--platform", "douyin", "--broadcast", str(broadcast_id),
                        "--app-key", "k1", "--app-secret", "s1"])
    refused = runner.invoke(args=["edit-connection", "dy-cli", "--sign-secret", "x"])
    assert refused.exit_code == 1 and "settings.sign_secret" in refused.output
    bad = runner.invoke(args=["edit-connection", "dy-cli", "--setting", "attempts"])
    assert bad.exit_code != 0 and "KEY=VALUE" in bad.output
    recording = tmp_path / "douyin.jsonl"
    recording.write_text('[{"tag":"0","msg_id":"0","data":"{}"}]\n', encoding="utf-8")
    replay = runner.invoke(args=["adapter-replay", "douyin", str(recording), "--connection", "dy-cli"])
    assert replay.exit_code == 1 and "lacks access_token" in replay.output
    unset = runner.invoke(args=["edit-connection", "dy-cli", "--access-token", TOKEN, "--unset", "access_token"])
    assert "not ready" in unset.output  # --unset wins: the token is removed
