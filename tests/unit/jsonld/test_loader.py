"""The offline document loader: bundled contexts only, passed explicitly to pyld."""

import pytest
from pyld import jsonld

from issuer.errors import ContextNotAvailable
from issuer.jsonld.canonical import canonicalize
from issuer.jsonld.loader import document_loader, make_document_loader

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def test_loader_serves_a_bundled_context_as_a_pyld_remote_document() -> None:
    remote = document_loader()(VC_V2, None)
    assert remote["documentUrl"] == VC_V2
    assert remote["contextUrl"] is None
    assert remote["document"]["@context"]["@protected"] is True


def test_loader_hands_out_copies_so_callers_cannot_change_a_context() -> None:
    loader = document_loader()
    loader(VC_V2, None)["document"]["@context"]["name"] = "https://evil.example/name"
    assert loader(VC_V2, None)["document"]["@context"]["name"] == "https://schema.org/name"


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/context.json", "http://www.w3.org/ns/credentials/v2", ""],
)
def test_loader_refuses_every_other_url(url: str) -> None:
    with pytest.raises(ContextNotAvailable):
        document_loader()(url, None)


def test_a_loader_over_given_contexts_serves_only_those() -> None:
    loader = make_document_loader({"https://example.org/ctx": {"@context": {"x": "urn:x"}}})
    assert loader("https://example.org/ctx", None)["document"] == {"@context": {"x": "urn:x"}}
    with pytest.raises(ContextNotAvailable):
        loader(VC_V2, None)


def test_canonicalizing_never_installs_a_global_loader() -> None:
    before = jsonld.get_document_loader()
    canonicalize({"@context": [VC_V2], "type": "VerifiableCredential", "id": "urn:x:1"})
    assert jsonld.get_document_loader() is before
