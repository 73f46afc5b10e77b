"""Checks of the moderation API's bodies: every problem raises a 400 ApiError naming the field."""
from __future__ import annotations

import math

from app.errors import ApiError
from app.http import validation
from live.moderation.models import MESSAGE_STATUSES, TERM_KEY_LENGTH
from live.moderation.rules.terms import CATEGORIES
from live.moderation.settings import MAX_SLOW_SECONDS, POLICY_FIELDS, RULE_ACTIONS
from live.moderation.terms import ACTIONS, term_key

MAX_REASON = 500
MAX_SANCTION_SECONDS = 30 * 86_400
MAX_BULK = 100


def no_nul(value: str | None, path: str) -> str | None:
    """Return value, or raise 400 when it holds a NUL character (PostgreSQL text cannot store one)."""
    if value is not None and "\x00" in value:
        raise ApiError(400, "invalid_text", f"{path} must not contain NUL characters", path)
    return value


def optional_id(data: dict, key: str) -> int | None:
    """Return data[key] as a positive integer id, or None when absent."""
    return validation.whole_number(data, key, minimum=1, maximum=2**31 - 1, required=False)


def reason(data: dict) -> str | None:
    """Return the optional free-text reason of an action."""
    return no_nul(validation.text(data, "reason", max_len=MAX_REASON, required=False), "reason")


def choice(data: dict, key: str, choices: tuple[str, ...], default: str | None = None, path: str | None = None) -> str:
    """Return data[key] when it is one of choices (default when absent and a default is given)."""
    path = path or key
    value = data.get(key)
    if value is None and default is not None:
        return default
    if value is None:
        raise ApiError(400, "missing_field", f"{path} is required", path)
    if value not in choices:
        raise ApiError(400, "invalid_choice", f"{path} must be one of {', '.join(choices)}", path)
    return value


def term_fields(data: dict, prefix: str = "") -> tuple[str, str | None, str | None, int | None]:
    """Return (term, category, action, broadcast_id) of a term body or CSV row; prefix names the row.

    category and action are None when not given: a new term then gets the defaults (live.moderation.terms.add_term),
    a listed one keeps its own.
    """
    term = no_nul(validation.text(data, "term", path=f"{prefix}term", max_len=100), f"{prefix}term")
    key = term_key(term)
    if not key:
        raise ApiError(400, "invalid_term", f"{prefix}term has nothing left to match once normalised", f"{prefix}term")
    if len(key) > TERM_KEY_LENGTH:  # a few characters expand a lot once normalised (⅒ is 1/10)
        raise ApiError(400, "invalid_term", f"{prefix}term is too long once normalised", f"{prefix}term")
    category, action = term_labels(data, prefix)
    broadcast_id = validation.whole_number(data, "broadcast_id", path=f"{prefix}broadcast_id", minimum=1,
                                           maximum=2**31 - 1, required=False)
    return term, category, action, broadcast_id


def term_labels(data: dict, prefix: str = "") -> tuple[str | None, str | None]:
    """Return the (category, action) given in a term body, each None when absent."""
    category = None if data.get("category") is None else choice(data, "category", CATEGORIES, path=f"{prefix}category")
    action = None if data.get("action") is None else choice(data, "action", ACTIONS, path=f"{prefix}action")
    return category, action


TERM_FIELDS = ("term", "category", "action", "broadcast_id")
# A removal may repeat the body the term was added with: category and action name the same term, nothing more.
TERM_DELETE_FIELDS = ("term", "category", "action", "broadcast_id", "reason")
# What each viewer action takes; a misspelt broadcast_id would otherwise sanction the viewer in every broadcast.
SANCTION_FIELDS = ("seconds", "broadcast_id", "reason", "message_id")  # seconds: a timeout's; ignored otherwise


def check_body(data: dict) -> tuple[str, int | None, str | None, str]:
    """Return (text, broadcast_id, viewer_id, nickname) of a dry-run request."""
    validation.refuse_unknown_fields(data, ("text", "broadcast_id", "viewer_id", "nickname"))
    text = validation.text(data, "text", max_len=2000)
    viewer_id = no_nul(validation.text(data, "viewer_id", max_len=64, required=False), "viewer_id")
    nickname = validation.text(data, "nickname", max_len=100, required=False) or ""
    return text, optional_id(data, "broadcast_id"), viewer_id, nickname  # type: ignore[return-value]


def sanction_body(data: dict, kind: str) -> tuple[int | None, int | None, str | None, int | None]:
    """Return (broadcast_id, seconds, reason, message_id) of a timeout, ban or unban request."""
    validation.refuse_unknown_fields(data, SANCTION_FIELDS)
    seconds = None
    if kind == "timeout":
        seconds = validation.whole_number(data, "seconds", minimum=1, maximum=MAX_SANCTION_SECONDS)
    return optional_id(data, "broadcast_id"), seconds, reason(data), optional_id(data, "message_id")


