"""Comment selling: chat claims resolved against the line-up, draft orders that reserve in comment-time order, their
completion by the platform's order, expiry, buyer notices and the reconciliation of claims against orders (docs/claims.md).
"""
