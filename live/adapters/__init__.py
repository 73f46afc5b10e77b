"""Platform adapters, one module per platform: pure mapping of its payloads to v1 events and its signature check.

The contract is base.py; registry.py finds a platform's module (imported lazily, checked). A request travels
api.py → inbox.receive (signature, split, the durable inbox, the platform's answer) → processing (to_events,
then live.ingest into the connection's broadcast; the inbox worker for thin notifications). connections.py
holds the admins' actions, pages.py and cli.py their screens and commands. docs/adapters.md tells it all.
"""
