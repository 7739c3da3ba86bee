"""Status lists already verified, so that a verifier does not check the same list again.

    cached = VERIFIED_LISTS.get(key, now)          # None: fetch and verify it
    VERIFIED_LISTS.put(key, value, start, end)

Fetching, authenticating (its proofs, by a key of the credential's issuer) and decoding
a status list costs far more than reading one bit of it, and most credentials of an
issuer point at a few lists. A list that passed every check is kept here under a key
naming everything its verdict depends on: the list credential itself (a digest of its
JSON, so a list whose bits changed is another key), the URL and kind of entry that
pointed at it, the credential's issuer and the keys trusted to sign it. Only usable
lists are kept, never a failure, and an entry is used only

- while `now` is inside the list's own validity period (validFrom / validUntil), so a
  cached verdict never outlives the list, and
- for at most `MAX_AGE` seconds after it was verified, so a key the issuer withdrew
  from a did:web document stops counting within that time.

Whether the list is still the current one is the fetcher's business: the key holds
the digest of the list it returned, so nothing here is used for a list it no longer
serves (see `issuer.verify.status` for caching the fetches themselves).
"""

import hashlib
import json
import threading
import time
from collections.abc import Hashable
from datetime import datetime
from typing import Any

from cachetools import LRUCache

MAX_AGE = 300.0
"""Seconds a verified list is reused at most."""

MAX_LISTS = 256
"""Verified lists kept (a decoded list of 131,072 entries is 16 KiB)."""


def list_digest(list_credential: dict[str, Any]) -> bytes:
    """Return a digest of the list credential's JSON (equal only for equal JSON)."""
    text = json.dumps(list_credential, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).digest()


class VerifiedLists:
    """A bounded, thread-safe cache of verified status lists (see the module docstring)."""

    def __init__(self, max_lists: int = MAX_LISTS, max_age: float = MAX_AGE) -> None:
        self._entries: LRUCache[Hashable, tuple[Any, datetime | None, datetime | None, float]]
        self._entries = LRUCache(max_lists)
        self._lock = threading.Lock()
        self.max_age = max_age

    def get(self, key: Hashable, now: datetime) -> Any:
        """Return the value kept under `key` if it may be used at `now`, else None."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None:
            return None
        value, start, end, verified_at = entry
        if time.monotonic() - verified_at > self.max_age:
            return None
        if (start is not None and now < start) or (end is not None and now >= end):
            return None
        return value

    def put(self, key: Hashable, value: Any, start: datetime | None, end: datetime | None) -> None:
        """Keep `value`, usable while `start <= now < end` (None: open-ended)."""
        with self._lock:
            self._entries[key] = (value, start, end, time.monotonic())

    def clear(self) -> None:
        """Forget every list."""
        with self._lock:
            self._entries.clear()


VERIFIED_LISTS = VerifiedLists()
