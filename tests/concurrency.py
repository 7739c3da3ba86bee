"""Helpers for the concurrency tests: fire requests at once, award, revoke, read status bits."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import requests

from issuer.status.bitstring import StatusBits

T = TypeVar("T")


def at_once(count: int, call: Callable[[int], T]) -> list[T]:
    """Run `call(0) ... call(count - 1)` in `count` threads released together."""
    barrier = threading.Barrier(count)

    def run(n: int) -> T:
        barrier.wait(timeout=60)
        return call(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def award_body(n: int, statement: str = "emerging-01") -> dict[str, Any]:
    """An award of one statement to learner `n` (framework 43-4021.00, seeded by `init`)."""
    return {
        "framework": "43-4021.00",
        "statements": [statement],
        "recipient": {"email": f"learner{n}@example.org"},
    }


def award_one(base: str, token: str, n: int) -> dict[str, Any]:
    """Award one credential to learner `n`; return the signed credential."""
    response = requests.post(
        f"{base}/awards",
        headers={"Authorization": f"Bearer {token}"},
        json=award_body(n),
        timeout=60,
    )
    assert response.status_code == 201, response.text
    (credential,) = response.json()["credentials"]
    return credential["verifiableCredential"]  # type: ignore[no-any-return]


def change_status(
    base: str, token: str, credential_id: str, purpose: str = "revocation", status: bool = True
) -> requests.Response:
    """POST /credentials/status for `credential_id`."""
    return requests.post(
        f"{base}/credentials/status",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "credentialId": credential_id,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": purpose}],
            "status": status,
        },
        timeout=120,
    )


def served_bits(list_url: str, base: str) -> StatusBits:
    """Fetch the status list credential (by its path, from `base`) and decode its bits."""
    path = list_url[list_url.index("/status-lists/") :]
    response = requests.get(f"{base}{path}", timeout=30)
    assert response.status_code == 200, response.text
    return StatusBits.decode(response.json()["credentialSubject"]["encodedList"])


def assert_all_set(credentials: list[dict[str, Any]], base: str) -> None:
    """Every credential's status bit is set in the list the server serves."""
    lists: dict[str, StatusBits] = {}
    missing = []
    for credential in credentials:
        entry = credential["credentialStatus"]
        url = entry["statusListCredential"]
        if url not in lists:
            lists[url] = served_bits(url, base)
        if not lists[url].get(int(entry["statusListIndex"])):
            missing.append(credential["id"])
    assert not missing, f"{len(missing)} of {len(credentials)} bits are not set"
