"""The review step between "received" and the push: load what the audit needs, run it, reserve, decide, tell the buyer."""
