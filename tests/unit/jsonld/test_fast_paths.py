"""Differential tests of the fast paths against plain pyld, the full safe-mode path, and rfc8785.

- per-shape templates (issuer.jsonld.template): many variants of the generated
  credentials whose leaves are adversarial strings and IRIs, plus level
  credentials, presentations and CLR-like documents with nested credentials;
- the direct RDF conversion and first-degree labelling (quads.py, rdfc.py),
  including documents whose blank nodes share first-degree hashes (the pyld
  fallback), duplicate values and nodes merged by `@id`;
- safe mode: `check_terms` and `canonicalize` refuse exactly what the full
  expansion refuses, even for documents that share a shape with good ones;
- JCS (issuer.proofs.jcs) byte for byte against rfc8785.

Every comparison fails on the first divergence, naming the document.
"""

import copy
import random
from datetime import UTC, datetime
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld.jsonld import JsonLdError

from issuer.errors import InvalidInput
from issuer.jsonld import UndefinedTerm
from issuer.jsonld import rdfc as rdfc_module
from issuer.jsonld.canonical import _domain_error, canonicalize, check_terms
from issuer.jsonld.loader import document_loader
from issuer.jsonld.memo import ProcessingMemo, memo_for
from issuer.jsonld.processor import Processor
from issuer.jsonld.reference import normalize_plain
from issuer.jsonld.shape import shape_of
from issuer.jsonld.template import _hints, lookup
from issuer.proofs import jcs
from issuer.wallet.clr import build_clr
from issuer.wallet.presentation import build_presentation
from tests.unit.proofs.test_fast_path import CREDENTIALS

_FULL = ProcessingMemo(document_loader())  # the full path: expansion, no templates

STRINGS = [
    "",
    " ",
    "plain",
    "line\nbreak\r\n",
    "tab\tand\x0bvertical\x0c",
    'quote " and \\ backslash \\"',
    "\u2028\u2029 separators",
    "nul \x00 and \x1f and \x7f",
    "emoji 😀🎉 and ÿ and 中文",
    "\ue000",
    "\ue0001\ue000",
    "x-probe://\ue0000\ue000",
    "@id",
    "@type",
    "_:b0",
    "_:c14n0",
    "name",
    "Achievement",
    "https://www.w3.org/2018/credentials#VerifiableCredential",
    "https://example.org/with space",
    "did:example:123",
    "xsd:string",
    "schema:Thing",
    "urn:uuid:0f3b1d9e-6f6d-4c1e-9a5b-1c3d5e7f9a0b",
    "1",
    "true",
    "2026-01-01T00:00:00Z",
    "<https://example.org/>",
    '"^^<http://www.w3.org/2001/XMLSchema#string> .\n',
]
IRIS = [
    "https://example.org/a",
    "https://example.org/a#b?c=d",
    "http://example.org/Ω",
    "did:example:learner",
    "did:key:z6Mk#z6Mk",
    "urn:uuid:0f3b1d9e",
    "mailto:someone@example.org",
    "xsd:foo",
    "schema:Person",
    "dc:created",
    "ex:relative-looking",
    "x-probe://\ue0003\ue000",
    "https://example.org/a\n",
    "relative/path",
    "_:blank",
    "@keyword",
    "",
]
_LITERAL_KEYS_SKIPPED = frozenset({"@context", "type", "id", "@id", "@type", "hashed"})


def _full(document: dict[str, Any]) -> str:
    """`canonicalize` without templates: memoized pyld expansion, quads.py/rdfc.py or pyld."""
    processor = Processor(_FULL)
    try:
        return processor.normalize(document, processor.options())  # type: ignore[no-any-return]
    except JsonLdError as err:
        raise _domain_error(err) from err


def _full_expand(document: dict[str, Any]) -> Any:
    processor = Processor(_FULL)
    return processor.expand(document, processor.options())


def _mutate(document: dict[str, Any], rng: random.Random, rate: float) -> dict[str, Any]:
    """Return a copy with some literal strings and some `id` values replaced."""
    document = copy.deepcopy(document)
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        for key, value in list(item.items()):
            if key == "id" and isinstance(value, str) and rng.random() < rate:
                item[key] = rng.choice(IRIS) + ("" if rng.random() < 0.5 else str(rng.random()))
            elif key in _LITERAL_KEYS_SKIPPED:
                continue
            elif isinstance(value, str) and rng.random() < rate:
                item[key] = rng.choice(STRINGS)
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                if rng.random() < rate:  # e.g. tags: equal values must be merged as pyld does
                    item[key] = [rng.choice(value[:1] + STRINGS[:4]) for _ in value]
            else:
                stack.append(value)
    return document


