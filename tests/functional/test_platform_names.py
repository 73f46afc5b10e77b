"""A broadcast's platform reads as people call it, in the reader's language (probe 2 of session 15: raw "douyin" in
both languages); a platform LiveDesk has no name for shows as stored."""
from __future__ import annotations

from tests.support.auth import login


def test_the_broadcast_list_and_setup_page_name_the_platform(app, api, users):
    known = api.post("/api/v1/broadcasts", {"title": "A", "platform": "douyin"}).get_json()["id"]
    api.post("/api/v1/broadcasts", {"title": "B", "platform": "xiaohongshu"})
    host = login(app, "host")
    english = host.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<td data-label=\"Platform\">Douyin (抖音)</td>" in english and ">xiaohongshu</td>" in english
    assert '<option value="douyin">Douyin (抖音)</option>' in english
    chinese = host.get(f"/broadcasts/{known}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "抖音 ·" in chinese and "douyin ·" not in chinese
