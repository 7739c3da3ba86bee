"""The project's error tree: domain meaning only, no HTTP status codes.

`issuer.web.problems` maps these onto problem-details responses and `issuer.cli`
onto a one-line message and a non-zero exit. The instance message is the `detail`.
"""


class IssuerError(Exception):
    """Base of every error the project raises on purpose."""

    code = "issuer-error"
    title = "The request could not be completed"


class InvalidInput(IssuerError):
    """The caller gave something malformed or inconsistent."""

    code = "invalid-input"
    title = "Invalid input"


class MalformedJson(InvalidInput):
    """JSON that cannot be read, or that is nested too deep or holds numbers or strings
    beyond I-JSON (RFC 7493)."""

    code = "malformed-json"
    title = "Malformed JSON"


class NotFound(IssuerError):
    """The thing asked for does not exist."""

    code = "not-found"
    title = "Not found"


class Conflict(IssuerError):
    """The request clashes with what is already stored."""

    code = "conflict"
    title = "Conflict"


class ContextNotAvailable(InvalidInput):
    """A JSON-LD `@context` URL that is not bundled with the project."""

    code = "context-not-available"
    title = "Unknown JSON-LD context"


class KeyUnavailable(IssuerError):
    """The issuer's key material is missing or unreadable."""

    code = "key-unavailable"
    title = "Issuer key unavailable"


class ProofError(IssuerError):
    """A proof could not be verified. The message is plain English and never says which byte differed."""

    code = "proof-invalid"
    title = "The proof does not verify"
