"""Shared term lists, clock and message builders for the moderation rule tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from live.moderation.rules import (
    AllowTerm,
    ChatMessage,
    ChatMode,
    ModerationContext,
    ModerationPolicy,
    RecentChat,
    RegexRule,
    Term,
    TermMatcher,
    build_matcher,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

TERMS = [
    Term("微信", "diversion", "timeout"),
    Term("加v", "diversion", "timeout"),
    Term("whatsapp", "diversion", "timeout"),
    Term("scam", "scam", "hide"),
    Term("骗子", "abuse", "timeout"),
    Term("垃圾", "abuse", "hide"),
    Term("fuck", "abuse", "ban"),
    Term("对手店", "competitor", "hide"),
    Term("rivalshop", "competitor", "hold"),
    Term("外卖", "custom", "hold"),
    Term("特价群", "custom", "hide", broadcast_id="b1"),
]
ALLOW = [AllowTerm("微信支付"), AllowTerm("scam alert"), AllowTerm("垃圾袋"), AllowTerm("特价群聊", "b1")]
RULES = [RegexRule(r"免费[领送]", "scam", "hide", name="free-gift")]


def at(seconds: float) -> datetime:
    """Return the test clock ``seconds`` after T0."""
    return T0 + timedelta(seconds=seconds)


def message(
    text: str,
    viewer: str = "v1",
    seconds: float = 0,
    nickname: str = "小明",
    broadcast: str = "b1",
    first_seen: float = -3600,
) -> ChatMessage:
    """Return a chat message on the test clock from a viewer first seen an hour earlier."""
    return ChatMessage(text, viewer, nickname, broadcast, at(seconds), at(first_seen))


@pytest.fixture(scope="session")
def matcher() -> TermMatcher:
    """Return the matcher of the shared test term lists."""
    return build_matcher(TERMS, ALLOW, RULES, version="test")


@pytest.fixture
def context(matcher: TermMatcher) -> ModerationContext:
    """Return a fresh context with the default policy, no chat mode and an empty window."""
    return ModerationContext(matcher, ModerationPolicy(), ChatMode(), RecentChat())