def lift_body(data: dict) -> tuple[int, str | None]:
    """Return (sanction_id, reason) of a lift (the undo of one sanction)."""
    validation.refuse_unknown_fields(data, ("sanction_id", "reason"))
    sanction_id = validation.whole_number(data, "sanction_id", minimum=1, maximum=2**31 - 1)
    return sanction_id, reason(data)  # type: ignore[return-value]


def restore_body(data: dict) -> tuple[str | None, str | None]:
    """Return (expected_status, reason) of a restore (the undo of an approve or hide)."""
    expected = data.get("expected_status")
    if expected is not None:
        expected = choice(data, "expected_status", MESSAGE_STATUSES)
    return expected, reason(data)


def bulk_body(data: dict) -> tuple[str, list[int], str | None]:
    """Return (decision, message_ids without repeats, reason) of a bulk approve or hide."""
    validation.refuse_unknown_fields(data, ("action", "message_ids", "reason"))
    decision = choice(data, "action", ("approve", "hide"))
    ids = data.get("message_ids")
    if ids is None:
        raise ApiError(400, "missing_field", "message_ids is required", "message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_BULK:
        raise ApiError(400, "invalid_type", f"message_ids must be a list of 1 to {MAX_BULK} ids", "message_ids")
    for index, value in enumerate(ids):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
            raise ApiError(400, "invalid_type", f"message_ids[{index}] must be a positive integer id",
                           f"message_ids[{index}]")
    return decision, list(dict.fromkeys(ids)), reason(data)


def _plain(number: float) -> str:
    """Return a bound as people write it: 2592000, not 2.592e+06; 0.5 stays 0.5."""
    return str(int(number)) if float(number).is_integer() else f"{number:f}".rstrip("0")


def _policy_value(name: str, value, path: str):
    """Return a checked policy field value."""
    kind, low, high = POLICY_FIELDS[name]
    if kind == "action":
        if value not in RULE_ACTIONS:
            raise ApiError(400, "invalid_choice", f"{path} must be one of {', '.join(RULE_ACTIONS)}", path)
        return value
    if kind == "domains":
        if not isinstance(value, list) or len(value) > high:
            raise ApiError(400, "invalid_type", f"{path} must be a list of at most {_plain(high)} domain names", path)
        for index, domain in enumerate(value):
            if not isinstance(domain, str) or not 0 < len(domain.strip()) <= 100 or "\x00" in domain:
                raise ApiError(400, "invalid_value", f"{path}[{index}] must be a domain name of 1 to 100 characters",
                               f"{path}[{index}]")
        return [d.strip().lower() for d in value]
    number_ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "int" and not (number_ok and float(value).is_integer()):
        raise ApiError(400, "invalid_type", f"{path} must be an integer", path)
    if not number_ok:
        raise ApiError(400, "invalid_type", f"{path} must be a number", path)
    if not low <= value <= high:
        raise ApiError(400, "out_of_range", f"{path} must be between {_plain(low)} and {_plain(high)}", path)
    return int(value) if kind == "int" else float(value)


def policy_body(data: dict) -> tuple[dict, dict, str | None]:
    """Return (policy changes, chat-mode changes, reason) of a PUT; every field is checked before any answer."""
    unknown = set(data) - {"policy", "chat_mode", "reason"}
    if unknown:
        field = sorted(unknown)[0]
        raise ApiError(400, "unknown_field", f"{field} is not a field of the moderation policy", field)
    policy_in = {} if data.get("policy") is None else data["policy"]
    mode_in = {} if data.get("chat_mode") is None else data["chat_mode"]
    for key, value in (("policy", policy_in), ("chat_mode", mode_in)):
        if not isinstance(value, dict):
            raise ApiError(400, "invalid_type", f"{key} must be an object", key)
    errors: list[ApiError] = []
    policy: dict = {}
    for name, value in policy_in.items():
        path = f"policy.{name}"
        try:
            if name not in POLICY_FIELDS:
                raise ApiError(400, "unknown_field", f"{path} is not a policy field", path)
            policy[name] = _policy_value(name, value, path)
        except ApiError as error:
            errors.append(error)
    mode: dict = {}
    for name, value in mode_in.items():
        path = f"chat_mode.{name}"
        if name == "slow_seconds":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SLOW_SECONDS:
                message = f"{path} must be an integer from 0 to {MAX_SLOW_SECONDS}"
                errors.append(ApiError(400, "out_of_range", message, path))
            mode[name] = value
        elif name == "shield":
            if not isinstance(value, bool):
                errors.append(ApiError(400, "invalid_type", f"{path} must be true or false", path))
            mode[name] = value
        else:
            errors.append(ApiError(400, "unknown_field", f"{path} is not a chat mode", path))
    if errors:
        raise errors[0]  # all were checked; the first is answered (one field per error body)
    return policy, mode, reason(data)


def refuse_empty_policy(policy: dict, mode: dict) -> None:
    """Raise 400 when a policy change changes nothing (else it is logged and pushed to every moderator)."""
    if not policy and not mode:
        raise ApiError(400, "missing_field", "send policy and/or chat_mode with at least one field", "body")
