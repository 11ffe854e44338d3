"""Orders: import, batching, leases, and the demo office."""
