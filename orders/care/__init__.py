"""Customer care: complaints with SLA policies (complaints/, sla/: business hours, breaches, the cause report)
and satisfaction surveys with follow-up tasks."""
