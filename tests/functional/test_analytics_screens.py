"""The analyst's screens on the server side (issue 12): the analytics list, the GPM denominator on every page,
"no data yet" in the offline report, one zone named once, and CSV exports that Excel opens as UTF-8."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.functional.test_chat_ingestion import Moderator
from tests.support import analytics as ax
from tests.support.auth import login
from tests.unit.analytics.events import join, order, payment

BOM = "\ufeff"


@pytest.fixture
def broadcasts(app, api, users):
    """Return (busy, empty): a live broadcast with two viewers (three views) and a paid order, and one started with
    nothing in it."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    busy = ax.start_broadcast(api, now - timedelta(minutes=10), skus=("围巾",))
    ax.ingest(api, busy, [join(now - timedelta(minutes=9), "v1"), join(now - timedelta(minutes=8), "v2"),
                          join(now - timedelta(minutes=7), "v1"),
                          order(now - timedelta(minutes=6), "S-1", "v1", [("围巾", 1, "300.00")]),
                          payment(now - timedelta(minutes=5), "S-1", "300.00")], prefix="screens-")
    empty = ax.start_broadcast(api, now - timedelta(minutes=1), skus=())
    return busy, empty


def test_the_analytics_list_shows_started_broadcasts_live_first_with_their_pages(app, api, broadcasts):
    busy, empty = broadcasts
    scheduled = api.post("/api/v1/broadcasts", json={"title": "later", "platform": "douyin"}).get_json()["id"]
    page = login(app, "analyst").get("/analytics").get_data(as_text=True)
    assert f'href="/broadcasts/{busy}/analytics"' in page and f'href="/broadcasts/{busy}/report"' in page
    assert f'data-broadcast-id="{empty}"' in page and f'data-broadcast-id="{scheduled}"' not in page
    assert page.index(f'data-broadcast-id="{empty}"') < page.index(f'data-broadcast-id="{busy}"')  # newest first
    for role in ("moderator", "auditor"):
        assert login(app, role).get("/analytics").status_code == 403


def test_the_gpm_tile_shows_the_denominator_asked_for_and_the_other_is_one_click_away(app, broadcasts):
    busy, _ = broadcasts
    analyst = login(app, "analyst")
    views = analyst.get(f"/broadcasts/{busy}/analytics").get_data(as_text=True)
    # GMV 300.00: per 1,000 views (3) is 100000.00, per 1,000 viewers (2) is 150000.00
    assert re.search(r'data-metric="gpm" data-gpm="views">¥100,000.00<', views)
    assert re.search(r'data-metric="gpm_per_viewer" data-gpm="viewers" hidden>¥150,000.00<', views)
    assert 'name="gpm" value="views" checked' in views
    viewers = analyst.get(f"/broadcasts/{busy}/report?gpm=viewers").get_data(as_text=True)
    assert 'name="gpm" value="viewers" checked' in viewers and "gpm=viewers" in viewers
    assert re.search(r'data-metric="gpm" data-gpm="views" hidden>', viewers)
    assert analyst.get(f"/broadcasts/{busy}/report?gpm=likes").status_code == 400


def test_the_offline_report_follows_the_gpm_choice_and_names_one_zone(app, broadcasts):
    busy, _ = broadcasts
    html = login(app, "analyst").get(f"/broadcasts/{busy}/report.html?gpm=viewers&tz=Asia/Shanghai")
    text = html.get_data(as_text=True)
    assert re.search(r'data-gpm="viewers"\s*title="[^"]*">GMV per 1,000 viewers<', text)
    assert text.count("Times are shown in Asia/Shanghai (UTC+08:00).") == 1 and "UTC</time>" not in text
    assert "Started (UTC)" not in text and "Minute (UTC)" not in text


def test_an_empty_broadcast_says_no_data_yet_in_every_view_instead_of_empty_axes(app, broadcasts):
    _, empty = broadcasts
    analyst = login(app, "analyst")
    text = analyst.get(f"/broadcasts/{empty}/report.html").get_data(as_text=True)
    for name in ("funnel", "timeline", "watch_time", "sources", "products"):
        assert f'id="chart-{name}-empty"' in text and f'id="chart-{name}" class="plotly-graph-div"' not in text
    assert text.count("Plotly.newPlot") == 1 and 'id="chart-comparison-empty"' not in text  # one earlier: drawn
    for path in (f"/broadcasts/{empty}/analytics", f"/broadcasts/{empty}/report"):
        assert "No data yet: nobody has joined and nothing was pinned." in analyst.get(path).get_data(as_text=True)


def test_comparing_a_broadcast_with_none_says_so_instead_of_drawing_one_bar(app, broadcasts):
    busy, _ = broadcasts
    analyst = login(app, "analyst")
    text = analyst.get(f"/broadcasts/{busy}/report.html?compare=0").get_data(as_text=True)
    assert 'id="chart-comparison-empty"' in text and 'id="chart-comparison" class="plotly-graph-div"' not in text
    assert 'id="chart-timeline" class="plotly-graph-div"' in text


def test_the_report_csvs_start_with_a_byte_order_mark_and_keep_chinese(app, broadcasts):
    busy, _ = broadcasts
    response = login(app, "analyst").get(f"/broadcasts/{busy}/report/by_product.csv")
    body = response.get_data()
    assert body.startswith(BOM.encode("utf-8")) and "围巾".encode("utf-8") in body
    assert body.decode("utf-8-sig").splitlines()[0].startswith("sku,clicks")


def test_every_csv_a_person_opens_in_excel_starts_with_a_byte_order_mark(app, api, users, broadcasts):
    Moderator(app).add_term("加微信")
    admin = login(app, "admin")
    for path in ("/audit/queue.csv", "/orders.csv?q=S-1", "/api/v1/moderation/terms/export.csv"):
        response = admin.get(path)
        assert response.status_code == 200 and response.mimetype == "text/csv", path
        assert response.get_data(as_text=True).startswith(BOM), path
    terms = admin.get("/api/v1/moderation/terms/export.csv").get_data(as_text=True)
    assert "加微信" in terms and terms[1:].startswith("term,")
