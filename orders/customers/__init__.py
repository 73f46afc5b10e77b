"""Customer records: a platform's buyer merged across broadcasts, with totals, RFM, member tier, tags and offers.

``totals`` reads a buyer's orders live; ``queries`` builds the record (API and page) and ``listing`` the list;
``rfm`` and ``tiers`` are the pure rules; ``recalculate`` writes the stored snapshot (periodic job, API, CLI) and
the tier history; ``actions`` (tags), ``offers``, ``export`` and ``erasure`` change or read it for people;
``retention`` tombstones buyer contact data past the retention. docs/customers.md explains the definitions.
"""
