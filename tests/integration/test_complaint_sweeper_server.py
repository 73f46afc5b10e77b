"""The breach sweeper runs in the real server (issue 15): a platform complaint that came in six days ago is found
late, its two missed targets recorded and escalated by the server's periodic job, with no request doing it."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from app.auth.tokens import issue_token
from app.extensions import db
from tests.support.databases import create_token, dispose, make_app
from tests.support.server import ServerProcess

pytestmark = pytest.mark.slow


def test_the_server_escalates_a_late_complaint_by_itself(sqlite_url, tmp_path):
    app = make_app(sqlite_url)
    ingest = create_token(app, "platform")
    with app.app_context():
        care = issue_token(db.session, "care-desk", scopes=["aftersales"])
        db.session.commit()
    dispose(app)
    server = ServerProcess(sqlite_url, tmp_path)
    try:
        platform, desk = requests.Session(), requests.Session()
        platform.headers["Authorization"], desk.headers["Authorization"] = f"Bearer {ingest}", f"Bearer {care}"
        broadcast_id = platform.post(server.url + "/api/v1/broadcasts", json={"title": "B", "platform": "douyin"},
                                     timeout=10).json()["id"]
        platform.post(f"{server.url}/api/v1/broadcasts/{broadcast_id}/start", json={}, timeout=10)
        sent = datetime.now(timezone.utc) - timedelta(days=6)
        result = platform.post(f"{server.url}/api/v1/broadcasts/{broadcast_id}/events", timeout=10, json={"events": [
            {"id": "c-1", "type": "complaint", "ts": sent.isoformat(), "complaint_id": "DY-C-1", "buyer_id": "b-1",
             "text": "一周了还没发货"}]}).json()["results"][0]
        complaint_id = result["complaint"]["complaint_id"]
        deadline, complaint = time.monotonic() + 90, {}
        while time.monotonic() < deadline and not complaint.get("escalated"):
            time.sleep(2)
            complaint = desk.get(f"{server.url}/api/v1/complaints/{complaint_id}", timeout=10).json()
        assert complaint["escalated"] is True, server.log()[-2000:]
        assert sorted(b["target"] for b in complaint["breaches"]) == ["first_response", "resolution"]
        assert {b["recorded_by"] for b in complaint["breaches"]} == {"system"}
        assert "Traceback" not in server.log()
    finally:
        server.stop()
