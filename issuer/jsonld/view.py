"""The signed view of a document: what its signature covers, spelled with trusted terms.

    view = signed_view(credential)  # a dict; raises InvalidInput (or a subclass)

An eddsa-rdfc-2022 signature covers the RDF of a document, not its JSON: renaming
`credentialStatus` to its full IRI, `type` to `@type`, or writing a date as a
`{"@value", "@type"}` object keeps the RDF, and so the signature. Checks that read
JSON keys must therefore read this view instead of the document as received:

    view = compact(expand(document), trusted_context)

- `expand` is the project's safe-mode expansion (`canonical.expand`, offline loader):
  undefined terms, unknown contexts and relative IRIs are refused there.
- `trusted_context` is the document's own `@context` list with only its URL strings
  kept. Inline context objects are dropped, so one cannot alias a term (an inline
  `"status": ".../credentials#credentialStatus"` would otherwise win compaction).
- Compaction is pyld's (`compactArrays` on), through `Processor` and the loader's
  memo, so contexts are processed once per loader. From a shape's second occurrence
  on, the view is filled in from a per-shape template instead
  (`issuer.jsonld.view_template`, exactly the same result; about 10x faster). Both are
  the hazmat fast path: with it off (`issuer.jsonld.fast`), plain pyld compacts.

Whatever JSON spelling a document uses, the view spells the same RDF the same way.
What compaction cannot put under a trusted term stays readable as trouble, never as
absence:

- a value that does not fit its term (a date with another datatype, a status
  reference written as a string literal) compacts to the property's IRI; for the
  properties verification decides on (`VERDICT_TERMS`) it is moved under the term,
  literals wrapped as `{"@value": ...}`, so the check reading it fails;
- RDF that no JSON tree shows in one place is refused (`InvalidInput`): more than
  one top-level node, `@included`, `@reverse`, or one node written in two places
  with different properties (which would let a date hide in a second copy).

The view's `@context` is the document's own, as written, so the rule on the first
context and the schemas' `@context` rules still apply to what was received.
"""

from typing import Any, TypeGuard

from issuer.errors import InvalidInput
from issuer.jsonld.canonical import domain_errors, expand, processor_for
from issuer.jsonld.fast import fast_path_enabled
from issuer.jsonld.loader import DocumentLoader, document_loader
from issuer.jsonld.memo import ProcessingMemo, memo_for
from issuer.jsonld.view_template import view_template
from issuer.model.spec import as_list

CRED = "https://www.w3.org/2018/credentials#"
STATUS = "https://www.w3.org/ns/credentials/status#"
STATUS_2021 = "https://w3id.org/vc/status-list#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_CREDENTIAL_TERMS = (
    "credentialStatus",
    "credentialSchema",
    "credentialSubject",
    "issuer",
    "holder",
    "validFrom",
    "validUntil",
    "issuanceDate",
    "expirationDate",
)
_STATUS_TERMS = (
    "statusPurpose",
    "statusListIndex",
    "statusListCredential",
    "statusSize",
    "statusMessage",
)

VERDICT_TERMS: dict[str, str] = {
    **{CRED + term: term for term in _CREDENTIAL_TERMS},
    **{STATUS + term: term for term in _STATUS_TERMS},
    **{STATUS_2021 + term: term for term in _STATUS_TERMS[:3]},
    RDF_TYPE: "type",
}
"""IRI -> the term the checks read it under, for every property verification decides on."""

_CHECKED_VALUES = tuple(
    CRED + term for term in ("credentialStatus", "credentialSchema", "credentialSubject", "issuer")
)


def signed_view(
    document: dict[str, Any], *, loader: DocumentLoader | None = None
) -> dict[str, Any]:
    """Return the compacted signed meaning of `document` (see the module docstring).

    Raises `UndefinedTerm`, `ContextNotAvailable` or `InvalidInput` when the document
    is not safe-mode JSON-LD or its RDF is not one tree.
    """
    memo = memo_for(loader or document_loader())
    contexts = document.get("@context")
    trusted = [c for c in (contexts if isinstance(contexts, list) else [contexts]) if _is_url(c)]
    template, leaves = view_template(document, trusted, memo) if fast_path_enabled() else (None, [])
    if template is not None:
        ids = template.node_ids(leaves)
        distinct = len(set(ids)) == len(ids)
        _require_one_tree(template.expanded if distinct else template.expansion(leaves))
        view = template.view(leaves)
    else:
        view = _compacted(expand(document, loader=loader), trusted, memo)
    _fold_strays(view, _prefixes(trusted, memo))
    view.pop("@context", None)
    if "@context" in document:
        return {"@context": document["@context"], **view}
    return view


