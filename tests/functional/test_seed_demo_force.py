"""`flask seed-demo --force` ("Lost the passwords?" in the README) while `make demo` runs (probe 3, session 14): new
passwords end the demo users' sessions, the demo token the simulator holds keeps working (a new one only when it is
missing or revoked), and the URL printed is the one HOST and PORT name."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.auth.tokens import revoke_token, token_named
from app.demo.data import DEMO_TOKEN_NAME
from app.extensions import db
from tests.support.auth import login


@pytest.fixture
def runner(app, tmp_path, monkeypatch):
    """Return a CLI runner for app with its instance folder (the demo token file) in tmp_path, HOST and PORT unset."""
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    app.config["INSTANCE_DIR"] = str(tmp_path / "instance")
    return app.test_cli_runner()


def seed(runner, *args: str):
    """Run seed-demo with args and return its result, which must succeed."""
    result = runner.invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    return result


def logins(output: str) -> dict[str, str]:
    """Return {username: password} from the login table seed-demo prints."""
    rows = [line.split() for line in output.splitlines() if line.startswith("    ") and len(line.split()) == 3]
    return {username: password for _role, username, password in rows if username.startswith("demo-")}


def saved_token(tmp_path) -> str:
    return (tmp_path / "instance" / "demo_token").read_text().strip()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_force_sets_new_passwords_ends_the_sessions_and_keeps_the_simulators_token(app, runner, tmp_path):
    first = logins(seed(runner).output)
    token = saved_token(tmp_path)
    host = login(app, "demo-host", first["demo-host"])
    assert host.get("/api/v1/me").status_code == 200

    forced = seed(runner, "--force")
    new = logins(forced.output)
    assert set(new) == set(first) and all(new[name] != first[name] for name in first)
    assert host.get("/api/v1/me").status_code == 401  # the old password's session ended with it
    assert login(app, "demo-host", new["demo-host"]).get("/api/v1/me").get_json()["username"] == "demo-host"

    assert saved_token(tmp_path) == token and "ldk_" not in forced.output
    assert f"kept the API token {DEMO_TOKEN_NAME}" in forced.output
    assert app.test_client().get("/api/v1/broadcasts", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1


def test_a_revoked_demo_token_is_replaced_on_the_next_seed_and_saved(app, runner, tmp_path):
    seed(runner)
    old = saved_token(tmp_path)
    with app.app_context():
        revoke_token(token_named(db.session, DEMO_TOKEN_NAME))
        db.session.commit()
    again = seed(runner)
    new = saved_token(tmp_path)
    assert new != old and new in again.output
    client = app.test_client()
    assert client.get("/api/v1/broadcasts", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/broadcasts", headers=bearer(new)).status_code == 200
    with app.app_context():
        names = db.session.scalars(sa.select(ApiToken.name).where(ApiToken.revoked_at.is_(None))).all()
        assert names == [DEMO_TOKEN_NAME]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 2


def test_the_url_printed_is_the_one_host_and_port_name(app, runner, monkeypatch):
    default = seed(runner)
    assert "URL        http://127.0.0.1:5000  (PORT is not set here: 5000 is the default)" in default.output
    monkeypatch.setenv("PORT", "5137")
    monkeypatch.setenv("HOST", "0.0.0.0")
    forced = seed(runner, "--force")
    assert "URL        http://0.0.0.0:5137\n" in forced.output and ":5000" not in forced.output


def test_a_kept_token_whose_file_is_gone_is_pointed_out(app, runner, tmp_path):
    seed(runner)
    (tmp_path / "instance" / "demo_token").unlink()
    forced = seed(runner, "--force")
    assert "warning:" in forced.output and "demo_token is missing" in forced.output
    assert not (tmp_path / "instance" / "demo_token").exists()
