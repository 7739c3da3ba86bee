"""The fast path (shape templates, memoized pyld, proof-configuration templates) equals plain pyld.

See also tests/unit/jsonld/test_fast_paths.py (adversarial variants, presentations, CLR
documents, blank nodes with shared hashes, safe mode, JCS).

Over 200 varied credentials: different frameworks and achievements, email and
DID recipients, non-ASCII text, optional fields, extra and inline contexts. For
each: the canonical document, the canonical proof configuration, and the
signatures of both suites against a plain implementation (jsonld.normalize or
rfc8785 each time, no caches).
"""

import copy
import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import rfc8785

from issuer.credentials.compose import Recipient, compose_credential
from issuer.errors import ProofError
from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import FrameworkUrls, achieved_level_result, map_framework
from issuer.frameworks.structure import Framework, index_framework
from issuer.jsonld.canonical import canonicalize
from issuer.jsonld.loader import document_loader
from issuer.jsonld.memo import memo_for
from issuer.jsonld.reference import normalize_plain
from issuer.jsonld.template import lookup
from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.multibase import encode_base58btc
from issuer.keys.signer import Signer
from issuer.model.achievement import Image, Profile
from issuer.model.base import OB_EXTENSIONS_CONTEXT
from issuer.model.credential import Evidence
from issuer.model.framework import FrameworkExport
from issuer.proofs import add_proof, eddsa_jcs_2022, eddsa_rdfc_2022
from issuer.proofs.proof_config import canonical_proof_config
from tests.factories import SEED_FILES, make_export, non_ascii_export, seven_level_export

BASE = "https://issuer.example.org"
PAIR = KeyPair.from_seed(hashlib.sha256(b"fast path").digest())
DID = did_key_for(PAIR.public_multibase)
SIGNER = Signer(PAIR, f"{DID}#{PAIR.public_multibase}")
COUNT = 200


def _frameworks() -> list[Framework]:
    exports = [read_export(path)[0] for path in SEED_FILES]
    exports += [
        FrameworkExport.model_validate(data)
        for data in (
            seven_level_export(),
            non_ascii_export(),
            make_export(title='Ébéniste — "menuisier" \\ 木工', version="v.9"),
        )
    ]
    return [index_framework(export) for export in exports]


FRAMEWORKS = _frameworks()
ISSUERS = [
    Profile(id=DID, name="Example Training Provider"),
    Profile(
        id=DID,
        name="Académie des métiers — 職業訓練校",
        url="https://academie.example.fr/",
        description='Line one\nLine two\t"quoted"',
        image=Image(id="https://academie.example.fr/logo.png", caption="Logo"),
    ),
]


def _credential(n: int) -> dict[str, Any]:
    framework = FRAMEWORKS[n % len(FRAMEWORKS)]
    achievements = map_framework(framework, BASE).all()
    achievement = achievements[(n * 7) % len(achievements)]
    urls = FrameworkUrls(BASE, framework.id)
    level = next((lv for lv in framework.levels if urls.level(lv.key) == achievement.id), None)
    recipient = [
        Recipient(email=f"learner{n}@example.org", name="Zoë Ñúñez", salt=f"salt-{n}"),
        Recipient(did=f"did:example:learner-{n}"),
        Recipient(email=f"学生{n}@example.jp", did=f"did:example:{n}", name="山田 太郎"),
    ][n % 3]
    valid_from = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n, seconds=n)
    credential = compose_credential(
        credential_id=f"{BASE}/credentials/{n}",
        issuer=ISSUERS[n % 2],
        achievement=achievement,
        recipient=recipient,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=365) if n % 4 == 0 else None,
        evidence=[Evidence(id=f"{BASE}/evidence/{n}", narrative="Observed — *twice*.")]
        if n % 5 == 0
        else None,
        narrative="Completed in 3 days 🎉" if n % 6 == 0 else None,
        results=[achieved_level_result(framework, level, BASE)] if level and n % 2 else None,
    ).to_ld()
    if n % 8 == 0:
        credential["@context"].append(OB_EXTENSIONS_CONTEXT)
        credential["credentialSchema"] = [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ]
    if n % 9 == 0:
        credential["credentialStatus"] = {
            "id": f"{BASE}/status/1#{n}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(n),
            "statusListCredential": f"{BASE}/status/1",
        }
    if n % 13 == 0:
        credential["@context"].append({"note": "https://example.org/vocab#note"})
        credential["note"] = f"inline context {n}"
    return credential


CREDENTIALS = [_credential(n) for n in range(COUNT)]


