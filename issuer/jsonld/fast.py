"""The switch for the canonicalization fast path, and the guard on the pyld internals it relies on.

**Hazmat.** The fast path (`processor`, `memo`, `template`, `quads`, `rdfc`, `view_template`)
is the project's hazardous-materials layer: it overrides and calls private pyld functions and
re-implements parts of pyld's RDF conversion and RDFC-1.0 labelling, so a change inside pyld
could change what gets signed. It is used only when `fast_path_enabled()`:

- `ISSUER_JSONLD_FAST` is not `0` (set it to `0` to run plain pyld everywhere), and
- the installed pyld is the pinned minor version (`PYLD_MINOR`), and every private function
  the fast path overrides, calls or mirrors still has the signature and the source text
  (SHA-256 of `inspect.getsource`) it was written against (`EXPECTED`).

Otherwise a warning is logged once and `issuer.jsonld.canonical` and `issuer.jsonld.view` run
plain pyld through its public API, in the same safe mode (`issuer.jsonld.safe.SafeProcessor`):
slower, never a different result. This module imports nothing from the fast path.
"""

import functools
import hashlib
import inspect
import logging
import os
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

LOG = logging.getLogger(__name__)

SWITCH = "ISSUER_JSONLD_FAST"
PYLD_MINOR = "3.3"

EXPECTED: dict[str, tuple[str, str]] = {
    # name: (parameters, first 16 hex digits of the SHA-256 of the source)
    "jsonld.JsonLdProcessor.__init__": ("(self, on_property_dropped=…)", "bd8135be05c33d97"),
    "jsonld.JsonLdProcessor.expand": ("(self, input_, options)", "43fefbf0d5d5933d"),
    "jsonld.JsonLdProcessor.compact": ("(self, input_, ctx, options)", "a11af71f093f9682"),
    "jsonld.JsonLdProcessor._process_context": (
        "(self, active_ctx, local_ctx, options, override_protected=False, propagate=True, "
        "validate_scoped=True, cycles=None)",
        "c7fffee240b79f65",
    ),
    "jsonld.JsonLdProcessor._expand": (
        "(self, active_ctx, active_property, element, options, inside_list=False, "
        "inside_index=False, type_scoped_ctx=None)",
        "cd2a14909c51a21c",
    ),
    "jsonld.JsonLdProcessor._expand_index_map": (
        "(self, active_ctx, active_property, value, index_key, as_graph, property_index, options)",
        "e072d9e3c3707ba8",
    ),
    "jsonld.JsonLdProcessor._create_node_map": (
        "(self, input_, graph_map, active_graph, issuer, active_subject=None, "
        "active_property=None, list_=None)",
        "fd8881d2c38b4fa2",
    ),
    "jsonld.JsonLdProcessor._graph_to_rdf": ("(self, graph, issuer, options)", "50ae77f2b1ab23ba"),
    "jsonld.JsonLdProcessor._object_to_rdf": (
        "(self, item, issuer, triples, options)",
        "9193cc00b1001ac3",
    ),
    "jsonld.JsonLdProcessor._compact_iri": (
        "(self, active_ctx, iri, value=None, vocab=False, base=None, reverse=False)",
        "ed5d1429d009777c",
    ),
    "jsonld.JsonLdProcessor.compare_values": ("(v1, v2)", "b1cb56c47bec97d3"),
    "jsonld.JsonLdProcessor.to_rdf": ("(self, input_, options)", "d6d3a01b25868853"),
    "jsonld._is_absolute_iri": ("(v)", "82219a0a9e1500ec"),
    "canon.URDNA2015.main": ("(self, dataset, options)", "cc2371fa07438151"),
    "canon.URDNA2015.hash_first_degree_quads": ("(self, id_)", "fc51d0e8b21cf4bc"),
    "canon.URDNA2015.modify_first_degree_component": (
        "(self, id_, component, key)",
        "0395366c7d739277",
    ),
    "identifier_issuer.IdentifierIssuer.__init__": ("(self, prefix)", "0909bf2084912a29"),
    "context_resolver.ContextResolver.__init__": (
        "(self, shared_cache, document_loader, max_context_urls=10)",
        "b6adb716e488258c",
    ),
    "nquads.escape": ("(value)", "576f3ffd8e0ff90c"),
    "nquads.serialize_nquad": ("(triple, graph_name=None)", "f5c987bf231df7e7"),
}
"""What the fast path was written against (pyld 3.3.0); an empty digest checks the signature only."""


def parameters(function: Callable[..., Any]) -> str:
    """Return `function`'s parameters as `(a, b=None, c=…)`: names, and simple defaults only."""
    shown = []
    for parameter in inspect.signature(function).parameters.values():
        text = str(parameter.replace(annotation=inspect.Parameter.empty))
        if parameter.default is not inspect.Parameter.empty:
            default = parameter.default
            simple = default is None or isinstance(default, bool | int | str)
            text = f"{parameter.name}={default!r}" if simple else f"{parameter.name}=…"
        shown.append(text)
    return f"({', '.join(shown)})"


def _resolve(name: str) -> Any:
    import importlib

    module_name, *attributes = name.split(".")
    value: Any = importlib.import_module(f"pyld.{module_name}")
    for attribute in attributes:
        value = getattr(value, attribute)
    return value


def check_pyld() -> list[str]:
    """Return what differs between the installed pyld and what the fast path expects (empty: none)."""
    problems = []
    try:
        installed = version("PyLD")
    except PackageNotFoundError:
        installed = "unknown"
    if installed.split(".")[:2] != PYLD_MINOR.split("."):
        problems.append(
            f"pyld {installed} is installed; the fast path was written for {PYLD_MINOR}"
        )
    for name, (expected, digest) in EXPECTED.items():
        try:
            function = _resolve(name)
            found = parameters(function)
            source = inspect.getsource(function) if digest else ""
        except (ImportError, AttributeError, TypeError, ValueError, OSError) as err:
            problems.append(f"pyld {name} cannot be inspected ({type(err).__name__}: {err})")
            continue
        if found != expected:
            problems.append(f"pyld {name}{found} differs from {name}{expected}")
        elif digest and hashlib.sha256(source.encode()).hexdigest()[:16] != digest:
            problems.append(f"pyld {name} has changed (source digest)")
    return problems


def decide(environ: Mapping[str, str]) -> bool:
    """Return whether to use the fast path: not switched off, and the guard finds nothing."""
    if environ.get(SWITCH, "").strip() == "0":
        return False
    problems = check_pyld()
    if problems:
        LOG.warning(
            "JSON-LD fast path disabled, using plain pyld (slower, same results): %s",
            "; ".join(problems),
        )
        return False
    return True


@functools.cache
def fast_path_enabled() -> bool:
    """Return whether canonicalization and the signed view take the fast path (decided once)."""
    return decide(os.environ)
