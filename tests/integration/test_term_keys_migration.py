"""The migration that makes moderation_terms.key keep letter counts rewrites the stored keys, and back, on SQLite
and PostgreSQL, with the unique (key, scope) constraint in force before and after."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.support import databases

BEFORE, COUNTED = "d9e8f7a6b5c4", "f9da9ad8e20b"
_INSERT = ("INSERT INTO moderation_terms (id, term, key, category, action, scope, created_by, created_at) "
           "VALUES (:id, :term, :key, 'custom', :action, :scope, 'mod', CURRENT_TIMESTAMP)")


def _keys(connection) -> list[tuple]:
    return [tuple(row) for row in connection.execute(sa.text("SELECT id, key, scope FROM moderation_terms ORDER BY id"))]


def _refused(engine, **row) -> bool:
    """Return True if the database refuses the row (a unique or CHECK constraint)."""
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(_INSERT), {"action": "hide", **row})
    except sa.exc.IntegrityError:
        return True
    return False


def _check_rekeying(url: str) -> None:
    app = databases.make_app(url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sa.text(_INSERT), [
                {"id": 1, "term": "ass", "key": "as", "action": "hide", "scope": "global"},
                {"id": 2, "term": "Weed", "key": "wed", "action": "hold", "scope": "global"},
                {"id": 3, "term": "scam", "key": "scam", "action": "ban", "scope": "global"},
                {"id": 4, "term": " a s s ", "key": "as", "action": "hide", "scope": "7"},
                {"id": 5, "term": "哈哈哈", "key": "哈", "action": "allow", "scope": "global"}])
        upgrade(revision=COUNTED)
        with db.engine.connect() as connection:
            assert _keys(connection) == [(1, "ass", "global"), (2, "weed", "global"), (3, "scam", "global"),
                                         (4, "ass", "7"), (5, "哈哈哈", "global")]
        # "as" is a term of its own now; a second "ass" in a scope is still refused, and so is an unknown action.
        assert not _refused(db.engine, id=6, term="as", key="as", scope="global")
        assert _refused(db.engine, id=7, term="ASS", key="ass", scope="global")
        assert _refused(db.engine, id=8, term="x", key="x", scope="global", action="delete")

        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            # "as" (newer) and "ass" are one term again by the collapsed key: the older one stays.
            assert _keys(connection) == [(1, "as", "global"), (2, "wed", "global"), (3, "scam", "global"),
                                         (4, "as", "7"), (5, "哈", "global")]
        assert _refused(db.engine, id=9, term="as", key="as", scope="global")
        db.engine.dispose()


def test_the_migration_rekeys_the_terms_that_exist_on_sqlite(tmp_path):
    _check_rekeying(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.slow
def test_the_migration_rekeys_the_terms_that_exist_on_postgres(postgres_url):
    databases.reset_postgres(postgres_url)
    try:
        _check_rekeying(postgres_url)
    finally:
        databases.reset_postgres(postgres_url)
        databases.create_schema(postgres_url)