def _created(n: int) -> str:
    forms = ["2026-02-03T04:05:06Z", "2026-02-03T04:05:06.123Z", "2026-02-03T05:05:06+01:00"]
    return forms[n % 3].replace("06", f"{n % 60:02d}", 1)


def _proof_options(n: int, suite: str) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": suite,
        "created": _created(n),
        "verificationMethod": SIGNER.verification_method,
        "proofPurpose": "assertionMethod",
    }


def _plain_rdfc_signature(document: dict[str, Any], options: dict[str, Any]) -> str:
    config = {**options, "@context": document["@context"]}
    data = (
        hashlib.sha256(normalize_plain(config).encode()).digest()
        + hashlib.sha256(normalize_plain(document).encode()).digest()
    )
    return encode_base58btc(PAIR.sign(data))


def _plain_jcs_signature(document: dict[str, Any], options: dict[str, Any]) -> str:
    config = {**options, "@context": document["@context"]}
    data = (
        hashlib.sha256(rfc8785.dumps(config)).digest()
        + hashlib.sha256(rfc8785.dumps(document)).digest()
    )
    return encode_base58btc(PAIR.sign(data))


def test_the_generated_credentials_are_varied() -> None:
    texts = [str(c) for c in CREDENTIALS]
    assert len(set(texts)) == COUNT
    assert any("credentialSchema" in c for c in CREDENTIALS)
    assert any("credentialStatus" in c for c in CREDENTIALS)
    assert any("note" in c for c in CREDENTIALS)
    assert any("包丁" in t for t in texts)
    assert len({c["credentialSubject"]["achievement"]["id"] for c in CREDENTIALS}) > 50


@pytest.mark.parametrize("chunk", range(4))
def test_canonical_documents_equal_plain_pyld(chunk: int) -> None:
    hits = dict(memo_for(document_loader()).hits)
    for n in range(chunk, COUNT, 4):
        assert canonicalize(CREDENTIALS[n]) == normalize_plain(CREDENTIALS[n]), n
    after = memo_for(document_loader()).hits
    # some of the work came from a cache: processed contexts, expanded subtrees or shape templates
    assert sum(after.values()) > sum(hits.values())


def test_canonical_proof_configurations_equal_plain_pyld() -> None:
    for n in range(COUNT):
        document = CREDENTIALS[n]
        options = _proof_options(n, "eddsa-rdfc-2022")
        if n % 10 == 0:
            options["challenge"] = f"challenge-{n}"
        if n % 15 == 0:
            options["domain"] = "verifier.example"
        config = {**options, "@context": document["@context"]}
        assert canonical_proof_config(config) == normalize_plain(config), n


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_signatures_equal_a_plain_implementation(suite: str) -> None:
    plain = _plain_rdfc_signature if suite == "eddsa-rdfc-2022" else _plain_jcs_signature
    for n in range(0, COUNT, 2 if suite == "eddsa-rdfc-2022" else 1):
        options = _proof_options(n, suite)
        created = datetime.fromisoformat(options["created"])
        options["created"] = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        signed = add_proof(CREDENTIALS[n], SIGNER, created=created, cryptosuite=suite)
        assert signed["proof"][0]["proofValue"] == plain(CREDENTIALS[n], options), n


def test_mutating_a_document_in_place_never_reuses_stale_results() -> None:
    document = copy.deepcopy(CREDENTIALS[13])  # has an inline context
    canonicalize(document)
    document["credentialSubject"]["achievement"]["name"] = "Renamed in place"
    document["@context"][-1]["note"] = "https://example.org/vocab#other"
    assert canonicalize(document) == normalize_plain(document)
    assert "vocab#other" in canonicalize(document)


def test_the_same_achievement_under_other_contexts_is_not_confused() -> None:
    document = copy.deepcopy(CREDENTIALS[1])
    canonicalize(document)
    document["@context"] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    ]
    del document["awardedDate"]
    assert canonicalize(document) == normalize_plain(document)


def test_threads_get_the_same_results() -> None:
    sample = CREDENTIALS[:24]
    expected = [normalize_plain(c) for c in sample]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(canonicalize, sample * 2))
    assert results == expected * 2


_JCS_SUFFIXES = [
    "",
    '"quoted" back\\slash',
    "\ue0001\ue000 x-probe://\ue0000\ue000",
    '"x-probe://\ue0002\ue000"',
    "\n\t\x01\x1f\x7f \u2028\u2029 é 🎉 \U0001f600",
    "\ud800",
]


