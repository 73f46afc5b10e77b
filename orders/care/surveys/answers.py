"""Recording a buyer's answer: once per invitation, on the invitation's scale, before the link expires.

The response row is inserted with ON CONFLICT (invitation_id) DO NOTHING, so two submits racing (a double tap,
two tabs) store one answer and the second is told "already answered". A CSAT rating of 1 or 2 opens a
follow-up task (linked to the response, and to the complaint or case the survey was about). Nothing commits.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.bulk import insert_ignoring
from orders import history
from orders.care.followups.actions import open_task
from orders.care.order_history import care_step
from orders.care.surveys.links import invitation_id_of
from orders.care.surveys.models import COMMENT_LIMIT, SCALES, SurveyInvitation, SurveyResponse
from orders.models import Order

LOW_RATING = 2  # CSAT answers at or below this open a follow-up task
NOTE_COMMENT = 500  # the task's note holds at most this much of the comment


class AnswerRefused(Exception):
    """An answer that cannot be stored: an HTTP status, a stable code, the field at fault and a message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def invitation_of_token(session: Session, token: str) -> SurveyInvitation | None:
    """Return the invitation a signed token names, or None for a bad token or an invitation that is gone."""
    invitation_id = invitation_id_of(token)
    return session.get(SurveyInvitation, invitation_id) if invitation_id else None


def state_of(session: Session, invitation: SurveyInvitation, now: datetime) -> str:
    """Return "answered", "expired" or "open" for an invitation at now."""
    if session.scalar(sa.select(SurveyResponse.id).where(SurveyResponse.invitation_id == invitation.id)):
        return "answered"
    return "expired" if invitation.expires_at <= now else "open"


def clean_comment(text: str | None) -> str | None:
    """Return a comment ready to store: None when blank; control characters but line breaks removed.

    Raises AnswerRefused for a comment longer than COMMENT_LIMIT characters. The text is kept as the buyer
    wrote it otherwise; pages render it as text and CSV exports escape it.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise AnswerRefused(400, "invalid_type", "comment must be text", "comment")
    kept = "".join(ch for ch in text.replace("\r\n", "\n")
                   if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")).strip()
    if len(kept) > COMMENT_LIMIT:
        raise AnswerRefused(400, "too_long", f"comment is longer than {COMMENT_LIMIT} characters", "comment")
    return kept or None


def check_score(kind: str, score) -> int:
    """Return score when it is a whole number on the kind's scale, else raise AnswerRefused naming score."""
    low, high = SCALES[kind]
    if isinstance(score, str) and score.strip().isdigit():
        score = int(score.strip())
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise AnswerRefused(400, "out_of_range", f"score must be a whole number from {low} to {high}", "score")
    return score


def record_answer(session: Session, invitation: SurveyInvitation, score, comment: str | None, locale: str | None,
                  now: datetime) -> SurveyResponse:
    """Return the stored response; 410 when the link expired, 409 when the invitation was answered already."""
    score = check_score(invitation.kind, score)
    comment = clean_comment(comment)
    if invitation.expires_at <= now:
        raise AnswerRefused(410, "expired", "this survey link has expired", "token")
    row = {"invitation_id": invitation.id, "kind": invitation.kind, "score": score, "comment": comment,
           "locale": (locale or None) and locale[:8], "answered_at": now}
    response_id = session.scalar(insert_ignoring(session, SurveyResponse.__table__, ("invitation_id",),
                                                 returning=("id",)), row)
    if response_id is None:
        raise AnswerRefused(409, "already_answered", "this survey was answered already", "token")
    order = session.get(Order, invitation.order_pk)
    care_step(session, order, "survey_answered", history.SYSTEM,
              reason=f"{score}/{SCALES[invitation.kind][1]}",  # 2/5, 9/10: read alike in every language
              data={"invitation_id": invitation.id, "response_id": response_id, "kind": invitation.kind, "score": score})
    if invitation.kind == "csat" and score <= LOW_RATING and invitation.buyer_id:
        # The task shows the rating from the response; its note is the buyer's own words, when they wrote any.
        open_task(session, invitation.buyer_id, "survey", now, order=order, source_key=str(response_id),
                  note=comment[:NOTE_COMMENT] if comment else None, complaint_id=invitation.complaint_id,
                  aftersale_case_id=invitation.aftersale_case_id,
                  response_id=response_id)
    return session.get(SurveyResponse, response_id)
