""""Open" the state (a complaint or a task not yet closed) is 未结 in Chinese, not 打开, the verb of the buttons
that open a case (probe 3 of session 15)."""
from __future__ import annotations

from tests.support.auth import login


def test_open_as_a_state_reads_as_not_closed(app, users):
    agent = login(app, "aftersales")
    complaints = agent.get("/complaints", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<span class="label">未结</span>' in complaints and ">打开<" not in complaints
    assert "未结" in agent.get("/followups", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