def _compare(document: dict[str, Any], label: str) -> str:
    """Assert the fast path agrees with the full path and plain pyld; return which happened."""
    try:
        expected = _full(document)
    except InvalidInput as err:
        with pytest.raises(type(err)):
            canonicalize(document)
        with pytest.raises(type(err)):
            check_terms(document)
        return "refused"
    assert canonicalize(document) == expected, label
    assert expected == normalize_plain(document), label
    check_terms(document)
    return "canonical"


def _variants(count: int, seed: int, rate: float) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [_mutate(rng.choice(CREDENTIALS), rng, rate) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_templates_with_adversarial_leaves_equal_plain_pyld(seed: int) -> None:
    memo = memo_for(document_loader())
    before = memo.hits["templates"]
    base = CREDENTIALS[seed::4][:40]
    outcomes = [_compare(doc, f"base {n}") for n, doc in enumerate(base)]
    # variants of a base share its shape when only leaves change: templates are built and hit
    rng = random.Random(seed)
    for n, doc in enumerate(base):
        for k in range(4):
            outcomes.append(_compare(_mutate(doc, rng, 0.3), f"variant {n}.{k}"))
    assert memo.hits["templates"] > before + len(base) // 4
    assert "canonical" in outcomes


def test_heavily_mutated_documents_equal_plain_pyld_or_are_refused_alike() -> None:
    outcomes = [_compare(doc, f"doc {n}") for n, doc in enumerate(_variants(160, 99, 0.7))]
    assert outcomes.count("canonical") > 20
    assert outcomes.count("refused") > 5


def test_an_iri_leaf_that_is_a_compact_iri_falls_back_to_the_full_path() -> None:
    document = copy.deepcopy(CREDENTIALS[1])
    document["@context"].append(
        {"ex": "https://example.org/ns#", "did": "https://example.org/did#"}
    )
    assert _compare(document, "base") == "canonical"
    canonicalize(copy.deepcopy(document))  # the shape now has a template
    memo = memo_for(document_loader())
    for iri in ("ex:learner", "did:example:1", "ex://authority", "xsd:foo", "https://example.org/"):
        document["credentialSubject"]["id"] = iri
        before = memo.hits["templates"]
        assert _compare(document, iri) == "canonical"
        assert memo.hits["templates"] > before  # same shape: the template was consulted
    assert "https://example.org/ns#learner" in normalize_plain(
        {**document, "credentialSubject": {**document["credentialSubject"], "id": "ex:learner"}}
    )


def _with_shared_hashes(document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    twin = {"type": "IdentityObject", "hashed": False, "identityHash": "x", "identityType": "name"}
    document["credentialSubject"]["identifier"] = [dict(twin), dict(twin), dict(twin)]
    return document


def test_blank_nodes_with_shared_first_degree_hashes_use_pyld(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declined = []
    original = rdfc_module.canonical_nquads

    def spy(quads: Any) -> str | None:
        result = original(quads)
        declined.append(result is None)
        return result

    monkeypatch.setattr("issuer.jsonld.template.canonical_nquads", spy)
    monkeypatch.setattr("issuer.jsonld.processor.canonical_nquads", spy)
    for n in range(0, 40, 3):
        document = _with_shared_hashes(CREDENTIALS[n])
        assert canonicalize(document) == normalize_plain(document), n
        assert canonicalize(document) == _full(document), n
    assert any(declined)


def test_duplicates_and_nodes_merged_by_id_equal_plain_pyld() -> None:
    for n in range(0, 60, 7):
        document = copy.deepcopy(CREDENTIALS[n])
        achievement = document["credentialSubject"]["achievement"]
        # the same node twice, with different properties: pyld merges them
        achievement["creator"] = {
            "id": document["issuer"]["id"],
            "type": ["Profile"],
            "email": "a@b.c",
        }
        achievement["tag"] = ["same", "same", True, 1, "other", "same", 1]
        document["credentialSubject"]["identifier"] = [
            {"type": "IdentityObject", "hashed": True, "identityHash": "h", "identityType": "name"},
            {"type": "IdentityObject", "hashed": 1, "identityHash": "h", "identityType": "name"},
        ]
        for _ in range(2):  # the second time through a template
            assert canonicalize(document) == normalize_plain(document), n
            assert canonicalize(document) == _full(document), n


def test_level_credentials_presentations_and_clr_documents_equal_plain_pyld() -> None:
    levels = [c for c in CREDENTIALS if c["credentialSubject"].get("result")]
    assert len(levels) > 10
    documents = list(levels[:30])
    for n in range(0, 24, 4):
        group = CREDENTIALS[n : n + 3]
        documents.append(build_presentation(group, presentation_id=f"urn:uuid:p{n}"))
        documents.append(
            build_clr(
                clr_id=f"https://issuer.example.org/clr/{n}",
                issuer=group[0]["issuer"],
                name=f"Record {n}",
                credentials=group,
                valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    for n, document in enumerate(documents * 2):
        assert _compare(document, f"document {n}") == "canonical"


def test_undefined_terms_are_refused_even_when_the_shape_is_known() -> None:
    document = copy.deepcopy(CREDENTIALS[2])
    canonicalize(document)
    canonicalize(copy.deepcopy(document))
    cases = []
    for where in (document, document["credentialSubject"], document["issuer"]):
        broken = copy.deepcopy(document)
        target = {
            id(document): broken,
            id(document["credentialSubject"]): broken["credentialSubject"],
        }
        target.setdefault(id(document["issuer"]), broken["issuer"])
        target[id(where)]["undefinedTermXyz"] = "value"
        cases.append(broken)
    relative = copy.deepcopy(document)
    relative["id"] = "credentials/relative"
    cases.append(relative)
    keyword_type = copy.deepcopy(document)
    keyword_type["type"] = ["VerifiableCredential", "NoSuchType"]
    cases.append(keyword_type)
    for n, broken in enumerate(cases):
        for _ in range(2):
            with pytest.raises(UndefinedTerm):
                canonicalize(broken)
            with pytest.raises(UndefinedTerm):
                check_terms(broken)
            with pytest.raises(UndefinedTerm):
                _full_expand(broken)
        assert n >= 0


JCS_KEYS = [
    "a",
    "b",
    "",
    "A",
    "é",
    "\u2028",
    "\x00",
    "\x1f",
    "😀",
    "\ue000",
    "\uffff",
    "a😀",
    "a\uffff",
    "aÿ",
    "中",
    "\ufb01",
    "𝄞",
]


def _jcs_value(rng: random.Random, depth: int) -> Any:
    choice = rng.random()
    if depth > 3 or choice < 0.4:
        return rng.choice(
            [
                *STRINGS,
                *JCS_KEYS,
                0,
                -1,
                2**53 - 1,
                -(2**53) + 1,
                True,
                False,
                None,
                1.5,
                -0.0,
                1e21,
                2**53,
            ]
        )
    if choice < 0.7:
        return [_jcs_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {
        rng.choice(JCS_KEYS) + rng.choice(["", "x", "😀"]): _jcs_value(rng, depth + 1)
        for _ in range(rng.randrange(6))
    }


def _same_jcs(value: Any) -> None:
    try:
        expected = rfc8785.dumps(value)
    except Exception as err:  # the fast path must fail the same way
        with pytest.raises(type(err)):
            jcs.dumps(value)
        return
    assert jcs.dumps(value) == expected, repr(value)


def test_jcs_equals_rfc8785_on_credentials_and_variants() -> None:
    for document in [*CREDENTIALS, *_variants(200, 7, 0.5)]:
        _same_jcs(document)


def test_jcs_equals_rfc8785_on_adversarial_values() -> None:
    rng = random.Random(8785)
    for _ in range(3000):
        _same_jcs(_jcs_value(rng, 0))
    for value in (
        {"\ud800": 1},
        {"a": "\udfff"},
        ["\ud83d"],
        {1: "x"},
        {"a": (1, 2)},
        {"a": 2**53},
        {"a": float("nan")},
        {k: k for k in JCS_KEYS},
    ):
        _same_jcs(value)


_EX = {
    "ex": "https://example.org/",
    "p": {"@id": "ex:p", "@type": "@id"},
    "name": "ex:name",
    "n": {"@id": "ex:n", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    "tags": {"@id": "ex:tags", "@container": "@list"},
    "Thing": "ex:Thing",
}


@pytest.mark.parametrize(
    "document",
    [
        {"@context": _EX, "@id": "_:x", "p": "_:x", "name": "self loop"},
        {"@context": _EX, "@id": "_:x", "p": ["_:x", "_:y"], "name": "loop and link"},
        {
            "@context": _EX,
            "@graph": [
                {"@id": f"_:n{i}", "p": f"_:n{i}" if i % 2 else f"_:n{i + 1}", "name": f"v{i}"}
                for i in range(8)
            ],
        },
        {"@context": _EX, "@graph": [{"@id": "_:a", "p": "_:b"}, {"@id": "_:b", "p": "_:a"}]},
        {"@context": _EX, "@id": "ex:s", "p": [{"name": "twin"}, {"name": "twin"}], "n": [1, 1]},
        {"@context": _EX, "@id": "ex:s", "name": ["a", "a", True, 1, False, 0, -5]},
        {"@context": _EX, "@id": "ex:s", "tags": ["x", {"name": "y"}], "type": "Thing"},
        {"@context": _EX, "@id": "ex:s", "name": 1.5, "n": "0012"},
        {"@context": _EX, "@id": "ex:s", "name": {"@value": "x", "@language": "EN-gb"}},
        {"@context": _EX, "@id": "ex:s", "p": "ex:a b", "name": {"@value": "x", "@type": "_:dt"}},
        {"@context": _EX, "@type": ["Thing", "_:t"], "name": "typed blank"},
        {  # pyld writes into expanded children of index and type maps: never shared
            "@context": {
                **_EX,
                "byKey": {"@id": "ex:byKey", "@container": "@index"},
                "byType": {"@id": "ex:byType", "@container": "@type"},
            },
            "@id": "ex:s",
            "p": {"@id": "ex:o", "name": "o"},
            "byKey": {"k1": {"@id": "ex:o", "name": "o"}, "k2": {"@id": "ex:o", "name": "o"}},
            "byType": {"Thing": {"@id": "ex:o", "name": "o"}},
        },
    ],
)
def test_small_documents_with_blank_nodes_lists_and_literals_equal_plain_pyld(
    document: dict[str, Any],
) -> None:
    for _ in range(3):  # first pass, memo, template
        try:
            expected = _full(document)
        except InvalidInput as err:
            with pytest.raises(type(err)):
                canonicalize(document)
            continue
        assert expected == normalize_plain(document)
        assert canonicalize(document) == expected


# --- the fill plan (issuer.jsonld.fill) against the plain fill of the same template ----------


def _templates() -> list[Any]:
    """The templates of a few shapes: statement and level credentials, a CLR, small documents."""
    memo = memo_for(document_loader())
    levels = [c for c in CREDENTIALS if c["credentialSubject"].get("result")]
    documents = [CREDENTIALS[0], levels[0], levels[-1]]
    documents.append(
        build_clr(
            clr_id="https://issuer.example.org/clr/t",
            issuer=CREDENTIALS[0]["issuer"],
            name="Record",
            credentials=CREDENTIALS[:2],
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )
    documents.append(
        {
            "@context": _EX,
            "@id": "https://example.org/s",
            "p": ["https://example.org/a", "https://example.org/b"],
            "name": ["a", "b"],
        }
    )
    documents.append({"@context": _EX, "@id": "_:x", "p": ["_:x", "_:y"], "name": ["a", "b"]})
    found = []
    for document in documents:
        for _ in range(2):  # a shape gets its template on its second occurrence
            canonicalize(copy.deepcopy(document))
        template, leaves = lookup(document, memo)
        assert template is not None and template.plan is not None, document
        found.append((template, len(leaves)))
    return found


TEMPLATES = _templates()
# few values, so that leaves are often equal (duplicates dropped, nodes merged by id)
LEAF = st.sampled_from(["a", "b", 'q"\\\n\t\r', "https://example.org/a", "did:example:x", ""])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), which=st.integers(0, len(TEMPLATES) - 1))
def test_the_fill_plan_equals_the_plain_fill(data: st.DataObject, which: int) -> None:
    template, count = TEMPLATES[which]
    leaves = data.draw(st.lists(LEAF | st.text(max_size=6), min_size=count, max_size=count))
    assert template.canonical(leaves) == template.canonical_reference(leaves)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), which=st.integers(0, len(TEMPLATES) - 1))
def test_the_fill_plan_reuses_nothing_stale_from_the_last_document(
    data: st.DataObject, which: int
) -> None:
    # a batch: each document changes a few leaves of the one before (the plan remembers it)
    template, count = TEMPLATES[which]
    leaves = data.draw(st.lists(LEAF | st.text(max_size=6), min_size=count, max_size=count))
    for _ in range(5):
        assert template.canonical(leaves) == template.canonical_reference(leaves)
        for slot in data.draw(st.lists(st.integers(0, count - 1), max_size=3)):
            leaves = [*leaves]
            leaves[slot] = data.draw(LEAF | st.text(max_size=6))


def test_a_batch_of_level_credentials_equals_plain_pyld_one_by_one() -> None:
    level = next(c for c in CREDENTIALS if c["credentialSubject"].get("result"))
    shared = copy.deepcopy(level["credentialSubject"]["achievement"])
    batch = []
    for n, name in enumerate(["Ann", 'Bob "the" \\ builder\n', "Ann", "Çà 😀", "Ann", "Ann"]):
        document = copy.deepcopy(level)
        document["credentialSubject"]["achievement"] = shared  # one object, as in a batch
        document["credentialSubject"]["identifier"][-1]["identityHash"] = name
        document["id"] = f"https://example.org/c/{n}"
        batch.append(document)
    batch[2] = {**batch[2], "extra": "x"}  # an undefined term: refused, whatever came before
    batch[4] = dict(reversed(list(batch[4].items())))  # another key order: another shape
    outcomes = [_compare(document, f"document {n}") for n, document in enumerate(batch * 2)]
    assert outcomes == ["refused" if n % 6 == 2 else "canonical" for n in range(12)]
    shared["name"] = "Renamed in place, under every document of the batch"
    shared["description"] = 'with "quotes"\tand a tab'
    for n, document in enumerate(batch):
        outcome = _compare(document, f"after the rename, document {n}")
        assert outcome == ("refused" if n == 2 else "canonical")
        if n != 2:
            assert "Renamed in place" in canonicalize(document)


class _Text(str):
    """A string that is not a `str`: never JSON to the shape."""


_SWAPS: list[Any] = [True, 1, 1.0, False, 0, None, "1", _Text("1"), [True], [1], {"a": 1}]


def test_remembered_node_objects_walk_exactly_like_fresh_ones() -> None:
    # the cache is keyed by value, with exact types: True, 1 and 1.0 are three shapes
    cache: dict[Any, Any] = {}
    hints = _hints(CREDENTIALS[0]["@context"], memo_for(document_loader()))
    assert hints is not None
    rng = random.Random(7)
    documents = [copy.deepcopy(c) for c in CREDENTIALS[:12]] + _variants(24, 8, 0.3)
    for document in documents:
        achievement = document["credentialSubject"]["achievement"]
        for n, value in enumerate(rng.sample(_SWAPS, 4)):
            achievement["flag"] = value
            if n == 3:  # its own context: a shape's contexts are read when its template is built
                achievement["@context"] = {"flag": "https://example.org/vocab#flag"}
            try:
                fresh = shape_of(document, hints)
            except Exception as err:
                with pytest.raises(type(err)):
                    shape_of(document, hints, cache)
                continue
            for _ in range(2):  # a miss, then a hit
                cached = shape_of(document, hints, cache)
                assert (cached.key, cached.leaves, cached.kinds, cached.contexts) == (
                    fresh.key,
                    fresh.leaves,
                    fresh.kinds,
                    fresh.contexts,
                )
                assert [type(k) for k in cached.kinds] == [type(k) for k in fresh.kinds]
    assert cache


def test_a_remembered_achievement_changed_in_place_or_by_type_is_walked_again() -> None:
    document = copy.deepcopy(next(c for c in CREDENTIALS if c["credentialSubject"].get("result")))
    achievement = document["credentialSubject"]["achievement"]
    for value in (True, 1, 1.0, "true", True):
        achievement["extra"] = value  # an undefined term: refused, whatever the type
        assert _compare(document, repr(value)) == "refused"
    del achievement["extra"]
    for step in range(3):
        achievement["name"] = f'Renamed {step} "quoted"\n'
        achievement["alignment"][0]["targetCode"] = f"code {step}"
        for _ in range(2):
            assert _compare(document, f"step {step}") == "canonical"
    # an achievement carrying its own context is walked every time (its context is read later)
    achievement["@context"] = {"extra": "https://example.org/vocab#extra"}
    achievement["extra"] = True
    for value in (True, 1, "x"):
        achievement["extra"] = value
        assert _compare(document, f"own context, {value!r}") == "canonical"
    assert "vocab#extra" in canonicalize(document)


def test_node_objects_beyond_the_image_bound_are_walked_and_not_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("issuer.jsonld.shape.MAX_IMAGE", 64)
    hints = _hints(CREDENTIALS[0]["@context"], memo_for(document_loader()))
    assert hints is not None
    cache: dict[Any, Any] = {}
    for document in CREDENTIALS[:4]:
        fresh, cached = shape_of(document, hints), shape_of(document, hints, cache)
        assert (cached.key, cached.leaves, cached.kinds) == (fresh.key, fresh.leaves, fresh.kinds)
    assert all(len(image) <= 64 for _, image in cache)
