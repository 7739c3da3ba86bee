"""The bundled JSON-LD contexts: URL -> parsed document, read once and never mutated.

`contexts/INDEX.json` (package data: `issuer.paths.CONTEXTS`) maps each context URL
to a file in the same folder.
Documents are stored deeply frozen (mappings and tuples); `thaw()` returns a
fresh mutable copy for a JSON-LD processor to own.
"""

import functools
import json
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

from issuer.paths import CONTEXTS

INDEX_FILE = "INDEX.json"


def freeze(value: Any) -> Any:
    """Return `value` (parsed JSON) as nested read-only mappings and tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Return a mutable deep copy (dicts and lists) of a frozen JSON value."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def read_contexts(directory: Traversable) -> Mapping[str, Any]:
    """Return URL -> frozen context for every entry of `directory/INDEX.json`."""
    index = json.loads((directory / INDEX_FILE).read_text(encoding="utf-8"))
    contexts = {
        url: freeze(json.loads((directory / name).read_text(encoding="utf-8")))
        for url, name in index.items()
    }
    return MappingProxyType(contexts)


@functools.cache
def bundled_contexts() -> Mapping[str, Any]:
    """Return the contexts bundled in the package (`contexts/`), read on first use."""
    return read_contexts(CONTEXTS)
