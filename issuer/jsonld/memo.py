"""Per-loader caches, so that pyld stops redoing the same work on every call.

Profiling a credential signature showed where plain `jsonld.normalize` spends
its time (see `benchmarks/crypto.py`):

- Contexts. pyld caches a processed context under the `_uuid` of the active
  context it was applied to, but applies every type-scoped context (one per
  typed node) to a fresh clone with a new `_uuid`, so that cache never hits.
  Its resolved-context cache is also process-global and keyed by URL alone.
- Repeated subtrees. Every credential for one achievement carries the same
  Achievement (and issuer Profile) object, expanded again each time.

`ProcessingMemo` keeps, for one document loader, a private resolved-context
cache and two memos used by `issuer.jsonld.processor.Processor`:

- `_process_context` results. That method is a pure function of the active
  context (pyld freezes it and gives it a unique `_uuid`), the local context,
  three flags, the base IRI and the processing mode. We memoize only when the
  local context is a URL, a list of URLs, or an object from this loader's own
  context documents, which nothing mutates after loading.
- `_expand` results for node objects with an `id`. Expansion of a subtree is a
  pure function of the active and type-scoped contexts (frozen, by `_uuid`),
  the active property, flags, a few options, and the subtree itself, which we
  key by its exact JSON text. A subtree is kept from its second occurrence on,
  so one-off subtrees are never copied. Hits are handed out as the cached
  `SharedExpansion` object itself (read-only, see its docstring), or as a
  fresh copy inside index maps, where pyld writes into expanded children.

It also holds the caches of `issuer.jsonld.template` (per-shape templates,
and the terms of each set of contexts) and of `issuer.jsonld.shape` (node
objects already walked), kept per loader for the same reason.

Anything else goes to pyld unchanged. `tests/unit/proofs/test_fast_path.py`
compares the output with plain `jsonld.normalize` over many credentials.
"""

import copy
import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from typing import Any

from frozendict import frozendict
from pyld.context_resolver import ContextResolver

from issuer.jsonld.loader import DocumentLoader

MAX_RESOLVED = 512
MAX_PROCESSED = 1024
MAX_EXPANDED = 512
MAX_DOCUMENTS = 256
MAX_TEMPLATES = 512  # a level credential's template is about 60-140 KiB
MAX_SUBTREES = 256  # an achievement's marshal image is about 10 KiB
MAX_PROOF_CONFIGS = 256  # proof options (with their @context) remembered by issuer.proofs


