"""Complaint rules (pure): the status moves, the severity a complaint gets when none is given, a platform's
category mapped to ours, the resolution plan's actions read from JSON and merged with those already taken."""
from __future__ import annotations

import re
import unicodedata

from orders.care.complaints.codes import ACTIONS, CATEGORIES

# action -> (statuses it may start from, status it leads to)
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": (("new",), "acknowledged"),
    "investigate": (("new", "acknowledged"), "investigating"),
    "resolve": (("new", "acknowledged", "investigating"), "resolved"),
    "close": (("resolved",), "closed"),
    "reopen": (("resolved", "closed"), "investigating"),
}
NOTE_LIMIT = 500
# Words of a buyer who is taking it further (a regulator, a lawyer, the press): the complaint is urgent.
_URGENT = re.compile(r"12315|消协|消费者协会|市场监管|工商|律师|起诉|法院|曝光|媒体|记者|投诉到平台|"
                     r"\blawyer\b|\bsue\b|\bcourt\b|\bregulator\b|\bpress\b", re.IGNORECASE)
# Platform category words → ours (a platform's own codes differ; unknown ones become "other", kept as sent).
_PLATFORM_WORDS = (  # first match wins: "售后服务" is after-sales, not service attitude
    ("product_quality", ("quality", "defect", "broken", "damaged", "质量", "破损", "瑕疵", "假货", "fake")),
    ("aftersales_delay", ("aftersale", "after_sale", "after-sale", "refund", "售后", "退款", "退货")),
    ("logistics", ("logistic", "shipping", "delivery", "courier", "物流", "快递", "发货", "配送")),
    ("price_dispute", ("price", "promotion", "coupon", "价格", "优惠", "价保", "促销")),
    ("misleading_description", ("misleading", "description", "false", "虚假", "描述", "不符", "宣传")),
    ("service_attitude", ("attitude", "service", "rude", "态度", "客服", "服务")),
)


class MoveRefused(Exception):
    """A status move a complaint cannot make now: code for the API, a sentence for a person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def next_status(status: str, action: str) -> str:
    """Return the status a complaint in status reaches by action, or raise MoveRefused."""
    if action not in MOVES:
        raise MoveRefused("unknown_action", f"unknown action {action}")
    sources, target = MOVES[action]
    if status not in sources:
        article = "an" if status[0] in "aeiou" else "a"
        raise MoveRefused("invalid_status", f"{article} {status} complaint cannot be {_past(action)}")
    return target


def _past(action: str) -> str:
    return {"acknowledge": "acknowledged", "investigate": "investigated", "resolve": "resolved",
            "close": "closed", "reopen": "reopened"}[action]


def allowed_actions(status: str) -> list[str]:
    """Return the actions a complaint in status allows, in the order the page offers them."""
    return [action for action, (sources, _target) in MOVES.items() if status in sources]


def suggest_severity(category: str, channel: str, text: str) -> str:
    """Return the severity of a complaint when none was chosen: urgent when the buyer names a regulator, a lawyer
    or the press; high for a platform's complaint (it counts against the shop's rating) or a quality complaint;
    normal otherwise."""
    if _URGENT.search(unicodedata.normalize("NFKC", text or "")):
        return "urgent"
    if channel == "platform" or category == "product_quality":
        return "high"
    return "normal"


def platform_category(raw: str | None) -> str:
    """Return our category for a platform's category (ours as is; known words mapped; anything else: other)."""
    if not raw:
        return "other"
    folded = unicodedata.normalize("NFKC", raw).strip().lower()
    if folded in CATEGORIES:
        return folded
    for category, words in _PLATFORM_WORDS:
        if any(word in folded for word in words):
            return category
    return "other"


class PlanError(ValueError):
    """A resolution plan entry that cannot be read; field is its JSON path."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def read_plan(raw, path: str = "actions") -> list[dict]:
    """Return the resolution plan as [{"kind", "note"}] from a list of kinds or {"kind", "note"} objects.

    Each kind at most once, from ACTIONS; a note is text of at most NOTE_LIMIT characters (a coupon code, what
    process changes). PlanError names the bad entry.
    """
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > len(ACTIONS):
        raise PlanError(path, f"{path} is a list of at most {len(ACTIONS)} actions")
    plan, seen = [], set()
    for index, item in enumerate(raw):
        where = f"{path}[{index}]"
        kind, note = (item, None) if isinstance(item, str) else (
            (item.get("kind"), item.get("note")) if isinstance(item, dict) else (None, None))
        if kind not in ACTIONS:
            raise PlanError(where, f"an action is one of {', '.join(ACTIONS)}")
        if kind in seen:
            raise PlanError(where, f"{kind} is listed twice")
        if note is not None and (not isinstance(note, str) or len(note) > NOTE_LIMIT or "\x00" in note):
            raise PlanError(f"{where}.note", f"a note is text of at most {NOTE_LIMIT} characters")
        seen.add(kind)
        plan.append({"kind": kind, "note": (note or "").strip() or None})
    return plan


# Opened once per complaint: its after-sales case is the refund, whatever a later plan's note says.
_TAKEN_ONCE = ("refund_via_aftersales",)


def _repeats(action: dict, taken: list[dict]) -> bool:
    """Return whether action names again one an earlier resolution carried out."""
    return any(t["kind"] == action["kind"] and (action["kind"] in _TAKEN_ONCE or t.get("note") == action["note"])
               for t in taken)


def merge_plan(actions: list[dict], plan: list[dict]) -> list[dict]:
    """Return a complaint's actions once plan (read_plan's list) replaces what is planned but not yet taken.

    Actions an earlier resolution carried out (taken_at set) stay as they were, first: a new plan cannot undo
    them, and one it names again (same kind and note; a refund via after-sales whatever its note) is not added
    twice. A planned action keeps the ref (after-sales case id) its kind already has.
    """
    taken = [a for a in actions if a.get("taken_at")]
    planned_refs = {a["kind"]: a.get("ref") for a in actions if not a.get("taken_at")}
    return [dict(a) for a in taken] + [dict(a, ref=planned_refs.get(a["kind"]), taken_at=None)
                                       for a in plan if not _repeats(a, taken)]


def mark_taken(actions: list[dict], at: str) -> list[dict]:
    """Return actions with every one not yet taken marked as carried out at (an ISO time)."""
    return [a if a.get("taken_at") else dict(a, taken_at=at) for a in actions]
