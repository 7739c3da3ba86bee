"""Skills frameworks: reading exports, indexing them with stable keys, mapping to OB 3.0."""
