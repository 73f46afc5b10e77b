"""Service levels of customer care: business-hours arithmetic (calendar.py, pure), per-severity targets
(policy.py, pure) and the admin's saved settings (models.py, store.py)."""
