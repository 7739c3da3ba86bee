"""`python -m issuer` runs the `ler-issuer` command."""

from issuer.cli import main

main()
