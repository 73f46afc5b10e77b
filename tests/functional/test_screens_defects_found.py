"""What a probe of the live screens found: panels a role cannot load are not drawn for it, the wall
display asks the server for nothing it does not have, and the analytics tables scroll inside their cards."""
from __future__ import annotations

import re

import pytest

from tests.support.api import order_event
from tests.support.auth import login

# A table in a div.table-wrap scrolls inside its card (static/common/design.css) at every width above the cards.
WRAPPED = r'<div class="table-wrap">\s*<table class="grid cards[^"]*" id="{table}"'


@pytest.mark.slow
def test_an_analyst_on_the_host_page_gets_no_claims_strip_the_claims_api_refuses_them(app, api, users):
    broadcast_id = api.live_broadcast("Claims strip")
    analyst = login(app, "analyst")
    # The strip would show zero claims and fail its load (403) every 15 s, with an error in the console each time.
    assert analyst.get(f"/api/v1/broadcasts/{broadcast_id}/claims").status_code == 403
    assert 'id="host-claims"' not in analyst.get(f"/broadcasts/{broadcast_id}/live").get_data(as_text=True)
    for role in ("host", "auditor", "moderator", "admin"):
        page = login(app, role).get(f"/broadcasts/{broadcast_id}/live").get_data(as_text=True)
        assert 'id="host-claims"' in page, role


def test_the_wall_display_names_its_icon_so_the_browser_does_not_ask_for_a_missing_favicon(app, api, users):
    broadcast_id = api.live_broadcast("On the wall")
    for client in (app.test_client(), login(app, "host")):
        page = client.get(f"/broadcasts/{broadcast_id}/live?display=wall").get_data(as_text=True)
        assert re.search(r'<link rel="icon" type="image/svg\+xml" href="/static/common/favicon.svg', page)


def test_every_wide_analytics_table_scrolls_inside_its_card_instead_of_widening_the_page(app, api, users):
    api.product("SCARF", stock=0, variants=[{"sku": "SCARF-RED", "name": "Red", "stock": 50}])
    broadcast_id = api.live_broadcast("Wide tables", skus=("SCARF",))
    assert api.events(broadcast_id, [order_event("SCARF-RED", 1, order_id="W-1")]).status_code == 200
    analyst = login(app, "analyst")
    dashboard = analyst.get(f"/broadcasts/{broadcast_id}/analytics").get_data(as_text=True)
    assert re.search(WRAPPED.format(table="products"), dashboard)
    report = analyst.get(f"/broadcasts/{broadcast_id}/report").get_data(as_text=True)
    for table in ("products", "sources-table", "comparison-table"):
        assert re.search(WRAPPED.format(table=table), report), table


def test_the_report_command_says_it_cannot_write_the_file_instead_of_a_traceback(app, api, tmp_path):
    broadcast_id = api.live_broadcast("Report to nowhere")
    out = tmp_path / "no-such-folder" / "report.html"
    result = app.test_cli_runner().invoke(args=["report", str(broadcast_id), "--out", str(out)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"cannot write {out}" in result.output and "Traceback" not in result.output
