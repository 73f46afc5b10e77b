"""Term lists as issue 4 writes them: re-adding a listed term with another category or action changes it (the
matcher, the moderators and the log learn of it), and a term is removed with the body it was added with."""
from __future__ import annotations

from tests.functional.test_chat_ingestion import Moderator, chat, joined_socket, post_chat, received

TERMS = "/api/v1/moderation/terms"
LOG = "/api/v1/moderation/log"


def _terms(mod: Moderator, broadcast_id: int | None = None) -> list[tuple]:
    query = f"?broadcast_id={broadcast_id}" if broadcast_id else ""
    return [(t["term"], t["category"], t["action"], t["broadcast_id"])
            for t in mod.get(f"{TERMS}{query}").get_json()["terms"]]


def _version(mod: Moderator) -> int:
    return mod.get(TERMS).get_json()["version"]


def test_re_adding_a_term_with_another_category_and_action_changes_it_and_the_next_message_follows(app, api, users):
    mod, broadcast_id = Moderator(app), api.live_broadcast()
    first = mod.post(TERMS, {"term": "rivalshop", "category": "competitor", "action": "hide"}).get_json()
    assert post_chat(api, broadcast_id, chat("c-1", "v1", "rivalshop is cheaper"))[0]["action"] == "hide"
    moderator_socket = joined_socket(app, Moderator(app).client, broadcast_id)
    version = _version(mod)
    again = mod.post(TERMS, {"term": "RivalShop", "category": "scam", "action": "hold"})
    assert again.status_code == 200
    assert again.get_json() == {**first, "category": "scam", "action": "hold"}  # the same term, changed
    assert _terms(mod) == [("rivalshop", "scam", "hold", None)]
    assert _version(mod) == version + 1
    assert received(moderator_socket, "moderation.changed") == [{"what": "terms", "broadcast_id": None}]
    # The same text, decided again with the changed term (the findings of a text are cached per term version).
    assert post_chat(api, broadcast_id, chat("c-2", "v2", "rivalshop is cheaper"))[0]["action"] == "hold"
    [entry] = [a for a in mod.get(LOG).get_json()["actions"] if a["action"] == "term_changed"]
    assert (entry["actor"], entry["broadcast_id"]) == ("moderator", None)
    assert entry["detail"] == {"term": "rivalshop", "category": "scam", "action": "hold",
                               "before": {"category": "competitor", "action": "hide"}}


def test_a_re_add_changes_only_what_it_sends_and_one_as_listed_changes_nothing(app, api, users):
    mod, broadcast_id = Moderator(app), api.live_broadcast()
    mod.post(TERMS, {"term": "scam", "category": "scam", "action": "hide"})
    only_action = mod.post(TERMS, {"term": "SCAM", "action": "ban"})
    assert only_action.status_code == 200 and only_action.get_json()["category"] == "scam"
    only_category = mod.post(TERMS, {"term": "scam", "category": "abuse"})
    assert (only_category.get_json()["category"], only_category.get_json()["action"]) == ("abuse", "ban")
    version, log = _version(mod), mod.get(LOG).get_json()["actions"]
    moderator_socket = joined_socket(app, Moderator(app).client, broadcast_id)
    for body in ({"term": "scam", "category": "abuse", "action": "ban"}, {"term": "scam"}):
        same = mod.post(TERMS, body)
        assert same.status_code == 200 and same.get_json()["action"] == "ban", body
    assert _version(mod) == version and mod.get(LOG).get_json()["actions"] == log
    assert received(moderator_socket, "moderation.changed") == []
    assert [a["action"] for a in log] == ["term_changed", "term_changed", "term_added"]


def test_a_re_add_in_a_broadcast_list_changes_that_list_only(app, api, users):
    mod, broadcast_id = Moderator(app), api.live_broadcast()
    mod.post(TERMS, {"term": "便宜", "category": "custom", "action": "hide"})
    mod.post(TERMS, {"term": "便宜", "category": "custom", "action": "hide", "broadcast_id": broadcast_id})
    changed = mod.post(TERMS, {"term": "便宜", "action": "hold", "broadcast_id": broadcast_id})
    assert changed.status_code == 200 and changed.get_json()["broadcast_id"] == broadcast_id
    assert _terms(mod, broadcast_id) == [("便宜", "custom", "hide", None), ("便宜", "custom", "hold", broadcast_id)]


def test_a_csv_import_changes_the_listed_terms_it_names_otherwise(app, api, users):
    mod = Moderator(app)
    mod.post(TERMS, {"term": "scam", "category": "scam", "action": "hide"})
    mod.post(TERMS, {"term": "spam", "category": "custom", "action": "hold"})
    body = "term,category,action\r\nSCAM,abuse,ban\r\nspam,,\r\nnew,,\r\n"
    imported = mod.client.post(f"{TERMS}/import", data=body.encode(), content_type="text/csv", headers=mod.headers)
    assert imported.get_json() == {"added": 1, "existing": 2, "changed": 1}
    assert _terms(mod) == [("scam", "abuse", "ban", None), ("spam", "custom", "hold", None),
                           ("new", "custom", "hide", None)]


def test_a_term_is_removed_with_the_body_it_was_added_with(app, api, users):
    mod, broadcast_id = Moderator(app), api.live_broadcast()
    added = {"term": "加微信", "category": "diversion", "action": "hide"}
    assert mod.post(TERMS, added).status_code == 201
    assert mod.post(TERMS, {**added, "broadcast_id": broadcast_id}).status_code == 201
    scoped = mod.delete(TERMS, {**added, "broadcast_id": broadcast_id, "reason": "done"})
    assert scoped.status_code == 200 and scoped.get_json()["deleted"]["broadcast_id"] == broadcast_id
    assert _terms(mod, broadcast_id) == [("加微信", "diversion", "hide", None)]
    # Category and action name the same term: checked, not matched (the term is found by its text and list).
    removed = mod.delete(TERMS, {"term": "加 微 信", "category": "abuse", "action": "ban"})
    assert removed.status_code == 200 and removed.get_json()["deleted"]["category"] == "diversion"
    assert _terms(mod, broadcast_id) == []
    log = mod.get(LOG).get_json()["actions"]
    assert [(a["action"], a["reason"]) for a in log[:2]] == [("term_removed", None), ("term_removed", "done")]


def test_a_removal_body_with_a_bad_category_or_action_or_another_field_is_refused(app, api, users):
    mod = Moderator(app)
    mod.post(TERMS, {"term": "scam", "category": "scam", "action": "hide"})
    for body, field in (({"term": "scam", "category": "nope"}, "category"), ({"term": "scam", "action": 5}, "action"),
                        ({"term": "scam", "created_by": "moderator"}, "created_by"),
                        ({"term": "scam", "id": 1}, "id")):
        response = mod.delete(TERMS, body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["field"] == field, body
    assert _terms(mod) == [("scam", "scam", "hide", None)]
