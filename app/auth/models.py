"""User, ApiToken and PiiAccessLog models."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

# aftersales: the after-sales and customer-care agent (packs and ships, handles cases, complaints and follow-ups).
ROLES = ("admin", "host", "moderator", "auditor", "analyst", "aftersales")
# What an API token may be allowed to do (app/auth/scopes.py says which endpoints each scope opens).
TOKEN_SCOPES = ("ingest", "display", "moderation", "backoffice", "analytics", "aftersales")
# Tokens made before scopes existed, and tokens made without naming any, keep these: what a token could do then.
LEGACY_SCOPES = ("ingest", "display")
# Roles that see buyer phone numbers and addresses in full; everyone else gets them masked.
PII_ROLES = frozenset({"admin", "auditor", "aftersales"})  # aftersales ships parcels and calls buyers back


class User(UserMixin, db.Model):
    """A person who logs in to the console with one role."""

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(sa.text("role IN ('admin','host','moderator','auditor','analyst','aftersales')"), name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Copied into the session cookie at login; raising it ends every session and socket of the user
    # (logout, password or role change, disabling: app/auth/sessions.py).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        """Return False once the user is disabled (Flask-Login then refuses to log them in)."""
        return self.disabled_at is None

    @property
    def sees_pii(self) -> bool:
        """Return True when this user's role may see buyer contact data unmasked."""
        return self.role in PII_ROLES


class ApiToken(db.Model):
    """A bearer token for a platform adapter, script or wall display; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Webhook signing secrets: when any is set, every ingest request must carry a valid signature.
    signing_secrets: Mapped[list] = mapped_column(sa.JSON, default=list)
    scopes: Mapped[list] = mapped_column(sa.JSON, default=lambda: list(LEGACY_SCOPES),
                                         server_default=sa.text("'[\"ingest\", \"display\"]'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Tokens act as service accounts: what they may do is their scopes; they see buyer data masked.
    role = "service"
    sees_pii = False

    @property
    def is_revoked(self) -> bool:
        """Return True once the token was revoked (it authenticates nothing any more)."""
        return self.revoked_at is not None


class PiiAccessLog(db.Model):
    """One row each time buyer contact data was shown unmasked to someone."""

    __tablename__ = "pii_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(sa.String(128))
    channel: Mapped[str] = mapped_column(sa.String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Whose contact it was (the buyer id, when the subject has one) and the client address it was shown to.
    buyer_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
