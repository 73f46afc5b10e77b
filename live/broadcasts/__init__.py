"""Broadcasts and their line-up: the broadcast's life (state.py), its products on the rail (lineup.py) and the
one pinned product (pinning.py). The console's pin and unpin go through event ingestion (console.py, imported
on its own: it uses live.ingest, which uses this package).
"""
from live.broadcasts.lineup import (add_to_lineup, entry_to_dict, find_entry, lineup_skus, remove_entry,
                                    update_entry)
from live.broadcasts.pinning import pinned_now, pinned_sku, sync_pinned
from live.broadcasts.state import (BroadcastError, broadcast_to_dict, create_broadcast, end_broadcast,
                                   list_broadcasts, planned_window, start_broadcast, update_broadcast)

__all__ = [
    "BroadcastError", "add_to_lineup", "broadcast_to_dict", "create_broadcast", "end_broadcast", "entry_to_dict",
    "find_entry", "lineup_skus", "list_broadcasts", "pinned_now", "pinned_sku", "planned_window", "remove_entry",
    "start_broadcast", "sync_pinned", "update_broadcast", "update_entry",
]
