"""The changes one batch of facts makes to a broadcast's summed rollups, collected before writing."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


def _table() -> defaultdict:
    return defaultdict(lambda: defaultdict(int))


@dataclass
class Changes:
    """Column deltas per rollup key, edge deltas, and buyers whose paid orders changed.

    ``minutes[minute_us]``, ``products[(product_sku, minute_us)]``, ``skus[(product_sku,)]`` (whole-broadcast
    product totals, filled from ``products`` when written), ``variants[(product_sku, variant_sku)]``,
    ``sources[(source,)]`` map columns to deltas; ``edges[(ts_us, viewer_id)]`` is the change of that edge;
    ``buyers[buyer_id]`` lists ``(+1 or -1, placed_us)`` for each paid order gained or lost, ``orderers`` the
    same for each placed order (paid or not).
    """

    minutes: defaultdict = field(default_factory=_table)
    products: defaultdict = field(default_factory=_table)
    skus: defaultdict = field(default_factory=_table)
    variants: defaultdict = field(default_factory=_table)
    sources: defaultdict = field(default_factory=_table)
    edges: defaultdict = field(default_factory=lambda: defaultdict(int))
    buyers: defaultdict = field(default_factory=lambda: defaultdict(list))
    orderers: defaultdict = field(default_factory=lambda: defaultdict(list))

    def bump(self, target: str, key: Any, sign: int, values: dict[str, Any]) -> None:
        """Add sign x values to the columns of one key of minutes, products or sources."""
        row = getattr(self, target)[key]
        for column, value in values.items():
            row[column] += sign * value
