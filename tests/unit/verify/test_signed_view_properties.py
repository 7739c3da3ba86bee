"""Property: no rewrite that keeps a credential's RDF turns a failing verdict into a passing one.

Revoked, suspended, expired and not-yet-valid credentials, signed with eddsa-rdfc-2022
and eddsa-jcs-2022, are rewritten by hypothesis in ways that keep their RDF: full-IRI
keys, `type`/`id` as `@type`/`@id`, strings as `{"@value": ...}` objects with the term's
datatype, compact IRIs through an added prefix, single values and one-element arrays
swapped, keys reordered, and terms aliased by an added inline context. For rdfc the
rewrite's canonical N-Quads are asserted equal to the original's (so the generator
really keeps the RDF, and the signature).
"""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuer.jsonld.canonical import canonicalize
from issuer.verify.status import StatusListFetcher, refuse_all
from tests.unit.verify.builders import sign, status_entry, status_list, unsigned_credential
from tests.unit.verify.test_pipeline import lists_fetcher, verify

CRED = "https://www.w3.org/2018/credentials#"
STATUS = "https://www.w3.org/ns/credentials/status#"
DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")

# term -> (IRI, kind of value, inline alias); kinds: node, date, plain, id
CREDENTIAL_TERMS = {
    "credentialStatus": (CRED + "credentialStatus", "node", "status"),
    "credentialSubject": (CRED + "credentialSubject", "node", "about"),
    "issuer": (CRED + "issuer", "node", "madeBy"),
    "validFrom": (CRED + "validFrom", "date", "since"),
    "validUntil": (CRED + "validUntil", "date", "expires"),
    "name": ("https://schema.org/name", "plain", "title"),
}
ENTRY_TERMS = {
    "statusPurpose": (STATUS + "statusPurpose", "plain", None),
    "statusListIndex": (STATUS + "statusListIndex", "plain", None),
    "statusListCredential": (STATUS + "statusListCredential", "id", None),
}


def _cases() -> list[tuple[str, str, dict[str, Any], StatusListFetcher]]:
    """(case, suite, signed credential, fetcher) for every failing case and suite."""
    revoked = lists_fetcher(status_list("revocation", set_bits=(7,)))
    suspended = lists_fetcher(status_list("suspension", set_bits=(7,)))
    unsigned = {
        "revoked": (unsigned_credential(status=[status_entry("revocation", 7)]), revoked),
        "suspended": (unsigned_credential(status=[status_entry("suspension", 7)]), suspended),
        "expired": (unsigned_credential(validUntil="2025-03-01T00:00:00Z"), refuse_all),
        "not yet valid": (unsigned_credential(validFrom="2026-02-03T10:00:00Z"), refuse_all),
    }
    return [
        (case, suite, sign(document, cryptosuite=suite), fetch)
        for case, (document, fetch) in unsigned.items()
        for suite in SUITES
    ]


CASES = _cases()


class Rewriter:
    """Draws RDF-preserving rewrites of a credential, collecting the inline context it needs."""

    def __init__(self, data: st.DataObject) -> None:
        self.draw = data.draw
        self.context: dict[str, Any] = {}

    def document(self, credential: dict[str, Any]) -> dict[str, Any]:
        rewritten = self.node(credential, CREDENTIAL_TERMS)
        if self.context:
            rewritten["@context"] = [*credential["@context"], self.context]
        return rewritten

    def node(self, node: dict[str, Any], terms: dict[str, Any]) -> dict[str, Any]:
        keys = self.draw(st.permutations(list(node)))
        rewritten: dict[str, Any] = {}
        for key in keys:
            value = node[key]
            if key in ("@context", "proof"):
                rewritten[key] = value
                continue
            inner = ENTRY_TERMS if key == "credentialStatus" and terms is CREDENTIAL_TERMS else {}
            value = self.value(value, inner)
            new_key, value = self.key(key, value, terms)
            rewritten[new_key] = value
        return rewritten

    def value(self, value: Any, terms: dict[str, Any]) -> Any:
        if isinstance(value, dict):
            value = self.node(value, terms)
        elif isinstance(value, list):
            value = [self.value(item, terms) for item in value]
        if isinstance(value, list) and len(value) == 1 and self.draw(st.booleans()):
            return value[0]
        return value

    def key(self, key: str, value: Any, terms: dict[str, Any]) -> tuple[str, Any]:
        if key in ("id", "type"):
            key = self.draw(st.sampled_from([key, "@" + key]))
        elif key in terms:
            iri, kind, alias = terms[key]
            spellings = ["term", "iri"] + (["compact"] if iri.startswith(CRED) else [])
            spelling = self.draw(st.sampled_from(spellings + (["alias"] if alias else [])))
            value = self.literal(value, kind, keeps_term=spelling in ("term", "alias"))
            if spelling == "iri":
                key = iri
            elif spelling == "compact":
                self.context["cred"] = CRED
                key = "cred:" + iri.removeprefix(CRED)
            elif spelling == "alias":
                self.context[alias] = {"@id": iri, **_coercion(kind)}
                key = alias
        if key not in ("id", "@id") and not isinstance(value, list) and self.draw(st.booleans()):
            value = [value]
        return key, value

    def literal(self, value: Any, kind: str, *, keeps_term: bool) -> Any:
        """A string value as the term's coercion reads it, spelled out when the key loses it."""
        if not isinstance(value, str):
            return value
        explicit = not keeps_term or self.draw(st.booleans())
        if not explicit:
            return value
        if kind == "date":
            return {"@value": value, "@type": DATE_TIME}
        if kind in ("node", "id"):
            return {"@id": value}
        return {"@value": value}


def _coercion(kind: str) -> dict[str, str]:
    if kind == "date":
        return {"@type": DATE_TIME}
    return {"@type": "@id"} if kind in ("node", "id") else {}


@settings(max_examples=160, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CASES), data=st.data())
def test_rewrites_that_keep_the_rdf_never_verify(
    case: tuple[str, str, dict[str, Any], StatusListFetcher], data: st.DataObject
) -> None:
    name, suite, credential, fetch = case
    assert not verify(credential, fetch).verified, name
    rewritten = Rewriter(data).document(credential)
    if suite == "eddsa-rdfc-2022":
        assert canonicalize(rewritten) == canonicalize(credential)
    result = verify(rewritten, fetch)
    assert not result.verified, (name, suite, rewritten)
