"""The OpenAPI document of /api/v1: the builder (spec), the shared helpers (schemas, operations) and its route (api).

Each domain describes its own operations in an ``openapi`` fragment beside its routes; spec.py merges them.
"""
