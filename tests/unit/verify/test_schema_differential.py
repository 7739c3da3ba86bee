"""The fast schema validator (jsonschema-rs) against the reference (python-jsonschema).

`issuer.schemas.check_schema` trusts a fast "valid" and asks the reference otherwise, so
what must hold is: whatever the fast validator accepts, the reference accepts too, and
`check_schema` answers exactly what validating with the reference alone (formal schema,
then the compaction variant) answers. Checked over the spec examples, the test vectors,
credentials we issue (both suites, proof as a list and as one object), every single-point
mutation of some of them, and random mutations (hypothesis).
"""

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuer.credentials.compose import Recipient, compose_credential
from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import achieved_level_result, map_framework
from issuer.frameworks.structure import index_framework
from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.signer import Signer
from issuer.model.achievement import Profile
from issuer.proofs import add_proof
from issuer.schemas import (
    CLR_CREDENTIAL,
    COMPACTION_VARIANTS,
    OB_ACHIEVEMENT_CREDENTIAL,
    SCHEMA_FILES,
    SchemaVerdict,
    _fast_valid,
    check_schema,
    schema_errors,
)
from tests.factories import SEED_FILES

VECTORS = Path(__file__).parents[2] / "vectors"
EXAMPLES = Path("/work/shared/reference/examples")  # the spec's examples, where present
BASE = "https://issuer.example.org"
KEY = KeyPair.from_seed(bytes(range(32)))
DID = did_key_for(KEY.public_multibase)
SIGNER = Signer(KEY, f"{DID}#{KEY.public_multibase}")
CREATED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
SCHEMA_IDS = (OB_ACHIEVEMENT_CREDENTIAL, CLR_CREDENTIAL)
BAD_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1.5,
    10**30,
    float("nan"),
    "",
    "x",
    "en\n",  # `$` matches before a final newline in Python's re, not in ECMA-262
    "\u0663\u0664",  # Arabic-Indic digits: `\d` in Python, not in ECMA-262
    "2026-02-30T00:00:00Z",
    "2026-01-15T09:30:00",
    "2026-01-15t09:30:00z",
    "2026-01-15T23:59:60Z",
    "2026-01-15",
    [],
    {},
    [{}],
)


def _reference(document: Any, schema_id: str) -> SchemaVerdict:
    """What the reference validator alone answers (the verifier before the fast path)."""
    errors = schema_errors(document, schema_id)
    if not errors:
        return SchemaVerdict("formal")
    if schema_id in COMPACTION_VARIANTS and not schema_errors(document, schema_id, compaction=True):
        return SchemaVerdict("compacted")
    return SchemaVerdict(None, tuple(errors))


def _assert_same(document: Any) -> None:
    for schema_id in SCHEMA_IDS:
        for path in (SCHEMA_FILES[schema_id], COMPACTION_VARIANTS.get(schema_id)):
            if path is not None and _fast_valid(document, path):
                variant = "compaction" if path != SCHEMA_FILES[schema_id] else "formal"
                assert not schema_errors(document, schema_id, compaction=variant == "compaction"), (
                    f"jsonschema-rs accepts what jsonschema rejects ({schema_id}, {variant})"
                )
        assert check_schema(document, schema_id) == _reference(document, schema_id)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _is_credential(document: Any) -> bool:
    return isinstance(document, dict) and "@context" in document and "type" in document


def _files() -> list[Path]:
    found = sorted(VECTORS.rglob("*.json"))
    if EXAMPLES.is_dir():
        found += sorted(EXAMPLES.rglob("*.json"))
    return [p for p in found if _is_credential(_load(p))]


def _issued() -> dict[str, dict[str, Any]]:
    """Credentials as we issue them: statement and level, rdfc and jcs, proof list and object."""
    framework = index_framework(read_export(SEED_FILES[0])[0])
    achievements = map_framework(framework, BASE)
    level = framework.levels[-1]
    kinds = {
        "statement": (achievements.statements[level.statements[0].key], None),
        "level": (
            achievements.levels[level.key],
            [achieved_level_result(framework, level, BASE)],
        ),
    }
    issued = {}
    for kind, (achievement, results) in kinds.items():
        document = compose_credential(
            credential_id=f"{BASE}/credentials/{kind}",
            issuer=Profile(id=DID, name="Example Training Provider", url=f"{BASE}/"),
            achievement=achievement,
            recipient=Recipient(email="learner@example.org", name="Learner Nº1", salt="s1"),
            valid_from=CREATED,
            results=results,
        ).to_ld()
        issued[f"{kind}-unsigned"] = document
        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            signed = add_proof(document, SIGNER, created=CREATED, cryptosuite=suite)
            issued[f"{kind}-{suite}"] = signed
            issued[f"{kind}-{suite}-one-proof"] = {**signed, "proof": signed["proof"][0]}
    return issued


ISSUED = _issued()


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every path into `value` (keys and list indices), parents before children."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


def _replaced(document: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """A copy of `document` with the value at `path` replaced (or removed if `value` is ...)."""
    copied = copy.deepcopy(document)
    parent = copied
    for key in path[:-1]:
        parent = parent[key]
    if value is ...:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copied


def _mutations(document: Any, step: int = 1) -> Iterator[Any]:
    """Each `step`th path removed, unwrapped or wrapped, and given one of BAD_VALUES (in turn)."""
    for number, path in enumerate(list(_paths(document))[::step]):
        current: Any = document
        for key in path:
            current = current[key]
        yield _replaced(document, path, ...)
        yield _replaced(document, path, BAD_VALUES[number % len(BAD_VALUES)])
        if isinstance(current, list) and current:
            yield _replaced(document, path, current[0])
        elif isinstance(current, str):
            yield _replaced(document, path, [current])
            yield _replaced(document, path, current + "\n")


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(p.parents[1]).as_posix())
def test_examples_and_vectors_get_the_reference_verdict(path: Path) -> None:
    _assert_same(_load(path))


@pytest.mark.parametrize("name", sorted(ISSUED))
def test_our_credentials_get_the_reference_verdict(name: str) -> None:
    document = ISSUED[name]
    _assert_same(document)
    expected = "compacted" if name.endswith("one-proof") else "formal"
    assert check_schema(document, OB_ACHIEVEMENT_CREDENTIAL).follows == expected


@pytest.mark.parametrize(
    ("name", "step"),
    [("statement-eddsa-rdfc-2022-one-proof", 1), ("level-eddsa-jcs-2022", 7), ("vector", 1)],
)
def test_single_mutations_get_the_reference_verdict(name: str, step: int) -> None:
    if name == "vector":
        document = _load(VECTORS / "1edtech-ob-v3p0-eddsa-rdfc-2022" / "credential.signed.json")
    else:
        document = ISSUED[name]
    verdicts = set()
    for mutated in _mutations(document, step):
        _assert_same(mutated)
        verdicts.add(check_schema(mutated, OB_ACHIEVEMENT_CREDENTIAL).follows)
    assert verdicts == {"formal", "compacted", None}  # the mutations reach every verdict


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.sampled_from(BAD_VALUES[6:15]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
MUTABLE = ISSUED["level-eddsa-rdfc-2022-one-proof"]
MUTABLE_PATHS = list(_paths(MUTABLE))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(MUTABLE_PATHS), st.just(...) | JSON_VALUES),
        min_size=1,
        max_size=3,
    )
)
def test_random_mutations_get_the_reference_verdict(edits: list[tuple[Any, Any]]) -> None:
    document = MUTABLE
    for path, value in edits:
        try:
            document = _replaced(document, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced the path
    _assert_same(document)
