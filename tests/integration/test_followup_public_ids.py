"""Follow-ups name what they are about by the ids people look up (probe 1), on SQLite and PostgreSQL: the API
gives `case_id` (AS-…) and `complaint_ref` (CP-…) beside the row numbers it kept, the page links them; and a
follow-up for a buyer LiveDesk knows nothing of is a 404 naming buyer_id, nothing stored (the page shows why under
the field). Before, the API and page showed `aftersale_case_id: 39` / "complaint #16", numbers no page or API took,
and a task to call a buyer id never seen was opened."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.care.followups.models import FollowUpTask
from tests.support.api import order_event
from tests.support.auth import csrf_token, login
from tests.support.databases import create_users


@pytest.fixture
def agent(any_app, any_api):
    """Return (client, headers) of the after-sales agent of a shop whose order P-1 (99.00) is paid."""
    create_users(any_app)
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    any_api.events(broadcast_id, [order_event("A1", 1, order_id="P-1")])
    any_api.events(broadcast_id, [{"id": "pay-1", "type": "payment", "ts": datetime.now(timezone.utc).isoformat(),
                                   "order_id": "P-1", "status": "paid", "amount": "99.00"}])
    client = login(any_app, "aftersales")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def post(agent, path: str, body: dict | None = None) -> dict:
    """POST body as the agent; return the JSON of a success."""
    client, headers = agent
    response = client.post(path, json=body or {}, headers=headers)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def stored_tasks(any_app) -> int:
    """Return how many follow-up tasks are stored."""
    with any_app.app_context():
        return db.session.scalar(sa.select(sa.func.count(FollowUpTask.id)))


def test_a_follow_up_names_its_case_and_complaint_by_their_public_ids_and_the_page_links_them(any_app, agent):
    case_id = post(agent, "/api/v1/orders/P-1/aftersales", {"type": "refund_only", "reason": "other"})["case_id"]
    post(agent, f"/api/v1/aftersales/{case_id}/cancel", {"reason": "buyer withdrew"})  # ended: a call-back
    complaint_id = post(agent, "/api/v1/complaints", {"order_id": "P-1", "category": "logistics", "text": "太慢",
                                                      "channel": "back_office"})["complaint_id"]
    post(agent, f"/api/v1/complaints/{complaint_id}/resolve", {"root_cause": "carrier", "resolution": "道歉",
                                                               "feedback": "抱歉"})
    client, _headers = agent
    tasks = {t["source"]: t for t in client.get("/api/v1/followups?view=all").get_json()["followups"]}

    case_task, complaint_task = tasks["case"], tasks["complaint"]
    assert case_task["case_id"] == case_id and case_id.startswith("AS-")
    assert complaint_task["complaint_ref"] == complaint_id and complaint_id.startswith("CP-")
    assert isinstance(case_task["aftersale_case_id"], int) and isinstance(complaint_task["complaint_id"], int)
    assert case_task["complaint_ref"] is None and complaint_task["case_id"] is None
    assert client.get(f"/api/v1/aftersales/{case_task['case_id']}").status_code == 200
    assert client.get(f"/api/v1/complaints/{complaint_task['complaint_ref']}").status_code == 200

    page = client.get("/followups?view=all").get_data(as_text=True)
    assert f'href="/aftersales/{case_id}"' in page and f'href="/complaints/{complaint_id}"' in page
    assert f"#{case_task['aftersale_case_id']}<" not in page and "complaint #" not in page


def test_a_follow_up_for_a_buyer_livedesk_knows_nothing_of_is_a_404_naming_buyer_id(any_app, agent):
    client, headers = agent
    refused = client.post("/api/v1/followups", json={"buyer_id": "nobody", "note": "call"}, headers=headers)
    assert refused.status_code == 404 and refused.get_json()["error"]["field"] == "buyer_id"
    assert stored_tasks(any_app) == 0

    known = post(agent, "/api/v1/complaints", {"buyer_id": "called-us", "category": "other", "text": "没人回",
                                               "channel": "back_office"})
    assert post(agent, "/api/v1/followups", {"buyer_id": known["buyer_id"]})["source"] == "manual"
    buyer = client.get("/api/v1/orders/P-1").get_json()["buyer"]["id"]
    assert post(agent, "/api/v1/followups", {"buyer_id": buyer})["buyer_id"] == buyer  # a buyer of an order
    assert stored_tasks(any_app) == 2


def test_the_page_says_under_the_buyer_field_that_livedesk_knows_no_such_buyer(any_app, agent):
    client, _headers = agent
    token = csrf_token(client, "/followups")
    page = client.post("/followups", data={"csrf_token": token, "buyer_id": "nobody-at-all", "note": "问一下"})
    html = page.get_data(as_text=True)

    assert page.status_code == 404 and stored_tasks(any_app) == 0
    error = html[html.index('id="new-followup-buyer_id-error"'):]
    assert error[error.index(">") + 1:].startswith("LiveDesk knows no buyer with this id")
    assert 'aria-describedby="new-followup-buyer_id-error"' in html and 'value="nobody-at-all"' in html
    assert '<details class="new-followup" id="new-followup" open>' in html and "问一下</textarea>" in html
