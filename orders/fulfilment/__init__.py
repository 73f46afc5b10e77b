"""Fulfilment and logistics after payment: packing, shipping and carrier tracking (to come)."""
