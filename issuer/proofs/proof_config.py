"""Canonical N-Quads of a proof configuration, reusing a template per configuration.

Signing many credentials with one key canonicalizes the same proof
configuration again and again, with only `created` changing. For a
configuration (minus `created`) seen before, we substitute the new `created`
into the N-Quads canonicalized once with a sentinel date. This gives exactly
what `canonicalize` would, because we only use the template when:

- the sentinel appears once, as the literal `"<sentinel>"^^xsd:dateTime`, so
  the context makes `created` a typed literal whatever its value;
- there is at most one blank node, so canonical labels cannot change;
- `created` matches a strict XML Schema dateTimeStamp pattern, so N-Quads
  escaping leaves it verbatim;

and we re-sort the lines after substituting (canonical N-Quads are sorted).
Anything else is canonicalized in full. `tests/unit/proofs/test_fast_path.py`
checks this against plain pyld.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from issuer.jsonld.canonical import canonicalize
from issuer.jsonld.loader import DocumentLoader, document_loader
from issuer.jsonld.memo import memo_for

DATETIME_STAMP = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
SENTINEL = "2000-01-01T00:00:00Z"
_SENTINEL_LITERAL = f'"{SENTINEL}"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
_BLANK_NODE = re.compile(r"_:[A-Za-z0-9]+")


@dataclass(frozen=True)
class _Template:
    lines: tuple[str, ...]
    before: str
    after: str

    def fill(self, created: str) -> str:
        return "".join(sorted([*self.lines, self.before + created + self.after]))


_NO_TEMPLATE = _Template((), "", "")


def canonical_proof_config(config: dict[str, Any], *, loader: DocumentLoader | None = None) -> str:
    """Return `canonicalize(config)`, from a template when only `created` differs."""
    loader = loader or document_loader()
    created = config.get("created")
    if not isinstance(created, str) or not DATETIME_STAMP.fullmatch(created):
        return canonicalize(config, loader=loader)
    try:
        key = json.dumps({k: v for k, v in config.items() if k != "created"}, allow_nan=False)
    except (TypeError, ValueError):
        return canonicalize(config, loader=loader)
    cache = memo_for(loader).proof_configs
    template: _Template | None = cache.get(key)
    if template is None:
        template = _make_template(config, loader)
        cache[key] = template
    if template is _NO_TEMPLATE:
        return canonicalize(config, loader=loader)
    return template.fill(created)


def _make_template(config: dict[str, Any], loader: DocumentLoader) -> _Template:
    nquads = canonicalize({**config, "created": SENTINEL}, loader=loader)
    if nquads.count(SENTINEL) != 1 or len(set(_BLANK_NODE.findall(nquads))) > 1:
        return _NO_TEMPLATE
    lines = nquads.splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if SENTINEL in line]
    if _SENTINEL_LITERAL not in lines[index]:
        return _NO_TEMPLATE
    before, after = lines.pop(index).split(SENTINEL)
    return _Template(tuple(lines), before, after)
