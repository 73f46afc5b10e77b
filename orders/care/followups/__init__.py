"""Follow-up (回访) tasks (issue 15): call a buyer back after a delivery, a closed case, a resolved complaint or a
low survey rating, or because someone asked to; assigned to an agent with a due date, ended with an outcome.

``policy`` is pure (due dates, which deliveries get a task, who is next in the rotation); ``actions`` opens,
completes and cancels tasks; ``listeners`` open them from app.signals; ``queries`` reads them for the list,
the API and the customer page; ``api`` serves /api/v1/followups and ``pages`` /followups.
"""
