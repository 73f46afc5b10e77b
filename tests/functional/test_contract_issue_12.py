"""Issue 12 as its text names it, read from the pages a server renders: the host page's named panels and wall
mode, the analytics entry only for roles that may open it, empty analytics that say so, one zone named, the GPM
switch, CSVs with a UTF-8 BOM, and the shared design system on every page."""
from __future__ import annotations

import pytest

from tests.support.auth import login

HOST_PANELS = ("pinned-card", "panel-rail", "panel-selling", "panel-questions", "panel-chat", "panel-feed",
               "host-totals")


@pytest.fixture
def show(api):
    """Return the id of a live broadcast with one product in its line-up."""
    api.product("TEA", stock=5)
    return api.live_broadcast("Screens", skus=("TEA",))


def test_the_host_page_has_every_named_panel_and_the_wall_mode_its_own_page(app, users, show):
    client = login(app, "host")
    page = client.get(f"/broadcasts/{show}/live").get_data(as_text=True)
    missing = [name for name in HOST_PANELS if name not in page]
    assert missing == []
    assert 'name="viewport" content="width=device-width' in page
    wall = app.test_client().get(f"/broadcasts/{show}/live?display=wall")  # no login: a shell the token fills
    assert wall.status_code == 200 and 'id="wall-name"' in wall.get_data(as_text=True)
    assert "Screens" not in wall.get_data(as_text=True)  # nothing of the broadcast without the token


@pytest.mark.parametrize("role, sees", [("admin", True), ("host", True), ("analyst", True), ("auditor", False),
                                        ("moderator", False), ("aftersales", False)])
def test_analytics_is_in_the_navigation_only_for_roles_that_may_open_it(app, users, show, role, sees):
    client = login(app, role)
    home = client.get("/").get_data(as_text=True)
    assert ('href="/analytics"' in home) is sees
    assert (client.get("/analytics").status_code == 200) is sees
    assert (client.get(f"/broadcasts/{show}/analytics").status_code == 200) is sees


def test_an_empty_broadcasts_analytics_says_no_data_yet_names_one_zone_and_offers_the_gpm_switch(app, users, show):
    client = login(app, "analyst")
    for path in (f"/broadcasts/{show}/analytics", f"/broadcasts/{show}/report"):
        page = client.get(path).get_data(as_text=True)
        assert "No data yet" in page, path
        assert "GMV per 1,000 views" in page and "GMV per 1,000 viewers" in page, path
        assert "Started (UTC)" not in page, path


@pytest.mark.parametrize("table", ["by_product", "by_source", "timeline", "comparison"])
def test_report_csvs_start_with_a_utf8_bom(app, users, show, table):
    response = login(app, "analyst").get(f"/broadcasts/{show}/report/{table}.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("path", ["/", "/orders", "/products", "/audit", "/analytics", "/users", "/tokens",
                                  "/settings"])
def test_every_page_uses_the_shared_design_system_and_a_favicon(app, users, path):
    page = login(app, "admin").get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'rel="icon"' in text and "common/design.css" in text
