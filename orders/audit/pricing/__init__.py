"""Pricing of an order (pure): promotion definitions, what each asks and gives, allowed combinations, texts."""
