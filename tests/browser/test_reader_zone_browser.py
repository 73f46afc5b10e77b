"""The reader's zone as a real browser gives it (probe 3 of session 15: zone.js wrote the cookie percent-encoded and
the server read "Asia%2FShanghai" as no zone, so survey weeks stayed UTC's): after one page, /surveys counts weeks
in the browser's zone and the PII log takes its days there; another zone, another answer."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, new_context

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_pages_cut_days_and_weeks_in_the_browsers_zone(live_server, browser, zone):
    server, _token = live_server
    context = new_context(browser, locale="en-US", timezone_id=zone)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, server.url, "admin")  # its pages run zone.js, which keeps the zone for the server
    page.goto(server.url + "/surveys")
    assert page.input_value("#survey-filters input[name=tz]") == zone
    page.goto(server.url + "/admin/pii-access-log")
    assert f"From (a day in {zone})" in page.inner_text("main")
    assert errors == []
    context.close()
