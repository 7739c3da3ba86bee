"""Sign and verify throughput of the Data Integrity cryptosuites, on one core.

    .venv/bin/python benchmarks/crypto.py [--count 300] [--kind statement|level] [--repeat 3]
        [--mix 1] [--cpu-time] [--profile] [--verify-count 500] [--no-js]

Builds realistic OpenBadgeCredentials from the seed framework (one achievement,
many learners, as in a batch award; `--mix N`: N achievements in turn, as a roster row
calling for several statements, or a presentation of mixed credentials, brings them),
then times, single-threaded:

- eddsa-rdfc-2022 through `issuer.proofs` (safe mode; per-shape templates
  from `issuer.jsonld.template`, else memoized pyld expansion with the direct
  RDF conversion and first-degree labelling; proof-configuration templates).
  What a batch repeats is remembered by value: the achievement's walk
  (`issuer.jsonld.shape`), and the fill of the last document
  (`issuer.jsonld.fill`), so the credentials are signed in batch order;
- "plain pyld": the same suite done the straightforward way, `jsonld.normalize`
  of the proof configuration and of the document each time (no safe mode);
- eddsa-jcs-2022 through `issuer.proofs` (`issuer.proofs.jcs`, plus the
  safe-mode term check, from the shape template when there is one);
- "plain rfc8785": rfc8785 only, without the term check.

Ed25519 itself (cryptography/OpenSSL) and base58 are included in every row.

Every signature of the fast path equals the plain one (checked here on the
first credential, and in tests/unit/proofs/test_fast_path.py on 200).

Then, side by side with the JavaScript reference (`@digitalbazaar/vc` with
DataIntegrityProof, run by tests/interop/vc-tool.mjs in a node child on the same core,
timed in its own CPU time): eddsa-rdfc-2022 signing of statement and level credentials,
eddsa-jcs-2022 signing of statement credentials, and verification of credentials we did
not issue (`--verify-count` statement credentials signed by the JS stack, verified by
`issuer.services.verification.Verifier`, the path of `POST /credentials/verify`, and by
the JS stack's `verifyCredential`). Each row prints our rate, JS's and the ratio: the
figures of issue 13's table. `--no-js` (or no node / `npm ci` in tests/interop) skips it.
"""

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rfc8785

from issuer.credentials.compose import Recipient, compose_credential
from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import achieved_level_result, map_framework
from issuer.frameworks.structure import index_framework
from issuer.jsonld.canonical import canonicalize
from issuer.jsonld.loader import document_loader
from issuer.jsonld.memo import memo_for
from issuer.jsonld.reference import normalize_plain
from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.multibase import decode_base58btc, encode_base58btc
from issuer.keys.resolver import make_key_resolver
from issuer.keys.signer import Signer
from issuer.model.achievement import Profile
from issuer.paths import EXAMPLE_SEEDS
from issuer.proofs import add_proof, verify_proof
from issuer.services.verification import Verifier

BASE = "https://issuer.example.org"
SEED = EXAMPLE_SEEDS / "43-4171.00-receptionists-and-information-clerks.json"
CREATED = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PAIR = KeyPair.from_seed(hashlib.sha256(b"benchmark issuer").digest())
DID = did_key_for(PAIR.public_multibase)
SIGNER = Signer(PAIR, f"{DID}#{PAIR.public_multibase}")
RESOLVE = make_key_resolver({})
INTEROP = Path(__file__).resolve().parent.parent / "tests" / "interop"
JS_KEY = {"publicKeyMultibase": PAIR.public_multibase, "secretKeyMultibase": PAIR.secret_multibase}
VERIFIED_AT = datetime(2026, 12, 1, tzinfo=UTC)


def credentials(count: int, kind: str, mix: int = 1) -> list[dict[str, Any]]:
    """Return `count` credentials, each to another learner, for one achievement of the seed,
    or with `mix` > 1 cycling through that many (statements of the seed, or its levels)."""
    framework = index_framework(read_export(SEED)[0])
    achievements = map_framework(framework, BASE)
    levels = framework.levels[2:] + framework.levels[:2]  # the third level's first
    if kind == "level":
        chosen = [
            (achievements.levels[level.key], [achieved_level_result(framework, level, BASE)])
            for level in levels[:mix]
        ]
    else:
        keys = [statement.key for level in levels for statement in level.statements]
        chosen = [(achievements.statements[key], None) for key in keys[:mix]]
    issuer = Profile(id=DID, name="Example Training Provider", url=f"{BASE}/")
    return [
        compose_credential(
            credential_id=f"{BASE}/credentials/{n:06d}",
            issuer=issuer,
            achievement=chosen[n % len(chosen)][0],
            recipient=Recipient(
                email=f"learner{n}@example.org", name=f"Learner Nº{n}", salt=f"s{n}"
            ),
            valid_from=CREATED,
            results=chosen[n % len(chosen)][1],
        ).to_ld()
        for n in range(count)
    ]


