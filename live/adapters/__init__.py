"""Platform adapters, one module per platform: pure mapping of its payloads to v1 events and its signature check."""
