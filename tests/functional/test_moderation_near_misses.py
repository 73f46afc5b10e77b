"""The dry run of the near-misses a probe found: doubled-letter terms and a phone number's country code (issue 4)."""
from __future__ import annotations

from tests.functional.test_chat_ingestion import Moderator

CHECK = "/api/v1/moderation/check"


def test_a_term_with_a_doubled_letter_leaves_the_word_it_collapses_to_alone(app, api, users):
    mod, broadcast_id = Moderator(app), api.live_broadcast()
    mod.add_term("ass", category="abuse")
    benign = mod.post(CHECK, {"text": "ship it as soon as possible", "broadcast_id": broadcast_id}).get_json()
    assert (benign["action"], benign["reasons"]) == ("allow", [])
    evasion = mod.post(CHECK, {"text": "you a.s.s", "broadcast_id": broadcast_id}).get_json()
    assert [r["code"] for r in evasion["reasons"]] == ["term_abuse"]


def test_a_phone_number_with_its_country_code_is_hidden_not_held_as_a_claim(app, api, users):
    mod, broadcast_id = Moderator(app), api.live_broadcast()
    body = mod.post(CHECK, {"text": "+86 138 1234 5678", "broadcast_id": broadcast_id}).get_json()
    assert (body["action"], body["reasons"][0]["code"], body["claim"]) == ("hide", "contact_phone", None)
    claim = mod.post(CHECK, {"text": "+1 A12", "broadcast_id": broadcast_id}).get_json()
    assert claim["claim"] == {"sku": "A12", "variant": None, "qty": 1}
