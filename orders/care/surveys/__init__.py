"""Satisfaction surveys (issue 15): CSAT after delivery, a closed case or a resolved complaint; NPS per campaign.

``models`` holds campaigns, invitations (one per trigger) and responses (one per invitation); ``links`` signs
the one-time survey links; ``invitations`` and ``campaigns`` queue the invitation notices; ``answers`` records
an answer (a 1–2 rating opens a follow-up task); ``listeners`` react to app.signals; ``scores`` and ``words``
are the pure analysis (CSAT, NPS, top words, weekly trend) and ``analysis`` feeds them from the database;
``public`` serves the public survey page /s/<token>, ``pages`` the analysts' /surveys, ``api`` /api/v1/surveys.
"""
