"""Read what a person hands a verifier: JSON, or a badge image (PNG or SVG) with a credential baked in.

    kind, document = read_credential_file(data)   # kind: "json", "png" or "svg"

The kind is told from the bytes, never from a file name. Anything that is not a
credential or presentation raises `InvalidInput` with a sentence a person can act on,
e.g. "the image holds no credential".
"""

import json
from typing import Any, Literal

from issuer.errors import InvalidInput
from issuer.wallet.baking import PNG_SIGNATURE, extract_png, extract_svg

FileKind = Literal["json", "png", "svg"]

NO_CREDENTIAL = (
    "the image holds no credential (it is not a baked Open Badge: download the badge image "
    "from the learner's wallet, or ask for the credential file)"
)


def file_kind(data: bytes) -> FileKind:
    """Return what `data` looks like: a PNG, an SVG (XML) or JSON (anything else)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "svg"
    return "json"


def parse_json(text: str) -> dict[str, Any]:
    """Return the JSON object in `text`; raise `InvalidInput` saying where it is broken."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidInput(
            f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from None
    if not isinstance(document, dict):
        raise InvalidInput("does not hold a credential or presentation (a JSON object)")
    return document


def read_credential_file(data: bytes) -> tuple[FileKind, dict[str, Any]]:
    """Return the kind of file and the credential or presentation it holds."""
    kind = file_kind(data)
    if kind == "json":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("cannot be read (not UTF-8 text)") from None
        return kind, parse_json(text)
    baked = extract_png(data) if kind == "png" else extract_svg(data)
    if baked is None:
        raise InvalidInput(NO_CREDENTIAL)
    if not baked.lstrip().startswith("{"):
        raise InvalidInput(
            "the image holds a credential in JWT form, which this verifier does not check; "
            "ask for the credential as JSON"
        )
    try:
        return kind, parse_json(baked)
    except InvalidInput as err:
        raise InvalidInput(f"the credential baked into the image is {err}") from None
