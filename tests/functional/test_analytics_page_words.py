"""Words of the analytics pages (probe 2 of session 15): an ended broadcast's dashboard calls its live connection
"Up to date", not "Live" beside the "ended" badge; a refused report address says why in the reader's language;
a report of a broadcast not started is "This cannot be done now", not "Someone changed this first"; the list of
broadcasts pages on past its first 200 (it stopped there without a word)."""
from __future__ import annotations

import json
import re

import analytics.pages
from tests.support.auth import login

STRINGS = re.compile(r'<script type="application/json" id="strings">(.*?)</script>', re.S)


def _connected_word(client, broadcast_id: int) -> str:
    page = client.get(f"/broadcasts/{broadcast_id}/analytics").get_data(as_text=True)
    return json.loads(STRINGS.search(page).group(1))["connected"]


def test_the_connection_word_follows_the_broadcasts_state(app, api, users):
    broadcast_id = api.live_broadcast()
    analyst = login(app, "analyst")
    assert _connected_word(analyst, broadcast_id) == "Live"
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/end", {}).status_code == 200
    assert _connected_word(analyst, broadcast_id) == "Up to date"


def test_a_refused_report_address_says_why_in_the_readers_language(app, api, users):
    broadcast_id = api.live_broadcast()
    analyst = login(app, "analyst")
    zh = {"Accept-Language": "zh-CN"}
    bad_zone = analyst.get(f"/broadcasts/{broadcast_id}/report.html?tz=Mars/Olympus", headers=zh)
    assert bad_zone.status_code == 400
    assert "tz 必须是 IANA 时区名称，例如 Asia/Shanghai" in bad_zone.get_data(as_text=True)
    bad_gpm = analyst.get(f"/broadcasts/{broadcast_id}/analytics?gpm=foo", headers=zh).get_data(as_text=True)
    assert "gpm must" not in bad_gpm and "gpm" in bad_gpm


def test_a_conflict_with_a_reason_is_not_called_someone_elses_change(app, api, users):
    broadcast_id = api.post("/api/v1/broadcasts", {"title": "Later", "platform": "douyin"}).get_json()["id"]
    page = login(app, "analyst").get(f"/broadcasts/{broadcast_id}/report/timeline.csv")
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "This cannot be done now" in text and "Someone changed this first" not in text


def test_the_analytics_list_pages_through_every_started_broadcast(app, api, users, monkeypatch):
    monkeypatch.setattr(analytics.pages, "MAX_LISTED", 2)
    ids = [api.live_broadcast(f"Show {n}") for n in range(5)]
    analyst = login(app, "analyst")
    seen = []
    for page in (1, 2, 3):
        html = analyst.get(f"/analytics?page={page}").get_data(as_text=True)
        seen += [int(found) for found in re.findall(r'<tr data-broadcast-id="(\d+)">', html)]
        assert f"Page {page} of 3" in html
    assert sorted(seen) == sorted(ids)
    assert analyst.get("/analytics?page=0").status_code == 400


def test_the_report_sets_its_attribution_window_on_the_page(app, api, users):
    broadcast_id = api.live_broadcast()
    analyst = login(app, "analyst")
    page = analyst.get(f"/broadcasts/{broadcast_id}/report?attribution_days=3").get_data(as_text=True)
    assert re.search(r'<input type="number" id="attribution-days" name="attribution_days" min="0" max="365" '
                     r'value="3"', page)
    assert "Orders count when placed within 3 days of the end" in page
