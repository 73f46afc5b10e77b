"""Customer records: a buyer's orders across broadcasts with their totals, tier, blocklist flags and notices.

``queries`` reads them (one buyer id, every broadcast); ``api`` serves GET /api/v1/customers/<buyer_id> and
``pages`` the page /customers/<buyer_id>; ``retention`` tombstones buyer contact data past the retention.
"""
