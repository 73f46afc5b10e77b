"""Complaints (顾客投诉处理): intake from the back office, the events API and escalated chat; status moves with
SLA due times in business hours, breaches recorded once and escalated; cause analysis, resolution plan, feedback
to the buyer; the queue, the complaint page and the cause report."""
