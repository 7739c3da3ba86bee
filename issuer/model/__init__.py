"""Pydantic models of the documents the project reads and emits. Imports nothing else from issuer."""
