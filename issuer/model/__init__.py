"""Pydantic models of the documents the project reads and emits.

Imports nothing else from issuer, except `issuer.paths` (bundled files, in `related`) and the
cryptosuite table (`issuer.proofs.suites`, in `api`, whose `Cryptosuite` choices come from it).
`spec` holds the specifications' strings and imports nothing at all.
"""
