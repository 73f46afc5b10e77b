"""Customer care: complaints and satisfaction surveys (to come)."""