def _compacted(expanded: Any, trusted: list[str], memo: ProcessingMemo) -> dict[str, Any]:
    """pyld's compaction of `expanded` with `trusted`, once it is known to be one tree."""
    _require_one_tree(expanded)
    processor = processor_for(memo)
    with domain_errors():
        view = processor.compact(
            expanded,
            {"@context": trusted},
            processor.options(compactArrays=True, skipExpansion=True),
        )
    if not isinstance(view, dict):  # pragma: no cover - compact always returns an object
        raise InvalidInput("the document is not one JSON-LD node")
    return view


def _is_url(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and "://" in value


def _require_one_tree(expanded: Any) -> None:
    """Raise `InvalidInput` unless `expanded` is one node whose checked RDF its tree shows in place.

    A node written in two places with different properties is refused when one of the
    places could hide what a check reads: any second copy of the top node, or a copy
    holding a `VERDICT_TERMS` property other than the top node's own status, schema,
    subject and issuer values (which are all checked, each on its own).
    """
    if not isinstance(expanded, list) or len(expanded) != 1 or not isinstance(expanded[0], dict):
        raise InvalidInput("the document is not one JSON-LD node")
    top = expanded[0]
    checked = {id(top)}
    for prop in _CHECKED_VALUES:
        checked.update(id(value) for value in top.get(prop, ()))
    copies: dict[str, list[dict[str, Any]]] = {}
    stack: list[Any] = [top]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict) or "@value" in item:
            continue
        for keyword in ("@included", "@reverse"):
            if keyword in item:
                raise InvalidInput(
                    f"the document uses {keyword}, which this verifier does not read"
                )
        if isinstance(item.get("@id"), str):
            copies.setdefault(item["@id"], []).append(item)
        stack.extend(value for key, value in item.items() if key != "@id")
    for node_id, nodes in copies.items():
        if len(nodes) < 2 or all(node == nodes[0] for node in nodes):
            continue
        hidden = [n for n in nodes if id(n) not in checked and VERDICT_TERMS.keys() & n.keys()]
        if node_id == top.get("@id") or hidden:
            raise InvalidInput(
                f"the document describes {node_id} in two places with different properties"
            )


def _fold_strays(view: Any, prefixes: dict[str, frozenset[str]]) -> None:
    """Move values that compacted to a `VERDICT_TERMS` IRI under their term, marked as odd."""
    stack = [view]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        for key in list(item):
            if key == "@context":
                continue
            term = _verdict_term(key, prefixes) if ":" in key else None
            if term is not None:
                strays = [_odd(value) for value in as_list(item.pop(key))]
                values = as_list(item.get(term)) + strays
                item[term] = values[0] if len(values) == 1 else values
            stack.append(item.get(term or key))


def _verdict_term(key: str, prefixes: dict[str, frozenset[str]]) -> str | None:
    if key in VERDICT_TERMS:
        return VERDICT_TERMS[key]
    prefix, _, rest = key.partition(":")
    for base in prefixes.get(prefix, ()):
        term = VERDICT_TERMS.get(base + rest)
        if term is not None:
            return term
    return None


def _odd(value: Any) -> Any:
    """A value compaction could not put under its term: objects as they are, literals wrapped."""
    return value if isinstance(value, dict) else {"@value": value}


def _prefixes(contexts: list[str], memo: ProcessingMemo) -> dict[str, frozenset[str]]:
    """Term -> the absolute IRIs it is defined as anywhere in `contexts` (a superset of prefixes)."""
    key = ("view-prefixes", tuple(contexts))
    found = memo.context_info.get(key)
    if found is None:
        collected: dict[str, set[str]] = {}
        loaded: set[str] = set()
        stack: list[Any] = list(contexts)
        while stack:
            value = stack.pop()
            if isinstance(value, str):
                if value not in loaded and _is_url(value):
                    loaded.add(value)
                    stack.append(memo.load(value).get("document"))
            elif isinstance(value, dict):
                for term, definition in value.items():
                    iri = definition.get("@id") if isinstance(definition, dict) else definition
                    if isinstance(iri, str) and "://" in iri:
                        collected.setdefault(term, set()).add(iri)
                    if term in ("@context", "@import"):
                        stack.append(definition)
                    elif isinstance(definition, dict):
                        stack.append(definition)
            elif isinstance(value, list):
                stack.extend(value)
        found = {term: frozenset(iris) for term, iris in collected.items()}
        memo.context_info[key] = found
    return found  # type: ignore[no-any-return]
