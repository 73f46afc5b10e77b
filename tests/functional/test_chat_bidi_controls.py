"""Direction controls that make the host's screen show another text than moderation read are held (spam_bidi)."""
from __future__ import annotations

from tests.support.api import now_iso

REVERSED = "\u202e54321cba 信微加"  # shown by a browser as "加微信 abc12345"


def test_a_check_of_reversed_text_holds_it_and_says_why(api):
    answer = api.post("/api/v1/moderation/check", {"text": REVERSED}).get_json()
    assert answer["action"] == "hold"
    assert [reason["code"] for reason in answer["reasons"]] == ["spam_bidi"]
    assert answer["reasons"][0]["detail_params"] == {"controls": 1}


def test_reversed_chat_never_reaches_the_host_and_plain_chat_still_does(api):
    broadcast_id = api.live_broadcast()
    results = api.events(broadcast_id, [
        {"id": "c1", "type": "chat", "ts": now_iso(), "viewer_id": "v1", "text": REVERSED},
        {"id": "c2", "type": "chat", "ts": now_iso(), "viewer_id": "v2", "text": "加\u2067信微\u2069我 abc"},
        {"id": "c3", "type": "chat", "ts": now_iso(), "viewer_id": "v3", "text": "这个颜色真好看"},
    ]).get_json()["results"]
    assert [result["action"] for result in results] == ["hold", "hold", "allow"]
