"""Customer records and loyalty (to come)."""
