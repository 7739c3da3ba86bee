"""Building credentials from achievements and recipients (pure, unsigned)."""
