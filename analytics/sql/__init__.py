"""The SQL read path of the metrics: counts and timelines from the rollups."""
