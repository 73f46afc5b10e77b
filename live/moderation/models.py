"""Chat moderation tables: moderated messages, term lists, sanctions, offences, policies and the action log.

Messages are never deleted: a decision only changes who may see one (``status``). Every moderator action
appends a ``moderation_actions`` row (actor, at, reason), after Saleor's order events.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

MESSAGE_ACTIONS = ("allow", "hide", "hold")
MESSAGE_STATUSES = ("visible", "hidden", "held", "approved")
TERM_KEY_LENGTH = 400  # characters of a blocked term once normalised (ModerationTerm.key)
# Visible to the host: allowed on arrival, or held/hidden and then approved by a moderator.
SHOWN_STATUSES = ("visible", "approved")
SANCTION_KINDS = ("timeout", "ban")
GLOBAL_SCOPE = "global"


def _one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    """Return a CHECK that column holds one of values (named after the column)."""
    listed = ",".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(sa.text(f"{column} IN ({listed})"), name=f"{column}_known")


class ModeratedMessage(db.Model):
    """One chat message as received, with the decision taken on it and who changed it since."""

    __tablename__ = "chat_messages"
    __table_args__ = (
        _one_of("action", MESSAGE_ACTIONS),
        _one_of("status", MESSAGE_STATUSES),
        sa.Index("ix_chat_messages_broadcast_status", "broadcast_id", "status", "id"),
        sa.Index("ix_chat_messages_broadcast_viewer", "broadcast_id", "viewer_id", "id"),
        sa.Index("ix_chat_messages_broadcast_event", "broadcast_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    event_id: Mapped[str] = mapped_column(sa.String(128))  # the chat event's id: orders link to it as comment_id
    viewer_id: Mapped[str] = mapped_column(sa.String(64))
    nickname: Mapped[str | None] = mapped_column(sa.String(100))
    text: Mapped[str] = mapped_column(sa.Text)
    normalized: Mapped[str] = mapped_column(sa.Text, default="")
    action: Mapped[str] = mapped_column(sa.String(8))  # the automatic decision on arrival
    status: Mapped[str] = mapped_column(sa.String(8))  # who may see it now
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    claim: Mapped[dict | None] = mapped_column(sa.JSON)
    is_question: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # the platform's time of the message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(sa.String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))


class ModerationTerm(db.Model):
    """A blocked term (action hide|hold|timeout|ban) or an allow-list phrase (action allow).

    ``scope`` is 'global' or the broadcast id as text: unlike a nullable broadcast_id it is never NULL, so the
    unique constraint on (key, scope) holds for global terms too (NULLs are distinct in a UNIQUE index).
    """

    __tablename__ = "moderation_terms"
    __table_args__ = (
        sa.UniqueConstraint("key", "scope", name="uq_moderation_terms_key_scope"),
        _one_of("action", ("allow", "hide", "hold", "timeout", "ban")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(100))
    # rules.terms.term_key: "SCAM" and "scam" are one term, "ass" and "as" two (the matching key keeps counts).
    key: Mapped[str] = mapped_column(sa.String(TERM_KEY_LENGTH))
    category: Mapped[str] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(8))
    scope: Mapped[str] = mapped_column(sa.String(32))
    broadcast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("broadcasts.id"))
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModerationVersion(db.Model):
    """A counter bumped in the same transaction as every change it versions (row 'terms': the term lists).

    Every server process compares it with the version of its cached matcher, so a change made through one
    process is used by all of them from their next message on.
    """

    __tablename__ = "moderation_versions"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ViewerSanction(db.Model):
    """A timeout (until a time) or ban of a viewer, in one broadcast or (broadcast_id NULL) everywhere."""

    __tablename__ = "viewer_sanctions"
    __table_args__ = (
        _one_of("kind", SANCTION_KINDS),
        sa.Index("ix_viewer_sanctions_viewer", "viewer_id", "broadcast_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[str] = mapped_column(sa.String(64))
    broadcast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("broadcasts.id"))
    kind: Mapped[str] = mapped_column(sa.String(8))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None for a ban
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    actor: Mapped[str] = mapped_column(sa.String(64))  # a username, or "auto" for the escalation ladder
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chat_messages.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(sa.String(64))


class ModerationOffence(db.Model):
    """One offence of a viewer in a broadcast (the input of the escalation ladder)."""

    __tablename__ = "moderation_offences"
    __table_args__ = (sa.Index("ix_moderation_offences_viewer", "viewer_id", "broadcast_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[str] = mapped_column(sa.String(64))
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    codes: Mapped[list] = mapped_column(sa.JSON, default=list)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chat_messages.id"))


class ModerationPolicyRecord(db.Model):
    """A broadcast's policy overrides (the rest are ModerationPolicy defaults) and chat modes."""

    __tablename__ = "moderation_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"), unique=True)
    policy: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    slow_seconds: Mapped[int] = mapped_column(default=0)
    shield: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)  # bumped on every change: processes rebuild their cached policy
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModerationAction(db.Model):
    """One moderator action, append-only: approve, hide, timeout, ban, unban, term and policy changes."""

    __tablename__ = "moderation_actions"
    __table_args__ = (sa.Index("ix_moderation_actions_broadcast", "broadcast_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    broadcast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("broadcasts.id"))
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chat_messages.id"))
    viewer_id: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[dict | None] = mapped_column(sa.JSON)
