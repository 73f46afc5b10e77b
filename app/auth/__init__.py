"""Users, roles, API tokens and the audit trail of unmasked personal data."""
