"""Settings the README lists are read from the environment (probe 4 of session 15: AFTERSALES_* and
SET_PASSWORD_LINK_SECONDS were read from the app config only, which nothing filled from the environment)."""
from __future__ import annotations

from datetime import timedelta

from app.auth.links import lifetime
from app.config import load_config
from tests.support import databases
from tests.support.auth import login


def test_after_sales_timers_and_excluded_skus_come_from_the_environment(sqlite_url, monkeypatch):
    monkeypatch.setenv("AFTERSALES_RESPOND_HOURS", "24")
    monkeypatch.setenv("AFTERSALES_NO_REASON_EXCLUDED_SKUS", "TEA-01, FOOD-2")
    monkeypatch.setenv("SET_PASSWORD_LINK_SECONDS", "3600")
    config = load_config()
    assert config["AFTERSALES_RESPOND_HOURS"] == "24" and config["SET_PASSWORD_LINK_SECONDS"] == 3600
    app = databases.make_app(sqlite_url)  # create_app reads the environment (load_config)
    databases.create_users(app)
    policy = login(app, "aftersales").get("/api/v1/aftersales/policy").get_json()
    assert policy["timers"]["respond"] == 24 * 3600
    assert policy["no_reason_excluded_skus"] == ["FOOD-2", "TEA-01"]
    with app.app_context():
        assert lifetime() == timedelta(hours=1)
    databases.dispose(app)


def test_unset_keys_keep_their_defaults(monkeypatch):
    for key in ("AFTERSALES_RESPOND_HOURS", "SET_PASSWORD_LINK_SECONDS"):
        monkeypatch.delenv(key, raising=False)
    config = load_config()
    assert "AFTERSALES_RESPOND_HOURS" not in config and config["SET_PASSWORD_LINK_SECONDS"] is None
