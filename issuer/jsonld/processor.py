"""pyld's JSON-LD processor in safe mode, with the caches of `issuer.jsonld.memo`.

`Processor(memo).normalize(document, options)` gives the same N-Quads as
`jsonld.normalize`, or raises `UndefinedTerm` where pyld would drop data. The
overrides keep pyld's algorithms and only skip repeated work:

- `_process_context` and `_expand` consult the memo (see its docstring);
- the input document is deep-copied by a JSON-only copier instead of
  `copy.deepcopy` (same result for parsed JSON, several times faster);
- URDNA2015 copies a blank-node term `{"type", "value"}` with a literal
  instead of `copy.deepcopy` (a flat dict of two strings);
- `normalize` converts the expanded document with `issuer.jsonld.quads` and
  labels it with `issuer.jsonld.rdfc` when they apply, else runs the rest of
  pyld's `to_rdf` and its full URDNA2015 on a copy of the same expansion.

**Hazmat**: this relies on pyld 3.3 internals; pyproject pins the minor version and
`issuer.jsonld.fast` checks, before first use, that each internal used here, in `memo`,
`template`, `quads`, `rdfc` and `view_template` is still the one this code was written
against, else plain pyld runs (`ISSUER_JSONLD_FAST=0` forces that). Callers go through
`issuer.jsonld.canonical` and `issuer.jsonld.view`, which consult that switch.
"""

from typing import Any

from pyld import jsonld as _pyld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdError, JsonLdProcessor

from issuer.jsonld.memo import ProcessingMemo, json_copy
from issuer.jsonld.quads import Unsupported, to_quads
from issuer.jsonld.rdfc import canonical_nquads
from issuer.jsonld.safe import refuse_dropped_property, require_absolute_iris

_NQUADS = {"format": "application/n-quads"}


class _Document(dict):  # type: ignore[type-arg]
    """The input document; pyld deep-copies it first, and this copy is faster."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {k: json_copy(v) for k, v in self.items()}


class _Urdna2015(URDNA2015):  # type: ignore[misc]
    def modify_first_degree_component(self, id_: str, component: Any, key: str) -> Any:
        if component["type"] != "blank node":
            return component
        return {"type": "blank node", "value": "_:a" if component["value"] == id_ else "_:z"}


class Processor(JsonLdProcessor):  # type: ignore[misc]
    """A pyld processor that refuses undefined terms and reuses `memo`."""

    def __init__(self, memo: ProcessingMemo) -> None:
        super().__init__(on_property_dropped=refuse_dropped_property)
        self._memo = memo

    def options(self, **extra: Any) -> dict[str, Any]:
        """Return pyld options: this memo's loader and resolver, and no base IRI.

        pyld resolves relative IRIs against "http://example.org/base/" when the
        base is "" (its default); with None they stay relative, and safe mode
        refuses them. Documents without relative IRIs canonicalize the same.
        """
        return {
            "documentLoader": self._memo.load,
            "contextResolver": self._memo.resolver(),
            "base": None,
            **extra,
        }

    def expand(self, input_: Any, options: dict[str, Any]) -> Any:
        """Expand as pyld does, then refuse relative IRIs (RDF conversion would drop them)."""
        if type(input_) is dict:
            input_ = _Document(input_)
        expanded = super().expand(input_, options)
        require_absolute_iris(expanded)
        return expanded

    def normalize(self, input_: Any, options: dict[str, Any]) -> str:
        """Return the URDNA2015 (RDFC-1.0) N-Quads of JSON-LD `input_`.

        Expands as pyld's `to_rdf` does, then tries the direct conversion of
        `issuer.jsonld.quads` and the first-degree labelling of
        `issuer.jsonld.rdfc`; whenever either declines, the rest of pyld's
        `to_rdf` (node map, `_graph_to_rdf`) and its full URDNA2015 run on the
        same expanded document.
        """
        to_rdf_options = {k: v for k, v in options.items() if k not in ("format", "algorithm")}
        to_rdf_options["produceGeneralizedRdf"] = False
        to_rdf_options.setdefault("extractAllScripts", True)
        to_rdf_options.setdefault("processingMode", "json-ld-1.1")
        try:
            expanded = self.expand(input_, to_rdf_options)
        except JsonLdError as cause:  # as pyld's to_rdf words it
            raise JsonLdError(
                "Could not expand input before serialization to RDF.", "jsonld.RdfError"
            ) from cause
        try:
            fast = canonical_nquads(to_quads(expanded)[0])
        except Unsupported:
            fast = None
        if fast is not None:
            return fast
        dataset = self._dataset(json_copy(expanded), to_rdf_options)  # the node map writes
        return _Urdna2015().main(dataset, _NQUADS)  # type: ignore[no-any-return]

    def _dataset(self, expanded: Any, options: dict[str, Any]) -> dict[str, Any]:
        """The end of pyld's `to_rdf`, after expansion: the RDF dataset of `expanded`."""
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        self._create_node_map(expanded, node_map, "@default", issuer)
        return {
            name: self._graph_to_rdf(graph, issuer, options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or _pyld._is_absolute_iri(name)
        }

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: set[str] | None = None,
    ) -> Any:
        def compute() -> Any:
            return super(Processor, self)._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected=override_protected,
                propagate=propagate,
                validate_scoped=validate_scoped,
                cycles=cycles,
            )

        if cycles is not None:
            return compute()
        flags = (override_protected, propagate, validate_scoped)
        return self._memo.process_context(active_ctx, local_ctx, options, flags, compute)

    def _expand(
        self,
        active_ctx: Any,
        active_property: str | None,
        element: Any,
        options: dict[str, Any],
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        def compute() -> Any:
            return super(Processor, self)._expand(
                active_ctx,
                active_property,
                element,
                options,
                inside_list=inside_list,
                inside_index=inside_index,
                type_scoped_ctx=type_scoped_ctx,
            )

        flags = (inside_list, inside_index)
        return self._memo.expand(
            active_ctx, active_property, element, options, flags, type_scoped_ctx, compute
        )
