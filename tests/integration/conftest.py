"""Fixtures of the buyer notice tests (tests/integration/test_notices_*.py)."""
from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest

from app.extensions import db
from tests.support.notices import Receiver


@pytest.fixture
def receiver():
    recv = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), recv.handler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    recv.url = f"http://127.0.0.1:{server.server_address[1]}/notices"
    yield recv
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def ctx(any_app):
    with any_app.app_context():
        yield db.session
