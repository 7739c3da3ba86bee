"""Cross-implementation checks against the JavaScript reference stack (Digital Bazaar).

Credentials we sign verify with `@digitalbazaar/vc` + `eddsa-rdfc-2022` (and `eddsa-jcs-2022`),
credentials that stack signs verify with ours, and tampered copies fail in both. The stack is
installed from `tests/interop/package-lock.json` by `scripts/test`; see tests/interop/README.md.

To keep the suite fast, node starts twice per session: once to sign, once to verify everything.
"""

import copy
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from issuer.credentials.compose import Recipient, compose_credential
from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import achieved_level_result, map_framework
from issuer.frameworks.structure import Framework, index_framework
from issuer.keys.did import did_key_document, did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.resolver import make_key_resolver
from issuer.model.achievement import Profile
from issuer.model.framework import FrameworkExport
from issuer.proofs import ProofError, Signer, VerificationMethod, add_proof, verify_proof
from tests.factories import SEED_FILES, non_ascii_export

pytestmark = pytest.mark.node

HERE = Path(__file__).parent
TOOL = HERE / "vc-tool.mjs"
MIN_NODE = 20

BASE = "https://issuer.example.org"
ISSUER_KEY = KeyPair.from_seed(bytes(range(32)))
OTHER_KEY = KeyPair.from_seed(bytes(range(100, 132)))
ISSUER_DID = did_key_for(ISSUER_KEY.public_multibase)
OTHER_DID = did_key_for(OTHER_KEY.public_multibase)
CREATED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
VALID_FROM = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
# Verification time handed to the JS stack, so its validFrom check never depends on the clock.
NOW = "2026-02-01T00:00:00Z"


def _vm(key: KeyPair) -> str:
    did = did_key_for(key.public_multibase)
    return f"{did}#{key.public_multibase}"


def _js_key(key: KeyPair) -> dict[str, str]:
    return {"publicKeyMultibase": key.public_multibase, "secretKeyMultibase": key.secret_multibase}


# --- the JavaScript side -----------------------------------------------------------------------


def _node_problem() -> str | None:
    """Say what is missing for the JS stack, or None if node and the pinned packages are there."""
    node = shutil.which("node")
    if node is None:
        return "node is not on PATH (install Node.js >= 20)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    match = re.match(r"v(\d+)\.", version.stdout.strip())
    if not match or int(match.group(1)) < MIN_NODE:
        return f"node {version.stdout.strip() or '?'} is too old (need >= {MIN_NODE})"
    pins = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for name, pinned in pins.items():
        manifest = HERE / "node_modules" / name / "package.json"
        if not manifest.is_file():
            return f"npm package {name} is not installed"
        installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if installed != pinned:
            return f"npm package {name} is {installed}, package.json pins {pinned}"
    return None


