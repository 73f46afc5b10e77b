"""The complaint queue's header (probe 3 of session 15): "Open" the state (a complaint or a task not yet closed) is
未结 in Chinese, not 打开, the verb of the buttons that open a case; its counts follow the queue's filters."""
from __future__ import annotations

from tests.support.auth import login
from tests.support.fulfilment import AgentClient


def test_open_as_a_state_reads_as_not_closed(app, users):
    agent = login(app, "aftersales")
    complaints = agent.get("/complaints", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<span class="label">未结</span>' in complaints and ">打开<" not in complaints
    assert "未结" in agent.get("/followups", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)



def test_the_queues_counts_follow_its_filters(app, users, api):
    """Probe 3 of session 15: /complaints?broadcast_id=2 showed "Open 46" above an empty list."""
    agent = AgentClient(app, "aftersales")
    other = api.live_broadcast("Other")
    made = agent.post("/api/v1/complaints", json={"channel": "back_office", "category": "logistics", "text": "late",
                                                  "buyer_id": "B-1"})
    assert made.status_code == 201, made.get_json()
    answer = agent.get(f"/api/v1/complaints?broadcast_id={other}").get_json()
    assert answer["total"] == 0 and answer["counts_in_filter"]["open"] == 0 and answer["counts"]["open"] == 1
    page = agent.get(f"/complaints?broadcast_id={other}").get_data(as_text=True)
    assert '<div data-count="open"><span class="label">Open</span><strong>0</strong>' in page
    assert '<span class="label">Open</span><strong>1</strong>' in agent.get("/complaints").get_data(as_text=True)
