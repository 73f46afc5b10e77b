"""/surveys counts its weeks in the reader's zone (the cookie static/common/zone.js keeps) unless the query names
one, and its "Updated" time is a <time> the page shows in that zone (probe 2 of session 15: "Updated … UTC"
sat above "times are shown in Asia/Shanghai", and the weeks were UTC's)."""
from __future__ import annotations

import re

from tests.support.auth import login


def _zone_field(page: str) -> str:
    return re.search(r'<input name="tz" maxlength="64" value="([^"]*)"', page).group(1)


def test_the_weeks_follow_the_readers_zone_and_a_chosen_one_wins(app, users):
    analyst = login(app, "analyst")
    assert _zone_field(analyst.get("/surveys").get_data(as_text=True)) == "UTC"
    analyst.set_cookie("livedesk_tz", "Asia%2FShanghai")  # as static/common/zone.js writes it
    page = analyst.get("/surveys").get_data(as_text=True)
    assert _zone_field(page) == "Asia/Shanghai"
    assert re.search(r'id="updated-at">Updated <time datetime="[^"]+">[^<]+ UTC</time>\.', page)
    assert _zone_field(analyst.get("/surveys?tz=Europe/Paris").get_data(as_text=True)) == "Europe/Paris"
    for hostile in ("Mars/Olympus", "../../etc", "<script>", "x" * 200):
        analyst.set_cookie("livedesk_tz", hostile)
        answer = analyst.get("/surveys")
        assert answer.status_code == 200 and _zone_field(answer.get_data(as_text=True)) == "UTC", hostile