def _run_js(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send `requests` to one node process and return its responses, in order."""
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, str(TOOL)],
        input=json.dumps(requests),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"vc-tool.mjs exited {done.returncode}: {done.stderr.strip()}")
    responses = json.loads(done.stdout)
    assert len(responses) == len(requests)
    return responses


def _signed_by_js(response: dict[str, Any]) -> dict[str, Any]:
    assert response["ok"], f"the JS stack could not sign: {response['error']}"
    return response["credential"]


# --- our side ----------------------------------------------------------------------------------

RESOLVE = make_key_resolver({})


def verify_ours(document: dict[str, Any]) -> list[VerificationMethod]:
    """Verify every proof of `document` with our implementation, as a credential verifier would.

    Require at least one proof, each made by a key the issuer controls: the credential-level
    checks the JS stack's `CredentialIssuancePurpose` makes.
    """
    proofs = document.get("proof")
    if not proofs:
        raise ProofError("the credential has no proof")
    issuer = document["issuer"]
    issuer_id = issuer if isinstance(issuer, str) else issuer["id"]
    methods = []
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        methods.append(
            verify_proof(document, proof, resolve=RESOLVE, expected_controller=issuer_id)
        )
    return methods


# --- credentials -------------------------------------------------------------------------------


def _framework(name: str) -> Framework:
    if name == "non-ascii":
        return index_framework(FrameworkExport.model_validate(non_ascii_export()))
    path = next(p for p in SEED_FILES if p.name.startswith(name))
    return index_framework(read_export(path)[0])


def _credential(
    framework: str,
    *,
    level: str | None = None,
    statement: str | None = None,
    recipient: Recipient,
    number: int,
) -> dict[str, Any]:
    fw = _framework(framework)
    achievements = map_framework(fw, BASE)
    if level is not None:
        achievement = achievements.levels[level]
        results = [achieved_level_result(fw, fw.level(level), BASE)]
    else:
        assert statement is not None
        achievement = achievements.statements[statement]
        results = None
    return compose_credential(
        credential_id=f"{BASE}/credentials/{number}",
        issuer=Profile(id=ISSUER_DID, name="Example Training Provider"),
        achievement=achievement,
        recipient=recipient,
        valid_from=VALID_FROM,
        results=results,
    ).to_ld()


BY_EMAIL = Recipient(email="Learner@Example.org", name="Ana Lópes", salt="s4lt")
BY_DID = Recipient(did="did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH")
CREDENTIALS: dict[str, Callable[[], dict[str, Any]]] = {
    "statement-by-did": lambda: _credential(
        "43-4171.00", statement="proficient-03", recipient=BY_DID, number=1
    ),
    "statement-by-email": lambda: _credential(
        "43-4021.00", statement="emerging-01", recipient=BY_EMAIL, number=2
    ),
    "statement-non-ascii": lambda: _credential(
        "non-ascii", statement="level-2-01", recipient=BY_EMAIL, number=3
    ),
    "level-with-result": lambda: _credential(
        "43-4171.00", level="proficient", recipient=BY_EMAIL, number=4
    ),
    "level-non-ascii": lambda: _credential(
        "non-ascii", level="debutant", recipient=BY_DID, number=5
    ),
}
# Tampering starts from this one: it has a result and a hashed-email recipient.
TAMPER_BASE = "level-with-result"
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def _proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    proof = document["proof"]
    return proof if isinstance(proof, list) else [proof]


def _set_name(doc: dict[str, Any]) -> None:
    doc["name"] += " (with honours)"


def _set_achievement_name(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["name"] = "Receptionists — Advanced"


def _set_valid_from(doc: dict[str, Any]) -> None:
    doc["validFrom"] = "2026-01-14T09:00:00Z"  # earlier, so only the proof can reject it


def _set_identity_hash(doc: dict[str, Any]) -> None:
    (identity,) = [i for i in doc["credentialSubject"]["identifier"] if i["hashed"]]
    identity["identityHash"] = "sha256$" + "0" * 64


def _add_field(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["narrative"] = "Also ran the front desk alone."


def _remove_proof(doc: dict[str, Any]) -> None:
    del doc["proof"]


def _swap_issuer(doc: dict[str, Any]) -> None:
    doc["issuer"]["id"] = did_key_for(KeyPair.from_seed(bytes(range(200, 232))).public_multibase)


def _set_proof_created(doc: dict[str, Any]) -> None:
    _proofs(doc)[0]["created"] = "2026-01-15T09:31:00Z"


TAMPERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "name-changed": _set_name,
    "achievement-name-changed": _set_achievement_name,
    "validFrom-changed": _set_valid_from,
    "identityHash-changed": _set_identity_hash,
    "field-added": _add_field,
    "proof-created-changed": _set_proof_created,
    "proof-removed": _remove_proof,
    "issuer-swapped": _swap_issuer,
}
# Not an edit of the signed copy: the same credential signed by OTHER_KEY (a valid proof, whose
# controller is not the issuer).
RESIGNED = "re-signed-by-other-key"
TAMPER_CASES = [*TAMPERS, RESIGNED]
# Why the JS stack must reject each case (the pinned versions' messages).
JS_REASONS = {
    **dict.fromkeys(TAMPERS, "Invalid signature."),
    "proof-removed": "No matching proofs found in the given document.",
    RESIGNED: "Credential issuer must match the verification method controller.",
}
ORIGINS = ("ours", "js")


@dataclass
class Interop:
    """Everything both stacks produced, computed once per session."""

    unsigned: dict[str, dict[str, Any]]
    ours: dict[tuple[str, str], dict[str, Any]]  # (credential, suite) -> our signed credential
    js: dict[tuple[str, str], dict[str, Any]]  # (credential, suite) -> JS signed credential
    tampered: dict[tuple[str, str], dict[str, Any]]  # (origin, case) -> tampered credential
    js_verdicts: dict[tuple[str, ...], dict[str, Any]]  # key -> JS verify response
    js_did_document: dict[str, Any]
    js_versions: dict[str, Any]


def _tampered(origin_signed: dict[str, Any], resigned: dict[str, Any]) -> dict[str, dict]:
    copies = {}
    for case, tamper in TAMPERS.items():
        doc = copy.deepcopy(origin_signed)
        tamper(doc)
        copies[case] = doc
    copies[RESIGNED] = resigned
    return copies


@pytest.fixture(scope="session")
def interop() -> Interop:
    problem = _node_problem()
    if problem is not None:
        message = (
            f"JavaScript reference stack unavailable: {problem}. "
            "Run `npm ci` in tests/interop (scripts/test does it), "
            "or set LER_SKIP_NODE=1 to skip these tests."
        )
        if os.environ.get("LER_SKIP_NODE") == "1":
            pytest.skip(message)
        pytest.fail(message)

    unsigned = {name: build() for name, build in CREDENTIALS.items()}
    ours = {
        (name, suite): add_proof(
            doc, Signer(ISSUER_KEY, _vm(ISSUER_KEY)), created=CREATED, cryptosuite=suite
        )
        for name, doc in unsigned.items()
        for suite in SUITES
    }
    ours_resigned = add_proof(
        unsigned[TAMPER_BASE], Signer(OTHER_KEY, _vm(OTHER_KEY)), created=CREATED
    )

    created = CREATED.isoformat().replace("+00:00", "Z")
    sign_keys = [(name, suite) for name in unsigned for suite in SUITES]
    sign_requests = [
        {
            "command": "sign",
            "credential": unsigned[name],
            "key": _js_key(ISSUER_KEY),
            "verificationMethod": _vm(ISSUER_KEY),
            "cryptosuite": suite,
            "created": created,
        }
        for name, suite in sign_keys
    ]
    sign_requests.append(
        {
            "command": "sign",
            "credential": unsigned[TAMPER_BASE],
            "key": _js_key(OTHER_KEY),
            "created": created,
        }
    )
    sign_requests += [{"command": "versions"}, {"command": "resolve", "url": ISSUER_DID}]
    *signed, js_resigned, versions, did_document = _run_js(sign_requests)
    js = {key: _signed_by_js(response) for key, response in zip(sign_keys, signed, strict=True)}
    assert versions["ok"] and did_document["ok"], (versions, did_document)

    tampered = {}
    for origin, base, resigned in (
        ("ours", ours[TAMPER_BASE, "eddsa-rdfc-2022"], ours_resigned),
        ("js", js[TAMPER_BASE, "eddsa-rdfc-2022"], _signed_by_js(js_resigned)),
    ):
        for case, doc in _tampered(base, resigned).items():
            tampered[origin, case] = doc

    to_verify: dict[tuple[str, ...], dict[str, Any]] = {}
    for (name, suite), doc in ours.items():
        to_verify["ours", name, suite] = doc
    for (name, suite), doc in js.items():
        to_verify["js", name, suite] = doc
    for (origin, case), doc in tampered.items():
        to_verify["tampered", origin, case] = doc
    responses = _run_js(
        [{"command": "verify", "credential": doc, "now": NOW} for doc in to_verify.values()]
    )
    return Interop(
        unsigned=unsigned,
        ours=ours,
        js=js,
        tampered=tampered,
        js_verdicts=dict(zip(to_verify, responses, strict=True)),
        js_did_document=did_document["document"],
        js_versions=versions,
    )


def _js_verified(verdict: dict[str, Any]) -> bool:
    assert verdict["ok"], f"the JS stack could not run the verification: {verdict['error']}"
    return verdict["verified"]


# --- tests -------------------------------------------------------------------------------------


def test_the_pinned_js_stack_is_the_one_running(interop: Interop) -> None:
    pins = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for name, pinned in pins.items():
        assert interop.js_versions["versions"][name] == pinned


def test_js_resolves_our_did_key_to_our_verification_method(interop: Interop) -> None:
    ours = did_key_document(ISSUER_DID)
    theirs = interop.js_did_document
    assert theirs["id"] == ours["id"] == ISSUER_DID

    def method(document: dict[str, Any]) -> dict[str, Any]:
        (vm,) = [m for m in document["verificationMethod"] if m["id"] == _vm(ISSUER_KEY)]
        return {k: vm[k] for k in ("id", "type", "controller", "publicKeyMultibase")}

    assert method(ours) == method(theirs)
    assert _vm(ISSUER_KEY) in ours["assertionMethod"]
    assert _vm(ISSUER_KEY) in theirs["assertionMethod"]


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("name", CREDENTIALS)
def test_our_credential_verifies_in_js(interop: Interop, name: str, suite: str) -> None:
    verdict = interop.js_verdicts["ours", name, suite]
    assert _js_verified(verdict), verdict["errors"]


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("name", CREDENTIALS)
def test_js_credential_verifies_in_ours(interop: Interop, name: str, suite: str) -> None:
    signed = interop.js[name, suite]
    (proof,) = _proofs(signed)
    assert proof["cryptosuite"] == suite
    (method,) = verify_ours(signed)
    assert method.id == _vm(ISSUER_KEY)
    assert method.controller == ISSUER_DID
    # and the JS stack agrees with itself
    assert _js_verified(interop.js_verdicts["js", name, suite])


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("name", CREDENTIALS)
def test_both_stacks_make_the_same_proof(interop: Interop, name: str, suite: str) -> None:
    """Ed25519 is deterministic: same document, key and proof options give the same proofValue."""
    (ours,) = _proofs(interop.ours[name, suite])
    (theirs,) = _proofs(interop.js[name, suite])
    assert ours == theirs
    without_proof = {k: v for k, v in interop.ours[name, suite].items() if k != "proof"}
    assert without_proof == interop.unsigned[name]


@pytest.mark.parametrize("case", TAMPER_CASES)
@pytest.mark.parametrize("origin", ORIGINS)
def test_tampered_copy_fails_in_js(interop: Interop, origin: str, case: str) -> None:
    verdict = interop.js_verdicts["tampered", origin, case]
    assert not _js_verified(verdict)
    assert JS_REASONS[case] in verdict["errors"], verdict["errors"]


@pytest.mark.parametrize("case", TAMPER_CASES)
@pytest.mark.parametrize("origin", ORIGINS)
def test_tampered_copy_fails_in_ours(interop: Interop, origin: str, case: str) -> None:
    document = interop.tampered[origin, case]
    with pytest.raises(ProofError):
        verify_ours(document)
    if case in TAMPERS and case != "proof-removed":
        # an edit of signed data: the signature itself no longer verifies, whoever the issuer is
        (proof,) = _proofs(document)
        with pytest.raises(ProofError):
            verify_proof(document, proof, resolve=RESOLVE)
    elif case == RESIGNED:
        # a valid signature, rejected only because the issuer does not control the key
        (proof,) = _proofs(document)
        assert verify_proof(document, proof, resolve=RESOLVE).controller == OTHER_DID


@pytest.mark.parametrize("origin", ORIGINS)
def test_the_untampered_base_verifies_in_both(interop: Interop, origin: str) -> None:
    """The tamper cases start from a credential both stacks accept."""
    source = interop.ours if origin == "ours" else interop.js
    verify_ours(source[TAMPER_BASE, "eddsa-rdfc-2022"])
    assert _js_verified(interop.js_verdicts[origin, TAMPER_BASE, "eddsa-rdfc-2022"])
