"""Issuer keys: Ed25519 key pairs, Multikey encodings, DIDs and the on-disk key store.

    from issuer.keys.ed25519 import KeyPair
    from issuer.keys.did import did_key_for

    pair = KeyPair.generate()
    did = did_key_for(pair.public_multibase)  # "did:key:z6Mk..."

Private key material never appears in a repr, a log line or CLI output.
"""
