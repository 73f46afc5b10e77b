"""After-sales: returns, exchanges and refunds (to come)."""
