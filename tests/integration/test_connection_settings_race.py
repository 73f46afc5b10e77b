"""Two edits of one connection's settings at once both hold (review 14): settings merge into the stored ones, so
each edit reads them under the row's lock. Without it, on PostgreSQL the edit saved last dropped the other's key.
Runs on SQLite and PostgreSQL (CI=true)."""
from __future__ import annotations

import threading

from app.db import utcnow
from app.extensions import db
from live.adapters.connections import create_connection, edit_connection
from live.adapters.models import PlatformConnection


def test_a_token_and_a_sign_secret_set_at_once_are_both_kept(any_app, any_api):
    broadcast_id = any_api.live_broadcast("快手 settings")
    with any_app.app_context():
        row, _secret = create_connection(db.session, "ks-shop", "kuaishou", broadcast_id, app_key="ks-app",
                                         app_secret="s" * 32, now=utcnow())
        db.session.commit()
        pk = row.id
    loaded, both_read = threading.Barrier(2), threading.Barrier(2)
    # On PostgreSQL both read the settings before either saves; SQLite's write lock (BEGIN IMMEDIATE) already lets
    # only one transaction read at a time, so there the second read waits for the first commit anyway.
    postgres = any_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    errors: list[BaseException] = []

    def edit(settings: dict) -> None:
        with any_app.app_context():
            try:
                db.session.rollback()  # SQLite: no read transaction held across the barrier
                loaded.wait(timeout=10)
                connection = db.session.get(PlatformConnection, pk)
                if postgres:
                    both_read.wait(timeout=10)
                edit_connection(db.session, connection, {"settings": settings})
                db.session.commit()
            except BaseException as error:  # noqa: BLE001  reported below
                db.session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=edit, args=(settings,))
               for settings in ({"access_token": "ks-token-1234567"}, {"sign_secret": "ks-sign-7654321"})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with any_app.app_context():
        stored = db.session.get(PlatformConnection, pk).settings
        assert stored.get("access_token") == "ks-token-1234567" and stored.get("sign_secret") == "ks-sign-7654321"
