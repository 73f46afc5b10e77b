"""Incremental rollups of the broadcast metrics, written in the ingestion transaction and rebuilt from the log."""
