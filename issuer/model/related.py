"""Digests of the resources this service knows byte for byte, to check `relatedResource`.

The bundled contexts (their files under `contexts/`) and, from `contexts/DIGESTS.json`,
earlier published versions of them whose digests credentials still carry.
"""

import functools
import hashlib
import json
from collections.abc import Mapping

from issuer.paths import CONTEXTS

ALGORITHMS = ("sha256", "sha384", "sha512")
DIGESTS_FILE = "DIGESTS.json"


@functools.cache
def _all_digests() -> Mapping[str, dict[str, frozenset[bytes]]]:
    index = json.loads((CONTEXTS / "INDEX.json").read_text(encoding="utf-8"))
    found: dict[str, dict[str, set[bytes]]] = {}
    for url, name in index.items():
        data = (CONTEXTS / name).read_bytes()
        by_algorithm = found.setdefault(url, {a: set() for a in ALGORITHMS})
        for algorithm in ALGORITHMS:
            by_algorithm[algorithm].add(hashlib.new(algorithm, data).digest())
    published = json.loads((CONTEXTS / DIGESTS_FILE).read_text(encoding="utf-8"))
    for url, versions in published.items():
        by_algorithm = found.setdefault(url, {a: set() for a in ALGORITHMS})
        for version in versions:
            for algorithm in ALGORITHMS:
                by_algorithm[algorithm].add(bytes.fromhex(version[algorithm]))
    return {url: {a: frozenset(d) for a, d in v.items()} for url, v in found.items()}


def known_digests(url: str) -> dict[str, frozenset[bytes]]:
    """Return algorithm -> the digests of every known version of `url` ({} if unknown)."""
    return _all_digests().get(url, {})
