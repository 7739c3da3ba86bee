"""RDFC-1.0 canonicalization in safe mode: vectors byte for byte, undefined terms refused."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from issuer.errors import ContextNotAvailable, InvalidInput
from issuer.jsonld import UndefinedTerm
from issuer.jsonld.canonical import canonicalize, expand
from issuer.jsonld.reference import normalize_plain

VECTORS = Path(__file__).parents[2] / "vectors"
OB_VECTOR = VECTORS / "1edtech-ob-v3p0-eddsa-rdfc-2022"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def credential() -> dict[str, Any]:
    return _json(OB_VECTOR / "credential.unsigned.json")  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("w3c-vc-di-eddsa/unsigned.json", "w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"),
        (
            "1edtech-ob-v3p0-eddsa-rdfc-2022/credential.unsigned.json",
            "1edtech-ob-v3p0-eddsa-rdfc-2022/document-canon.txt",
        ),
        (
            "1edtech-clr-v2p0-eddsa-rdfc-2022/credential.unsigned.json",
            "1edtech-clr-v2p0-eddsa-rdfc-2022/document-canon.txt",
        ),
    ],
)
def test_canonical_document_matches_the_vector_byte_for_byte(document: str, expected: str) -> None:
    nquads = canonicalize(_json(VECTORS / document))
    assert nquads.encode("utf-8") == (VECTORS / expected).read_bytes()


def _add(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.update({key: value})


def _add_context(context: Any, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["@context"].append(context)
        document[key] = value

    return change


UNSAFE: dict[str, Callable[[dict[str, Any]], None]] = {
    "undefined top-level term": _add("favouriteColour", "blue"),
    "undefined nested term": lambda d: d["credentialSubject"].update(favouriteColour="blue"),
    "undefined term in the achievement": lambda d: d["credentialSubject"]["achievement"].update(
        level="gold"
    ),
    "undefined credential type": lambda d: d["type"].append("FancyCredential"),
    "undefined subject type": lambda d: d["credentialSubject"]["type"].append("Learner"),
    "extension type without the extensions context": _add(
        "credentialSchema",
        [{"id": "https://x.example/s.json", "type": "1EdTechJsonSchemaValidator2019"}],
    ),
    "relative issuer IRI": _add("issuer", "issuers/565049"),
    "relative credential id": _add("id", "credentials/3527"),
    "relative id resolved by an inline @base": _add_context(
        {"@base": "https://example.org/"}, "id", "credentials/3527"
    ),
    "term mapped to null": _add_context({"note": None}, "note", "x"),
    "blank node predicate": _add_context({"note": "_:p"}, "note", "x"),
}


@pytest.mark.parametrize("change", UNSAFE.values(), ids=list(UNSAFE))
def test_safe_mode_refuses_what_plain_json_ld_would_drop_or_rebase(
    credential: dict[str, Any], change: Callable[[dict[str, Any]], None]
) -> None:
    unsafe = copy.deepcopy(credential)
    change(unsafe)
    with pytest.raises(UndefinedTerm):
        canonicalize(unsafe)
    with pytest.raises(UndefinedTerm):
        expand(unsafe)


def test_plain_pyld_silently_drops_an_undefined_term(credential: dict[str, Any]) -> None:
    tampered = {**credential, "favouriteColour": "blue"}
    assert normalize_plain(tampered) == normalize_plain(credential)


def test_terms_defined_inline_or_by_the_undefined_terms_context_are_signed(
    credential: dict[str, Any],
) -> None:
    inline = copy.deepcopy(credential)
    _add_context({"note": "https://example.org/vocab#note"}, "note", "x")(inline)
    assert '<https://example.org/vocab#note> "x"' in canonicalize(inline)
    opted_in = copy.deepcopy(credential)
    _add_context("https://www.w3.org/ns/credentials/undefined-terms/v2", "note", "x")(opted_in)
    assert "undefined-term#note" in canonicalize(opted_in)


def test_an_unknown_remote_context_is_refused_not_fetched(credential: dict[str, Any]) -> None:
    credential["@context"].append("https://evil.example/context.jsonld")
    with pytest.raises(ContextNotAvailable, match=r"evil\.example"):
        canonicalize(credential)


def test_malformed_json_ld_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="not valid JSON-LD"):
        canonicalize({"@context": 5, "id": "urn:x:1"})


def test_canonicalization_does_not_change_its_input(credential: dict[str, Any]) -> None:
    before = copy.deepcopy(credential)
    canonicalize(credential)
    assert credential == before


def test_expand_returns_the_expanded_document(credential: dict[str, Any]) -> None:
    (node,) = expand(credential)
    assert node["@id"] == "http://example.com/credentials/3527"
    assert "https://www.w3.org/2018/credentials#VerifiableCredential" in node["@type"]


def test_non_ascii_text_is_kept_as_utf8() -> None:
    document = {
        "@context": [VC_V2],
        "id": "urn:x:1",
        "type": "VerifiableCredential",
        "name": "包丁 — Köche",
    }
    assert '"包丁 — Köche"' in canonicalize(document)
