"""Taking in new orders a batch at a time: store, audit, reserve and answer in a handful of statements."""
