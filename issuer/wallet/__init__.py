"""What a learner takes away: baked badge images, CLR bundles, presentations, QR codes.

Pure functions over values (credential JSON text, image bytes); no I/O, no clock.
`issuer.services.wallet` sequences them with the stores and the signing key.
"""
