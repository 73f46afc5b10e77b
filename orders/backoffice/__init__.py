"""The back office: the audit queue, auditors' actions on orders, audit policies, the blocklist, pages and CSV."""
