"""Fulfilment and logistics after payment: packing, shipping in one or more parcels, carrier tracking and the
ship-by deadline (docs/fulfilment.md)."""
