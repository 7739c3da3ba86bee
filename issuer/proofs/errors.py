"""The one error of the proofs layer."""

from issuer.errors import IssuerError


class ProofError(IssuerError):
    """A proof could not be verified. The message is plain English and never says which byte differed."""

    code = "proof-invalid"
    title = "The proof does not verify"