def _options(suite: str) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": suite,
        "created": "2026-11-22T12:00:00Z",
        "verificationMethod": SIGNER.verification_method,
        "proofPurpose": "assertionMethod",
    }


def plain_rdfc_sign(document: dict[str, Any]) -> dict[str, Any]:
    """eddsa-rdfc-2022 done the straightforward way: jsonld.normalize twice, then Ed25519."""
    options = _options("eddsa-rdfc-2022")
    config = {**options, "@context": document["@context"]}
    data = (
        hashlib.sha256(normalize_plain(config).encode()).digest()
        + hashlib.sha256(normalize_plain(document).encode()).digest()
    )
    return {**document, "proof": [{**options, "proofValue": encode_base58btc(PAIR.sign(data))}]}


def plain_rdfc_verify(signed: dict[str, Any]) -> None:
    """Verify a plain_rdfc_sign proof the straightforward way."""
    (proof,) = signed["proof"]
    document = {k: v for k, v in signed.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    data = (
        hashlib.sha256(normalize_plain(config).encode()).digest()
        + hashlib.sha256(normalize_plain(document).encode()).digest()
    )
    RESOLVE(proof["verificationMethod"]).public_key.verify(
        decode_base58btc(proof["proofValue"]), data
    )


def plain_jcs_sign(document: dict[str, Any]) -> dict[str, Any]:
    """eddsa-jcs-2022 with rfc8785 only (no safe-mode term check)."""
    options = {**_options("eddsa-jcs-2022"), "@context": document["@context"]}
    data = (
        hashlib.sha256(rfc8785.dumps(options)).digest()
        + hashlib.sha256(rfc8785.dumps(document)).digest()
    )
    return {**document, "proof": [{**options, "proofValue": encode_base58btc(PAIR.sign(data))}]}


def plain_jcs_verify(signed: dict[str, Any]) -> None:
    """Verify a plain_jcs_sign proof with rfc8785 only."""
    (proof,) = signed["proof"]
    document = {k: v for k, v in signed.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    data = (
        hashlib.sha256(rfc8785.dumps(config)).digest()
        + hashlib.sha256(rfc8785.dumps(document)).digest()
    )
    RESOLVE(proof["verificationMethod"]).public_key.verify(
        decode_base58btc(proof["proofValue"]), data
    )


def fast_sign(suite: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Return a signer through issuer.proofs.add_proof."""
    return lambda document: add_proof(document, SIGNER, created=CREATED, cryptosuite=suite)


def fast_verify(signed: dict[str, Any]) -> None:
    """Verify through issuer.proofs.verify_proof."""
    verify_proof(signed, signed["proof"][0], resolve=RESOLVE)


def rate(
    function: Callable[[dict[str, Any]], Any],
    documents: list[dict[str, Any]],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Return calls per second of `function` over `documents`: the best of `repeat` runs, warm."""
    function(documents[0])
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for document in documents:
            function(document)
        best = min(best, clock() - start)
    return len(documents) / best


def js_problem() -> str | None:
    """Say why the JS reference cannot run here, or None if it can."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return "the JS stack is not installed (cd tests/interop && npm ci)"
    return None


def run_js(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send `requests` to one tests/interop/vc-tool.mjs process; return its answers."""
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, str(INTEROP / "vc-tool.mjs")],
        input=json.dumps(requests),
        capture_output=True,
        text=True,
        check=True,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    failed = [a["error"] for a in answers if not a["ok"]]
    assert not failed, f"vc-tool.mjs: {failed[0]}"
    return answers


def js_bench(operation: str, documents: list[dict[str, Any]], repeat: int, **options: Any) -> Any:
    """Return (calls per second in node's CPU time, the answers of its last run)."""
    (answer,) = run_js(
        [
            {
                "command": "bench",
                "operation": operation,
                "credentials": documents,
                "repeat": repeat,
                **options,
            }
        ]
    )
    return answer["perSecond"], answer["results"]


def service_verifier() -> Verifier:
    """The verifier of `POST /credentials/verify`, with no status lists of its own."""
    return Verifier(base_url=BASE, local_documents=dict, read_own_list=lambda _list_id: None)


def compare_with_js(
    count: int, verify_count: int, repeat: int, clock: Callable[[], float], mix: int = 1
) -> None:
    """Print issue 13's rows: our rate, the JS reference's and the ratio."""
    problem = js_problem()
    if problem is not None:
        print(f"JS reference skipped: {problem}")
        return
    sign_options = {"key": JS_KEY, "created": "2026-11-22T12:00:00Z"}
    statements, levels = credentials(count, "statement", mix), credentials(count, "level", mix)
    rdfc, jcs = fast_sign("eddsa-rdfc-2022"), fast_sign("eddsa-jcs-2022")
    rows: list[tuple[str, float, float]] = []
    for label, suite, sign, documents in (
        ("rdfc sign, statement", "eddsa-rdfc-2022", rdfc, statements),
        ("rdfc sign, level", "eddsa-rdfc-2022", rdfc, levels),
        ("jcs sign, statement", "eddsa-jcs-2022", jcs, statements),
    ):
        quads = canonicalize(documents[0]).count("\n")
        ours = rate(sign, documents, repeat, clock)
        theirs, _ = js_bench("sign", documents, repeat, cryptosuite=suite, **sign_options)
        rows.append((f"{label} ({quads} quads)", ours, theirs))
    foreign = credentials(verify_count, "statement", mix)
    _, answers = js_bench("sign", foreign, 1, cryptosuite="eddsa-rdfc-2022", **sign_options)
    signed = [answer["credential"] for answer in answers]
    verifier = service_verifier()
    results = [verifier.credential(document, now=VERIFIED_AT) for document in signed]
    assert all(result.verified for result in results), "a JS-signed credential failed to verify"
    ours = rate(lambda d: verifier.credential(d, now=VERIFIED_AT), signed, repeat, clock)
    theirs, verdicts = js_bench("verify", signed, repeat, now=VERIFIED_AT.isoformat())
    assert all(verdict["verified"] for verdict in verdicts), "the JS stack rejected its own"
    rows.append((f"verify, service path, {verify_count} JS-signed", ours, theirs))
    timing = "CPU time" if clock is time.process_time else "wall time"
    print(f"\nside by side with the JS reference (ours in {timing}, JS in node's CPU time):")
    print(f"{'':<44} {'ours/s':>9} {'JS/s':>9} {'ratio':>7}")
    for label, ours_rate, js_rate in rows:
        print(f"{label:<44} {ours_rate:>9.0f} {js_rate:>9.0f} {ours_rate / js_rate:>6.1f}x")


def pin_to_one_core() -> str:
    """Run on one CPU if the platform allows; return a description."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def main() -> None:
    """Print the throughput table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="credentials per measurement")
    parser.add_argument("--kind", choices=["statement", "level"], default="statement")
    parser.add_argument(
        "--mix",
        type=int,
        default=1,
        help="achievements the credentials cycle through (1: all alike, as a batch signs them)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the best counts"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile fast rdfc signing")
    parser.add_argument(
        "--verify-count", type=int, default=500, help="JS-signed credentials to verify"
    )
    parser.add_argument("--no-js", action="store_true", help="skip the JS reference")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time with this process's CPU time instead of wall time (steadier on a shared machine)",
    )
    args = parser.parse_args()
    where = pin_to_one_core()
    documents = credentials(args.count, args.kind, args.mix)
    quads = canonicalize(documents[0]).count("\n")
    size = len(rfc8785.dumps(documents[0]))
    print(
        f"{args.count} {args.kind} credentials ({args.mix} achievements in turn), "
        f"{size} bytes of JSON, {quads} N-Quads; {where}"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [fast_sign("eddsa-rdfc-2022")(d) for d in documents])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return

    rdfc, jcs = fast_sign("eddsa-rdfc-2022"), fast_sign("eddsa-jcs-2022")
    assert rdfc(documents[0]) == plain_rdfc_sign(documents[0]), "fast and plain rdfc differ"
    assert jcs(documents[0])["proof"] == plain_jcs_sign(documents[0])["proof"], (
        "fast and plain jcs differ"
    )
    rows = [
        ("eddsa-rdfc-2022", "issuer.proofs", rdfc, fast_verify),
        ("eddsa-rdfc-2022", "plain pyld", plain_rdfc_sign, plain_rdfc_verify),
        ("eddsa-jcs-2022", "issuer.proofs", jcs, fast_verify),
        ("eddsa-jcs-2022", "plain rfc8785", plain_jcs_sign, plain_jcs_verify),
    ]
    print(f"{'suite':<16} {'implementation':<14} {'sign/s':>9} {'verify/s':>9}")
    clock = time.process_time if args.cpu_time else time.perf_counter
    for suite, implementation, sign, verify in rows:
        sign_rate = rate(sign, documents, args.repeat, clock)
        signed = [sign(d) for d in documents]
        verify_rate = rate(verify, signed, args.repeat, clock)
        print(f"{suite:<16} {implementation:<14} {sign_rate:>9.0f} {verify_rate:>9.0f}")
    print(f"memo hits: {memo_for(document_loader()).hits}")
    if not args.no_js:
        compare_with_js(args.count, args.verify_count, args.repeat, clock, args.mix)


if __name__ == "__main__":
    main()
