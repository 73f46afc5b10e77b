"""Term lists in the database (blocked terms and the allow-list) and the matcher compiled from them.

The matcher is built once per version of the term lists: ``moderation_versions['terms']`` is bumped in the
same transaction as every change, and each process compares it with the version of its cached matcher. One
matcher holds every scope (global and per-broadcast terms); ``find_terms`` picks the broadcast's.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from live.moderation.action_log import log_action
from live.moderation.caches import state
from live.moderation.models import GLOBAL_SCOPE, ModerationTerm, ModerationVersion
from live.moderation.rules import AllowTerm, Term, TermMatcher, build_matcher
from live.moderation.rules.terms import TERM_ACTIONS, term_key

ACTIONS = ("allow", *TERM_ACTIONS)  # "allow" puts the phrase on the allow-list
DEFAULT_CATEGORY, DEFAULT_ACTION = "custom", "hide"  # a new term added without them
TERMS_VERSION = "terms"
ADDED, CHANGED, LISTED = "added", "changed", "listed"  # what add_term did


def scope_of(broadcast_id: int | None) -> str:
    """Return the scope column value for a broadcast id (or 'global' for None)."""
    return GLOBAL_SCOPE if broadcast_id is None else str(broadcast_id)


def term_to_dict(row: ModerationTerm) -> dict:
    """Return a term as the API shows it."""
    return {"id": row.id, "term": row.term, "category": row.category, "action": row.action,
            "broadcast_id": row.broadcast_id, "created_by": row.created_by, "created_at": row.created_at.isoformat()}


def find_term(session: Session, term: str, broadcast_id: int | None) -> ModerationTerm | None:
    """Return the stored term with the same ``term_key`` (``ASS`` is ``ass``, ``as`` is not) in the scope, or None."""
    return session.scalar(sa.select(ModerationTerm).where(
        ModerationTerm.key == term_key(term), ModerationTerm.scope == scope_of(broadcast_id)))


def add_term(session: Session, term: str, category: str | None, action: str | None, broadcast_id: int | None,
             actor: str, now: datetime) -> tuple[ModerationTerm, str]:
    """Return (the term, what was done): ADDED a new term (category or action None: the default), or for the term
    already stored under its key CHANGED (given the category or action asked; None keeps its own) or LISTED (as asked).

    Adding an existing term is not an error, but neither is the change it asks for dropped: a moderator who
    re-adds "scam" as a ban term means the listed "scam" to ban from now on.
    """
    existing = find_term(session, term, broadcast_id)
    if existing is not None:
        return existing, change_term(session, existing, category, action, actor, now)
    row = ModerationTerm(term=term, key=term_key(term), category=category or DEFAULT_CATEGORY,
                         action=action or DEFAULT_ACTION, scope=scope_of(broadcast_id), broadcast_id=broadcast_id,
                         created_by=actor, created_at=now)
    savepoint = session.begin_nested()
    try:
        session.add(row)
        session.flush()
    except IntegrityError:
        # A concurrent request stored the same key first: that one is "the existing term".
        savepoint.rollback()
        existing = find_term(session, term, broadcast_id)
        return existing, change_term(session, existing, category, action, actor, now)  # type: ignore[arg-type]
    savepoint.commit()
    bump_version(session)
    log_action(session, "term_added", actor, now, broadcast_id=broadcast_id,
               detail={"term": term, "category": row.category, "action": row.action})
    return row, ADDED


def change_term(session: Session, row: ModerationTerm, category: str | None, action: str | None, actor: str,
                now: datetime) -> str:
    """Return CHANGED after giving a stored term the category and/or action asked (None: kept), or LISTED when it
    has them already. A change bumps the version (every matcher is rebuilt) and is logged with the old values."""
    before = {"category": row.category, "action": row.action}
    after = {"category": category or row.category, "action": action or row.action}
    if after == before:
        return LISTED
    row.category, row.action = after["category"], after["action"]
    session.flush()
    bump_version(session)
    log_action(session, "term_changed", actor, now, broadcast_id=row.broadcast_id,
               detail={"term": row.term, **after, "before": before})
    return CHANGED


def remove_term(session: Session, row: ModerationTerm, actor: str, reason: str | None, now: datetime) -> None:
    """Delete a term from its list and log who did it (terms are configuration, not evidence)."""
    detail = {"term": row.term, "category": row.category, "action": row.action}
    broadcast_id = row.broadcast_id
    session.delete(row)
    bump_version(session)
    log_action(session, "term_removed", actor, now, reason=reason, broadcast_id=broadcast_id, detail=detail)


def list_terms(session: Session, broadcast_id: int | None = None, include_global: bool = True) -> list[ModerationTerm]:
    """Return the global terms and, with broadcast_id, that broadcast's terms, oldest first."""
    scopes = [scope_of(broadcast_id)] + ([GLOBAL_SCOPE] if include_global and broadcast_id is not None else [])
    return list(session.scalars(sa.select(ModerationTerm).where(ModerationTerm.scope.in_(scopes))
                                .order_by(ModerationTerm.id)))


# Read once per chat batch: a Core statement built once costs a quarter of an ORM select built each time.
_VERSIONS = ModerationVersion.__table__
_TERMS_VERSION = sa.select(_VERSIONS.c.version).where(_VERSIONS.c.name == TERMS_VERSION)


def terms_version(session: Session) -> int:
    """Return the current version of the term lists (0 before any change)."""
    return int(session.execute(_TERMS_VERSION).scalar() or 0)


def bump_version(session: Session) -> None:
    """Increase the term-list version in the current transaction (creating the counter on first use)."""
    bumped = sa.update(ModerationVersion).where(ModerationVersion.name == TERMS_VERSION).values(
        version=ModerationVersion.version + 1)
    if session.execute(bumped).rowcount:
        return
    savepoint = session.begin_nested()
    try:
        session.execute(sa.insert(ModerationVersion).values(name=TERMS_VERSION, version=1))
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()  # created concurrently: bump that one
        session.execute(bumped)


def current_matcher(session: Session) -> TermMatcher:
    """Return the matcher of the current term lists, built from the database only when the version changed."""
    version = terms_version(session)
    caches = state()
    with caches.build_lock:  # one build at a time: 20,000 terms take a few hundred ms
        return caches.matchers.get(version, lambda: _build(session))


def _build(session: Session) -> TermMatcher:
    """Return a matcher compiled from every stored term and allow-list phrase."""
    blocked, allowed = [], []
    for term, category, action, broadcast_id in session.execute(sa.select(
            ModerationTerm.term, ModerationTerm.category, ModerationTerm.action, ModerationTerm.broadcast_id)):
        scope = None if broadcast_id is None else str(broadcast_id)
        if action == "allow":
            allowed.append(AllowTerm(term, scope))
        else:
            blocked.append(Term(term, category, action, scope))
    return build_matcher(blocked, allowed)