class LockedLRU(MutableMapping[Hashable, Any]):
    """A least-recently-used cache of at most `maxsize` items, safe to share between threads.

    An `OrderedDict` behind a lock: a hit costs one lookup and one `move_to_end`.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """Return the cached value (now the most recently used) or `default`."""
        with self._lock:
            try:
                value = self._data[key]
            except KeyError:
                return default
            self._data.move_to_end(key)
            return value

    def __getitem__(self, key: Hashable) -> Any:
        with self._lock:
            value = self._data[key]
            self._data.move_to_end(key)
            return value

    def __setitem__(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __delitem__(self, key: Hashable) -> None:
        with self._lock:
            del self._data[key]

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._data

    def __iter__(self) -> Iterator[Hashable]:
        with self._lock:
            return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)


class SharedExpansion(dict):  # type: ignore[type-arg]
    """A memoized expanded subtree handed to every document that contains it: never mutate it.

    pyld only adds the expanded value of a child to its parent's list; the one
    place where it writes into a child's result is `_expand_index_map` (index,
    id and type maps), which expands with `inside_index=True`, and there the
    memo hands out a copy instead. Our own consumers read these objects only:
    `safe.require_absolute_iris` checks one once and records it in `safe`, and
    `quads.to_quads` converts one once into the template kept in `quads`.
    Anything that may write (pyld's node map, callers of `canonical.expand`)
    gets a `json_copy`, which turns these back into plain dicts.
    """

    __slots__ = ("quads", "safe")

    def __init__(self, value: dict[str, Any]) -> None:
        super().__init__(value)
        self.safe = False
        self.quads: Any = None


def json_copy(value: Any) -> Any:
    """Return a deep copy of parsed JSON (dicts, lists, scalars); other objects are deep-copied."""
    kind = type(value)
    if kind is dict or kind is SharedExpansion:
        return {k: json_copy(v) for k, v in value.items()}
    if kind is list:
        return [json_copy(v) for v in value]
    if kind in (str, int, float, bool) or value is None:
        return value
    return copy.deepcopy(value)


def _frozen_uuid(context: Any) -> str | None:
    if type(context) is frozendict:
        return context.get("_uuid")
    return None


class ProcessingMemo:
    """Resolved contexts, processed contexts and expanded subtrees for one loader.

    `hits` counts memo hits (approximately, under threads), for tests and benchmarks.
    """

    def __init__(self, loader: DocumentLoader) -> None:
        self._loader = loader
        self._lock = threading.Lock()
        self._documents: dict[str, dict[str, Any]] = {}
        self._owned: dict[int, object] = {}
        self._resolved = LockedLRU(MAX_RESOLVED)
        self._processed = LockedLRU(MAX_PROCESSED)
        self._expanded = LockedLRU(MAX_EXPANDED)
        self._seen = LockedLRU(4 * MAX_EXPANDED)
        self.templates = LockedLRU(MAX_TEMPLATES)  # issuer.jsonld.template, by document shape
        self.shapes_seen = LockedLRU(4 * MAX_TEMPLATES)
        self.subtrees = LockedLRU(MAX_SUBTREES)  # issuer.jsonld.shape, node objects walked
        self.context_info = LockedLRU(MAX_RESOLVED)  # issuer.jsonld.template, by @context values
        self.proof_configs = LockedLRU(MAX_PROOF_CONFIGS)  # issuer.proofs.proof_config templates
        self.proof_hashes = LockedLRU(MAX_PROOF_CONFIGS)  # issuer.proofs.cryptosuite, by options
        self.hits = {"contexts": 0, "expansions": 0, "templates": 0}
        self.last_template: tuple[Any, Any] | None = None  # (shape key, template) last found

    def load(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Load `url` through the loader once; its objects become owned (never mutated)."""
        with self._lock:
            remote = self._documents.get(url)
        if remote is None:
            remote = self._loader(url, options)
            with self._lock:
                if url in self._documents:
                    remote = self._documents[url]
                elif len(self._documents) < MAX_DOCUMENTS:
                    self._documents[url] = remote
                    self._own(remote.get("document"))
        return dict(remote)

    def resolver(self) -> ContextResolver:
        """Return a pyld context resolver (one per operation) over this loader's cache."""
        return ContextResolver(self._resolved, self.load)

    def process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        flags: tuple[bool, bool, bool],
        compute: Callable[[], Any],
    ) -> Any:
        """Return `compute()`, the processed context, from the memo when the inputs allow."""
        uuid = _frozen_uuid(active_ctx)
        local = self._local_key(local_ctx)
        if uuid is None or local is None:
            return compute()
        key = (uuid, local, flags, options.get("base"), options.get("processingMode"))
        hit = self._processed.get(key)
        if hit is not None and hit[0] is local_ctx:
            self.hits["contexts"] += 1
            return hit[1]
        result = compute()
        self._processed[key] = (local_ctx, result)
        return result

    def expand(
        self,
        active_ctx: Any,
        active_property: str | None,
        element: Any,
        options: dict[str, Any],
        flags: tuple[bool, bool],
        type_scoped_ctx: Any,
        compute: Callable[[], Any],
    ) -> Any:
        """Return `compute()`, the expanded `element`, from the memo when the inputs allow."""
        uuid = _frozen_uuid(active_ctx)
        scoped = None if type_scoped_ctx is None else _frozen_uuid(type_scoped_ctx)
        if (
            uuid is None
            or active_property is None
            or type(element) is not dict
            or not ("id" in element or "@id" in element)
            or (type_scoped_ctx is not None and scoped is None)
        ):
            return compute()
        try:
            text = json.dumps(element, allow_nan=False)
        except (TypeError, ValueError):
            return compute()
        key = (
            uuid,
            scoped,
            active_property,
            text,
            flags,
            options.get("isFrame"),
            options.get("keepFreeFloatingNodes"),
            options.get("base"),
            options.get("processingMode"),
        )
        hit = self._expanded.get(key)
        if hit is not None:
            self.hits["expansions"] += 1
            inside_index = flags[1]
            return hit if type(hit) is SharedExpansion and not inside_index else json_copy(hit)
        result = compute()
        if self._seen.get(key):  # keep subtrees seen twice, not one-off ones
            copy_ = json_copy(result)
            self._expanded[key] = SharedExpansion(copy_) if type(copy_) is dict else copy_
        else:
            self._seen[key] = True
        return result

    def _local_key(self, local_ctx: Any) -> Hashable | None:
        if isinstance(local_ctx, str):
            return local_ctx
        if type(local_ctx) is list and all(isinstance(c, str) for c in local_ctx):
            return tuple(local_ctx)
        if type(local_ctx) is dict and self._owned.get(id(local_ctx)) is local_ctx:
            return id(local_ctx)
        return None

    def _own(self, value: Any) -> None:
        stack = [value]
        while stack:
            item = stack.pop()
            if type(item) is dict:
                self._owned[id(item)] = item
                stack.extend(item.values())
            elif type(item) is list:
                stack.extend(item)


_memos: "weakref.WeakKeyDictionary[Any, ProcessingMemo]" = weakref.WeakKeyDictionary()
_memos_lock = threading.Lock()


def memo_for(loader: DocumentLoader) -> ProcessingMemo:
    """Return the memo of `loader` (one per loader object, for as long as it lives)."""
    with _memos_lock:
        try:
            memo = _memos.get(loader)
            if memo is None:
                memo = _memos[loader] = ProcessingMemo(loader)
        except TypeError:  # not weak-referenceable: a memo for this call only
            memo = ProcessingMemo(loader)
        return memo
