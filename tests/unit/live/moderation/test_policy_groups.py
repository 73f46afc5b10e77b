"""The console's settings drawer shows every policy field once, under a named group (issue 12)."""
from __future__ import annotations

from live.moderation.pages import POLICY_GROUPS, policy_groups
from live.moderation.settings import POLICY_FIELDS


def _fields(names) -> list[dict]:
    return [{"name": name, "kind": POLICY_FIELDS[name][0], "label": name} for name in names]


def test_every_policy_field_is_in_exactly_one_named_group():
    groups = policy_groups(_fields(POLICY_FIELDS))
    placed = [field["name"] for group in groups for field in group["fields"]]
    assert sorted(placed) == sorted(POLICY_FIELDS)
    assert len(groups) == len(POLICY_GROUPS)  # no field falls through to "Other" today


def test_a_field_no_group_names_goes_under_other():
    groups = policy_groups(_fields(["flood_messages"]) + [{"name": "future_field", "kind": "int", "label": "x"}])
    assert [(g["title"], [f["name"] for f in g["fields"]]) for g in groups] == [
        ("Flooding and repetition", ["flood_messages"]), ("Other", ["future_field"])]
