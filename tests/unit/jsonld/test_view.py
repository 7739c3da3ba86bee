"""The signed view: per-shape templates give exactly plain compaction, and the tree rules.

Differential: every view built from a template (`issuer.jsonld.view_template`) is
compared with the same document compacted by pyld in full, on a fresh loader each time
so that nothing is shared with the template's caches.
"""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.crypto import credentials as benchmark_credentials
from issuer.errors import InvalidInput
from issuer.jsonld import UndefinedTerm
from issuer.jsonld.canonical import expand
from issuer.jsonld.contexts import bundled_contexts
from issuer.jsonld.loader import make_document_loader
from issuer.jsonld.memo import memo_for
from issuer.jsonld.view import _compacted, _fold_strays, _is_url, _prefixes, signed_view
from issuer.jsonld.view_template import view_template
from tests.unit.verify.builders import (
    OB_V3_0_1,
    VC_V1,
    sign,
    status_entry,
    unsigned_credential,
)
from tests.unit.verify.test_signed_view_properties import CASES, Rewriter

EXAMPLES = Path("/work/shared/reference/examples")
CRED = "https://www.w3.org/2018/credentials#"


def plain_view(document: dict[str, Any]) -> dict[str, Any]:
    """The view without templates, on a loader of its own."""
    loader = make_document_loader(bundled_contexts())
    memo = memo_for(loader)
    contexts = document.get("@context")
    trusted = [c for c in (contexts if isinstance(contexts, list) else [contexts]) if _is_url(c)]
    view = _compacted(expand(document, loader=loader), trusted, memo)
    _fold_strays(view, _prefixes(trusted, memo))
    view.pop("@context", None)
    return {"@context": document["@context"], **view} if "@context" in document else view


def templated(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The views of `documents` on one loader, after each shape was seen twice."""
    loader = make_document_loader(bundled_contexts())
    memo = memo_for(loader)
    for document in documents[:2] * 2:
        signed_view(document, loader=loader)
    views = [signed_view(document, loader=loader) for document in documents]
    trusted = [c for c in documents[0]["@context"] if isinstance(c, str)]
    assert view_template(documents[0], trusted, memo)[0] is not None, "no template was used"
    return views


@pytest.mark.parametrize("kind", ["statement", "level"])
def test_templates_give_plain_compaction_on_batch_credentials(kind: str) -> None:
    documents = [sign(d) for d in benchmark_credentials(40, kind)]
    assert templated(documents) == [plain_view(d) for d in documents]


def _with_subject_id(subject_id: str) -> dict[str, Any]:
    credential = unsigned_credential(status=[status_entry("revocation", 5)])
    credential["credentialSubject"]["id"] = subject_id
    return credential


TRICKY_IDS = [
    "did:example:learner",
    "https://schema.org/name",  # a term's IRI
    "https://schema.org/nameless",  # starts with a term's IRI
    "https://www.w3.org/2018/credentials#validUntil",
    "https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement",
    "id:x",  # starts with a term and a colon
    "type:x",
    "urn:uuid:00000000-0000-4000-8000-000000000000",
    "https://issuer.example.org/learners/1",
]


@given(ids=st.lists(st.sampled_from(TRICKY_IDS), min_size=3, max_size=6))
@settings(max_examples=40, deadline=None)
def test_templates_give_plain_compaction_for_any_ids(ids: list[str]) -> None:
    documents = [_with_subject_id("did:example:a"), _with_subject_id("did:example:b")]
    documents += [_with_subject_id(i) for i in ids]
    assert templated(documents) == [plain_view(d) for d in documents]


VC11_IDS = [
    "did:example:issuer",
    "https://w3id.org/security#key",  # "sec:key" in the VerifiableCredential scope of VC 1.1
    "https://www.w3.org/2018/credentials#someone",
    "https://issuer.example.org/",
]


def _vc11(identifier: str) -> dict[str, Any]:
    credential = unsigned_credential(id=identifier + "-credential")
    credential["issuer"] = identifier
    del credential["validFrom"]
    credential["@context"] = [VC_V1, OB_V3_0_1]
    credential["issuanceDate"] = "2025-01-01T00:00:00Z"
    return credential


@given(ids=st.lists(st.sampled_from(VC11_IDS), min_size=3, max_size=6))
@settings(max_examples=30, deadline=None)
def test_templates_give_plain_compaction_where_compaction_rewrites_ids(ids: list[str]) -> None:
    documents = [_vc11("did:example:a"), _vc11("did:example:b")] + [_vc11(i) for i in ids]
    assert templated(documents) == [plain_view(d) for d in documents]


def test_equal_ids_are_checked_on_the_real_expansion() -> None:
    documents = [_with_subject_id(f"did:example:{n}") for n in range(2)]
    templated(documents)
    split = copy.deepcopy(documents[0])
    split["credentialSubject"]["id"] = split["id"]  # the subject is now the credential itself
    with pytest.raises(InvalidInput, match="two places"):
        signed_view(split)


@pytest.mark.parametrize(
    "path",
    [
        "ob_v3p0/1edtech-validator/openbadgecredential-did-key.signed.json",
        "clr_v2p0/1edtech-validator/clrcredential.signed.json",
        "bitstring-status-list/exampleA1-revocable-credential.eddsa-rdfc-2022.signed.json",
    ],
)
def test_examples_give_plain_compaction(path: str) -> None:
    document = json.loads((EXAMPLES / path).read_text())
    other = copy.deepcopy(document)
    other["id"] = "urn:uuid:11111111-2222-4333-8444-555555555555"
    assert templated([document, other]) == [plain_view(document), plain_view(other)]


def test_a_typed_date_is_moved_under_its_term() -> None:
    credential = unsigned_credential(
        **{
            CRED + "validUntil": {
                "@value": "2021-01-01",
                "@type": "http://www.w3.org/2001/XMLSchema#date",
            }
        }
    )
    view = signed_view(credential)
    assert view["validUntil"] == {
        "type": "http://www.w3.org/2001/XMLSchema#date",
        "@value": "2021-01-01",
    }
    assert CRED + "validUntil" not in view


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"@included": [{"id": "urn:x:1", "name": "x"}]}, InvalidInput),
        ({"undefinedTerm": "x"}, UndefinedTerm),
    ],
)
def test_documents_that_are_not_one_readable_tree_are_refused(
    change: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        signed_view({**unsigned_credential(), **change})


@given(case=st.sampled_from(CASES), data=st.data())
@settings(max_examples=120, deadline=None)
def test_templates_give_plain_compaction_on_rewritten_credentials(
    case: tuple[str, str, dict[str, Any], Any], data: st.DataObject
) -> None:
    rewritten = Rewriter(data).document(case[2])
    for _ in range(2):  # the second time through the template, once the shape was seen
        assert signed_view(rewritten) == plain_view(rewritten)
