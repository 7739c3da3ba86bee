"""Use cases: each sequences the pure core and the stores for one thing a user does."""
