"""A broadcast's moderation policy (thresholds, rule actions, escalation) and chat modes, stored and cached.

Only the fields a moderator changed are stored; the rest follow ``ModerationPolicy``'s defaults. Each
process caches the built policy per broadcast until the row's version changes, so the policy object stays
the same between messages (the pipeline's per-policy caches rely on that).
"""
from __future__ import annotations

import dataclasses
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from live.moderation.action_log import log_action
from live.moderation.caches import Settings, state
from live.moderation.models import ModerationPolicyRecord
from live.moderation.rules import ChatMode, ModerationPolicy
from live.moderation.rules.policy import RuleAction

DEFAULTS = Settings(0, ModerationPolicy(), ChatMode())
DAY = 86_400
# field -> (kind, minimum, maximum); kind "int", "float", "action" or "domains".
POLICY_FIELDS: dict[str, tuple[str, float, float]] = {}
for _f in dataclasses.fields(ModerationPolicy):
    if _f.name.endswith("_action"):
        POLICY_FIELDS[_f.name] = ("action", 0, 0)
    elif _f.name == "allowed_domains":
        POLICY_FIELDS[_f.name] = ("domains", 0, 50)
    elif _f.name in ("caps_ratio", "symbol_ratio"):
        POLICY_FIELDS[_f.name] = ("float", 0.0, 1.0)
    elif _f.type in ("float", float):
        POLICY_FIELDS[_f.name] = ("float", 1.0, 30 * DAY)
    else:
        POLICY_FIELDS[_f.name] = ("int", 1, 30 * DAY)
POLICY_FIELDS["repetition_count"] = ("int", 2, 1000)
POLICY_FIELDS["raid_viewers"] = ("int", 2, 100_000)
POLICY_FIELDS["max_length"] = ("int", 1, 2000)
RULE_ACTIONS: tuple[str, ...] = RuleAction.__args__  # type: ignore[attr-defined]
MAX_SLOW_SECONDS = 3600


# Read once per chat batch: built once (a Core statement costs a quarter of an ORM select built each time).
_POLICIES = ModerationPolicyRecord.__table__
_SETTINGS = sa.select(_POLICIES.c.version, _POLICIES.c.policy, _POLICIES.c.slow_seconds, _POLICIES.c.shield).where(
    _POLICIES.c.broadcast_id == sa.bindparam("broadcast_id"))


def load_settings(session: Session, broadcast_id: int) -> Settings:
    """Return the broadcast's settings, rebuilt only when its stored version changed."""
    row = session.execute(_SETTINGS, {"broadcast_id": broadcast_id}).first()
    if row is None:
        return DEFAULTS
    cache = state().settings
    cached = cache.get(broadcast_id)
    if cached is not None and cached.version == row.version:
        return cached
    overrides = dict(row.policy or {})
    built = Settings(row.version, _policy(overrides), ChatMode(float(row.slow_seconds), bool(row.shield)), overrides)
    cache[broadcast_id] = built
    return built


def _policy(overrides: dict) -> ModerationPolicy:
    """Return the default policy with the stored overrides (lists back to tuples; unknown keys ignored)."""
    known = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items() if k in POLICY_FIELDS}
    return ModerationPolicy(**known)


def settings_to_dict(broadcast_id: int, settings: Settings, record: ModerationPolicyRecord | None = None) -> dict:
    """Return the settings as the API shows them: every policy field, the chat modes and who changed them."""
    policy = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(settings.policy).items()}
    return {
        "broadcast_id": broadcast_id,
        "policy": policy,
        "overrides": sorted(settings.overrides),
        "chat_mode": {"slow_seconds": int(settings.mode.slow_seconds), "shield": settings.mode.shield},
        "updated_by": record.updated_by if record else None,
        "updated_at": record.updated_at.isoformat() if record else None,
    }


def policy_record(session: Session, broadcast_id: int) -> ModerationPolicyRecord | None:
    """Return the stored settings row of a broadcast, or None while it uses the defaults."""
    return session.scalar(sa.select(ModerationPolicyRecord).where(ModerationPolicyRecord.broadcast_id == broadcast_id))


def update_settings(session: Session, broadcast_id: int, policy_changes: dict, mode_changes: dict,
                    actor: str, reason: str | None, now: datetime) -> ModerationPolicyRecord:
    """Return the broadcast's settings row after applying validated changes (policy fields, slow_seconds, shield)."""
    record = policy_record(session, broadcast_id)
    if record is None:
        record = ModerationPolicyRecord(broadcast_id=broadcast_id, policy={}, slow_seconds=0, shield=False, version=0)
        savepoint = session.begin_nested()
        try:
            session.add(record)
            session.flush()
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()  # created by a concurrent request: change that one
            record = policy_record(session, broadcast_id)
    overrides = dict(record.policy or {}) | {k: list(v) if isinstance(v, tuple) else v for k, v in policy_changes.items()}
    _policy(overrides)  # the combination must hold too (raises ValueError, turned into a 400 by the caller)
    record.policy = overrides
    if "slow_seconds" in mode_changes:
        record.slow_seconds = mode_changes["slow_seconds"]
    if "shield" in mode_changes:
        record.shield = mode_changes["shield"]
    record.version = (record.version or 0) + 1
    record.updated_by, record.updated_at = actor, now
    session.flush()
    log_action(session, "policy_changed", actor, now, reason=reason, broadcast_id=broadcast_id,
               detail={"policy": policy_changes, "chat_mode": mode_changes})
    return record
