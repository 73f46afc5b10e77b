"""INSERT … ON CONFLICT DO NOTHING that SQLAlchemy caches: the same SQL as the dialect forms, with a cache key."""
from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from app.db.conflicts import insert_ignoring_conflicts
from live.models import EventLog

LOG = EventLog.__table__
DIALECTS = [("sqlite", sqlite), ("postgresql", postgresql)]


@pytest.mark.parametrize("name, module", DIALECTS, ids=[name for name, _ in DIALECTS])
def test_renders_what_the_dialect_form_renders(name, module):
    ours = insert_ignoring_conflicts(name, LOG, ("source", "event_id")).returning(LOG.c.id)
    theirs = module.insert(LOG).on_conflict_do_nothing(index_elements=[LOG.c.source, LOG.c.event_id]).returning(LOG.c.id)
    assert str(ours.compile(dialect=module.dialect())) == str(theirs.compile(dialect=module.dialect()))
    assert "ON CONFLICT (source, event_id) DO NOTHING" in str(ours.compile(dialect=module.dialect()))


@pytest.mark.parametrize("name, module", DIALECTS, ids=[name for name, _ in DIALECTS])
def test_has_a_cache_key_that_tells_conflict_targets_apart(name, module):
    def statement(*columns: str, **values):
        return insert_ignoring_conflicts(name, LOG, columns).values(**values).returning(LOG.c.id)

    key = statement("source", "event_id", source="a", event_id="1")._generate_cache_key()
    assert key is not None
    assert module.insert(LOG).on_conflict_do_nothing()._generate_cache_key() is None  # why this module exists
    assert statement("source", "event_id", source="b", event_id="2")._generate_cache_key() == key
    assert statement("source", source="a", event_id="1")._generate_cache_key() != key
    assert statement("source", "event_id", source="a")._generate_cache_key() != key
