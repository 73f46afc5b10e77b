"""The dry run of ``POST /api/v1/moderation/check``: what would happen to a text, with nothing changed."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.models import Broadcast, Viewer
from live.moderation.queries import active_sanction, offence_times, sanction_to_dict
from live.moderation.rules import ChatMessage, ModerationContext, check_text, moderate
from live.moderation.service import under_sanction
from live.moderation.settings import DEFAULTS, load_settings
from live.moderation.terms import current_matcher


def dry_run(session: Session, text: str, broadcast: Broadcast | None, viewer_id: str | None, nickname: str,
            now: datetime) -> dict:
    """Return the decision a message would get now, as a dict; reads only, records nothing.

    Without a viewer it is ``check_text``: the text rules, and the viewer action of a first offence. With
    one, the viewer's real offences pick the escalation step, their sanction in force applies, and shield
    mode looks at when they were first seen. The spam windows (flood, repetition, raid, slow mode) are never
    consulted: a dry run has no place in the recent chat.
    """
    settings = load_settings(session, broadcast.id) if broadcast is not None else DEFAULTS
    matcher = current_matcher(session)
    scope = str(broadcast.id) if broadcast is not None else None
    if viewer_id is None:
        result = check_text(text, matcher, settings.policy, scope, nickname, settings.mode)
        return result | {"sanction": None}
    query = sa.select(sa.func.min(Viewer.first_seen_at)).where(Viewer.viewer_id == viewer_id)
    if broadcast is not None:
        query = query.where(Viewer.platform == broadcast.platform)
    first_seen = session.scalar(query) or now  # an unknown viewer is a new one
    window = settings.policy.escalation_window_s

    def offences(viewer: str) -> list[datetime]:
        return offence_times(session, broadcast.id, viewer, now, window) if broadcast is not None else []

    context = ModerationContext(matcher, settings.policy, settings.mode, None, offences)
    decision = moderate(ChatMessage(text, viewer_id, nickname, scope or "", now, first_seen), context)
    sanction = active_sanction(session, broadcast.id if broadcast else None, viewer_id, now)
    if sanction is not None:
        decision = under_sanction(decision, sanction)
    return decision.as_dict() | {"sanction": sanction_to_dict(sanction, now) if sanction else None}

