"""The held queue's bulk decisions above the API's limit of 100 ids a request (a raid): "Select all" then Approve
or Hide selected sends the selection in chunks of the limit, says how far it got and the total, and leaves the
messages of a chunk whose request failed held and selected for another try (probe 2, finding 16)."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from live.moderation.api.bodies import MAX_BULK
from tests.browser.test_moderator_console import chat_event
from tests.browser.test_moderator_console_flow import console  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
RAID = 2 * MAX_BULK + 30  # three requests: 100, 100 and 30


def held_statuses(moderator, broadcast_id: int) -> dict[str, str]:
    """Return the status of every raid message by event id."""
    messages = moderator.request("GET", f"/api/v1/broadcasts/{broadcast_id}/chat?limit=500&status=all")["messages"]
    return {m["id"]: m["status"] for m in messages if m["id"].startswith("raid-")}


def raid(page, api, moderator, broadcast_id: int) -> int:
    """Post a raid of held messages, wait until the console lists every one, and return how many are held."""
    api.chat(broadcast_id, [chat_event(f"raid-{n}", f"r{n}", f"便宜{n}号快买", f"刷{n}") for n in range(RAID)])
    held = list(held_statuses(moderator, broadcast_id).values()).count("held")
    assert held > MAX_BULK * 2, f"only {held} of the raid were held"
    page.wait_for_function(f"document.querySelectorAll('#held li.msg').length === {held}")
    return held


def bulk_requests(page) -> list[int]:
    """Start recording the size of every bulk request the page sends; return the (growing) list."""
    sizes: list[int] = []
    page.on("request", lambda request: sizes.append(len(json.loads(request.post_data)["message_ids"]))
            if request.url.endswith("/api/v1/chat/bulk") else None)
    return sizes


@pytest.mark.slow
def test_select_all_approves_a_raid_above_the_api_limit_in_chunks_and_says_the_total(console):  # noqa: F811
    page, api, moderator, broadcast_id = console
    held = raid(page, api, moderator, broadcast_id)
    sizes = bulk_requests(page)
    page.check("#select-all")
    expect(page.locator("#selected-count")).to_have_text(f"{held} selected")
    page.click("#bulk-approve")
    page.wait_for_selector(f".toast:has-text('{held} messages approved')")
    expect(page.locator("#bulk-progress")).to_have_text(f"{held} of {held} decided")
    page.wait_for_selector("#held-empty:not([hidden])")
    assert max(sizes) <= MAX_BULK and sum(sizes) == held and len(sizes) == -(-held // MAX_BULK)
    assert set(held_statuses(moderator, broadcast_id).values()) == {"approved"}
    expect(page.locator("#action-error")).to_have_text("")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_a_chunk_that_fails_stays_selected_and_can_be_sent_again(console):  # noqa: F811
    page, api, moderator, broadcast_id = console
    held = raid(page, api, moderator, broadcast_id)
    calls = []

    def fail_the_second(route):
        calls.append(route.request)
        if len(calls) == 2:
            route.fulfill(status=503, content_type="application/json",
                          body=json.dumps({"error": {"code": "unavailable", "message": "try later"}}))
        else:
            route.continue_()

    page.route("**/api/v1/chat/bulk", fail_the_second)
    page.check("#select-all")
    page.click("#bulk-hide")
    page.wait_for_selector(f".toast:has-text('{held - MAX_BULK} messages hidden')")
    expect(page.locator("#bulk-progress")).to_have_text(f"{held - MAX_BULK} of {held} decided")
    expect(page.locator("#action-error")).to_contain_text(f"{MAX_BULK} not sent, still selected")
    statuses = held_statuses(moderator, broadcast_id)
    assert list(statuses.values()).count("held") == MAX_BULK
    expect(page.locator("#held li.msg")).to_have_count(MAX_BULK)
    expect(page.locator("#held li.msg .select-msg:checked")).to_have_count(MAX_BULK)
    expect(page.locator("#selected-count")).to_have_text(f"{MAX_BULK} selected")
    expect(page.locator("#select-all")).to_be_checked()

    page.click("#bulk-hide")  # the try again: only the failed chunk is sent
    page.wait_for_selector("#held-empty:not([hidden])")
    assert set(held_statuses(moderator, broadcast_id).values()) == {"hidden"}
    assert len(json.loads(calls[-1].post_data)["message_ids"]) == MAX_BULK
    expect(page.locator("#action-error")).to_have_text("")
    assert page.errors == [] and page.dialogs == []
