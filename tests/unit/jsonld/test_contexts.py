"""The bundled contexts: every one the service needs, parsed once, never mutated."""

import hashlib
import json

import pytest

from issuer.jsonld.contexts import bundled_contexts, freeze, thaw
from issuer.paths import CONTEXTS

REQUIRED = [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/did/v1",
    "https://www.w3.org/ns/cid/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://w3id.org/security/jwk/v1",
]


def test_index_maps_every_required_url_to_a_file_named_after_it() -> None:
    index = json.loads((CONTEXTS / "INDEX.json").read_text(encoding="utf-8"))
    assert set(REQUIRED) <= set(index)
    for url, name in index.items():
        assert (
            name == url.removeprefix("https://").replace("/", "__").removesuffix(".json") + ".json"
        )
        assert (CONTEXTS / name).is_file()


def test_credentials_v2_is_byte_exact_to_the_digest_in_vc_data_model_2() -> None:
    data = (CONTEXTS / "www.w3.org__ns__credentials__v2.json").read_bytes()
    assert (
        hashlib.sha256(data).hexdigest()
        == "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    )


def test_contexts_are_parsed_once_and_read_only() -> None:
    contexts = bundled_contexts()
    assert bundled_contexts() is contexts
    v2 = contexts["https://www.w3.org/ns/credentials/v2"]
    with pytest.raises(TypeError):
        contexts["https://evil.example/"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        v2["@context"]["name"] = "https://evil.example/name"
    assert isinstance(v2["@context"]["@protected"], bool)


def test_thaw_gives_an_independent_mutable_copy() -> None:
    frozen = freeze({"@context": {"a": ["x", {"b": 1}]}})
    copy = thaw(frozen)
    copy["@context"]["a"][1]["b"] = 2
    assert thaw(frozen) == {"@context": {"a": ["x", {"b": 1}]}}