def _with_suffix(value: Any, suffix: str, key: str = "") -> Any:
    """`value` with `suffix` appended to each string a shape makes a leaf (shape kept)."""
    if isinstance(value, dict):
        return {
            k: v if k.startswith("@") or k == "type" else _with_suffix(v, suffix, k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_with_suffix(item, suffix, key) for item in value]
    if isinstance(value, str):
        return value + suffix
    return value


def _jcs_or_error(canonize: Any, document: dict[str, Any]) -> Any:
    try:
        return canonize(document)
    except Exception as err:  # both sides must fail alike on a lone surrogate
        return type(err).__name__


def test_jcs_from_shape_templates_equals_rfc8785() -> None:
    memo = memo_for(document_loader())
    before = memo.hits["templates"]
    filled = 0
    for n in range(0, COUNT, 3):
        for suffix in _JCS_SUFFIXES:
            document = _with_suffix(CREDENTIALS[n], suffix)
            for _ in range(2):  # a shape's template is made on its second sight
                ours = _jcs_or_error(lambda d: eddsa_jcs_2022.canonize(d, None), document)
                plain = _jcs_or_error(rfc8785.dumps, document)
                assert (ours == plain) or (isinstance(ours, str) and isinstance(plain, str)), (
                    n,
                    suffix,
                )
            template, _ = lookup(document, memo)
            filled += template is not None and template.jcs is not None and bool(template.jcs.parts)
    assert memo.hits["templates"] > before
    assert filled > COUNT // 3


def test_jcs_remembered_leaf_encodings_never_go_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    # a batch of one shape: leaves repeat, change, need escaping or cannot be encoded
    monkeypatch.setattr("issuer.proofs.jcs.REMEMBERED_PER_LEAF", 0)  # cleared on every miss
    base = CREDENTIALS[0]
    names = ["Ann", 'Bob "the" \\ builder', "Ann", "\n\t\x01 é 🎉", "\ud800", "Ann", ""]
    for round_ in range(2):
        for n, name in enumerate(names):
            document = copy.deepcopy(base)
            document["credentialSubject"]["identifier"][-1]["identityHash"] = name
            document["id"] = f"https://example.org/c/{n % 3}"
            ours = _jcs_or_error(lambda d: eddsa_jcs_2022.canonize(d, None), document)
            plain = _jcs_or_error(rfc8785.dumps, document)
            assert ours == plain or (isinstance(ours, str) and isinstance(plain, str)), (round_, n)
    template, _ = lookup(base, memo_for(document_loader()))
    assert template is not None and template.jcs is not None and template.jcs.encoded


def test_remembered_proof_configuration_hashes_follow_options_and_context() -> None:
    first, other = CREDENTIALS[0], CREDENTIALS[1]
    assert first["@context"][: len(other["@context"])] == other["@context"] != first["@context"]
    for n in range(0, COUNT, 5):
        document = CREDENTIALS[n]
        for suite, plain in (
            (eddsa_rdfc_2022.cryptosuite, lambda o, d: normalize_plain({**o, **_ctx(d)}).encode()),
            (eddsa_jcs_2022.cryptosuite, lambda o, d: rfc8785.dumps(o)),
        ):
            options = suite.configure(document, _proof_options(n % 2, suite.name))
            for _ in range(2):  # the second time from the cache
                expected = hashlib.sha256(plain(options, document)).digest()
                assert suite.hash_proof_config(document, options, None) == expected, n
    # the options of a document whose @context the other's does not start with: refused each time
    options = eddsa_jcs_2022.cryptosuite.configure(first, _proof_options(0, "eddsa-jcs-2022"))
    eddsa_jcs_2022.cryptosuite.hash_proof_config(first, options, None)
    for _ in range(2):
        with pytest.raises(ProofError):
            eddsa_jcs_2022.cryptosuite.hash_proof_config(other, options, None)


def test_remembered_proof_configuration_hashes_keep_true_1_and_1_0_apart() -> None:
    document = CREDENTIALS[0]
    for suite, plain in (
        (eddsa_rdfc_2022.cryptosuite, lambda o, d: normalize_plain({**o, **_ctx(d)}).encode()),
        (eddsa_jcs_2022.cryptosuite, lambda o, d: rfc8785.dumps(o)),
    ):
        for value in (True, 1, 1.0, "1", True, 1):
            options = suite.configure(document, {**_proof_options(0, suite.name), "domain": value})
            expected = hashlib.sha256(plain(options, document)).digest()
            assert suite.hash_proof_config(document, options, None) == expected, value


def _ctx(document: dict[str, Any]) -> dict[str, Any]:
    return {"@context": document["@context"]}
