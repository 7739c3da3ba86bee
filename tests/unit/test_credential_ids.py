"""Credential ids: version 7 UUIDs (time first, then 74 random bits), unique, in time order."""

import time
import uuid

from issuer.services.signing import new_credential_id


def test_ids_are_version_7_uuids_in_time_order() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_credential_id() for _ in range(2000)]
    after = time.time_ns() // 1_000_000
    parsed = [uuid.UUID(value) for value in ids]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert all(str(u) == value for u, value in zip(parsed, ids, strict=True))
    assert len(set(ids)) == len(ids)
    millis = [u.int >> 80 for u in parsed]
    assert before <= millis[0] and millis[-1] <= after
    assert millis == sorted(millis)  # ids made later never sort before (to the millisecond)
    randoms = {u.int & ((1 << 74) - 1) for u in parsed}
    assert len(randoms) == len(ids)  # the random part differs within one millisecond too
