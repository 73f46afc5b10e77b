"""The rollups hear of accepted events through app.signals.events_accepted, connected once by the app factory."""
from __future__ import annotations

from analytics.rollups.record import record_events
from app.signals import events_accepted
from tests.support.databases import dispose, make_app


def test_the_rollups_listen_to_accepted_events_once_however_many_apps_are_created(app, sqlite_url):
    for _ in range(3):
        dispose(make_app(sqlite_url))
    assert list(events_accepted.receivers_for(object())) == [record_events]
