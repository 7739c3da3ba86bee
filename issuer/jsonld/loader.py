"""An offline pyld document loader over the bundled contexts.

Pass it explicitly: `options={"documentLoader": document_loader()}`; never
install it with `jsonld.set_document_loader` (a process global).
"""

import functools
from collections.abc import Callable, Mapping
from typing import Any

from issuer.errors import ContextNotAvailable
from issuer.jsonld.contexts import bundled_contexts, thaw

DocumentLoader = Callable[[str, dict[str, Any] | None], dict[str, Any]]


class OfflineLoader:
    """A document loader that serves a fixed set of contexts and refuses every other URL."""

    def __init__(self, contexts: Mapping[str, Any]) -> None:
        self._contexts = contexts

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return the pyld remote document for `url`; raise `ContextNotAvailable` if unknown."""
        try:
            document = self._contexts[url]
        except (KeyError, TypeError):
            raise ContextNotAvailable(
                f"the JSON-LD context {url!r} is not one this service knows"
            ) from None
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": thaw(document),
            "contentType": "application/ld+json",
            "tag": "static",
        }

    def __contains__(self, url: object) -> bool:
        return url in self._contexts

    def __repr__(self) -> str:
        return f"OfflineLoader({len(self._contexts)} contexts)"


def make_document_loader(contexts: Mapping[str, Any]) -> DocumentLoader:
    """Return an offline loader serving exactly `contexts` (URL -> parsed document)."""
    return OfflineLoader(contexts)


@functools.cache
def document_loader() -> DocumentLoader:
    """Return the process-wide offline loader over `contexts/`."""
    return OfflineLoader(bundled_contexts())
