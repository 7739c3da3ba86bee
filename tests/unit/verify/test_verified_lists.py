"""Verified status lists kept between verifications (issuer.verify.list_cache).

A list is verified once and reused while it is the same list and valid; a changed list
(another bit set), an expired one, another issuer or a list that failed are verified again,
so no verdict differs from verifying without the cache.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from issuer.model.verification import VerificationResult
from issuer.verify import InProcessFetcher, verify_credential
from issuer.verify.list_cache import VerifiedLists
from issuer.verify.pipeline import ListProofVerifier
from tests.unit.verify.builders import (
    NOW,
    OTHER,
    signed_credential,
    status_entry,
    status_list,
)
from tests.unit.verify.test_pipeline import RESOLVE, only


@pytest.fixture
def list_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The ids of the status lists whose proofs were checked, in order."""
    checked: list[str] = []
    original = ListProofVerifier.__call__

    def spy(self: ListProofVerifier, list_credential: dict[str, Any]) -> str | None:
        checked.append(list_credential["id"])
        return original(self, list_credential)

    monkeypatch.setattr(ListProofVerifier, "__call__", spy)
    yield checked


def _verify(
    credential: dict[str, Any], lists: dict[str, dict[str, Any]], cache: VerifiedLists, **kw: Any
) -> VerificationResult:
    return verify_credential(
        credential,
        resolve=RESOLVE,
        now=kw.pop("now", NOW),
        fetch_status_list=InProcessFetcher(lists.get),
        verified_lists=cache,
    )


def _status(result: VerificationResult) -> tuple[str, str]:
    check = only(result, "credentialStatus")
    return check.status, check.message


def test_a_list_is_verified_once_while_it_is_unchanged(list_checks: list[str]) -> None:
    cache = VerifiedLists()
    credential = signed_credential(status=[status_entry("revocation", 3)])
    other = signed_credential(status=[status_entry("revocation", 4)])
    listed = status_list("revocation", set_bits=(4,))
    lists = {listed["id"]: listed}
    assert _status(_verify(credential, lists, cache))[0] == "passed"
    assert _status(_verify(credential, lists, cache))[0] == "passed"
    assert _status(_verify(other, lists, cache))[0] == "failed"  # its bit is set
    assert list_checks == [listed["id"]]


def test_a_changed_list_is_verified_again_and_its_bits_count(list_checks: list[str]) -> None:
    cache = VerifiedLists()
    credential = signed_credential(status=[status_entry("revocation", 3)])
    before = status_list("revocation")
    url = before["id"]
    assert _status(_verify(credential, {url: before}, cache))[0] == "passed"
    revoked = status_list("revocation", set_bits=(3,))
    status, message = _status(_verify(credential, {url: revoked}, cache))
    assert status == "failed" and "revoked" in message
    assert list_checks == [url, url]


def test_a_cached_list_is_not_used_outside_its_validity(list_checks: list[str]) -> None:
    cache = VerifiedLists()
    credential = signed_credential(status=[status_entry("revocation", 3)])
    until = NOW + timedelta(days=1)
    listed = status_list("revocation", validUntil=until.strftime("%Y-%m-%dT%H:%M:%SZ"))
    lists = {listed["id"]: listed}
    assert _status(_verify(credential, lists, cache))[0] == "passed"
    status, message = _status(_verify(credential, lists, cache, now=until))
    assert status == "failed" and "expired" in message
    assert len(list_checks) == 2


def test_a_list_that_failed_is_not_kept(list_checks: list[str]) -> None:
    cache = VerifiedLists()
    credential = signed_credential(status=[status_entry("revocation", 3)])
    forged = status_list("revocation", signer=OTHER)  # not signed by the credential's issuer
    lists = {forged["id"]: forged}
    for _ in range(2):
        status, message = _status(_verify(credential, lists, cache))
        assert status == "failed" and "key of the credential's issuer" in message
    assert len(list_checks) == 2


def test_another_issuer_pointing_at_a_kept_list_gets_its_own_verdict(
    list_checks: list[str],
) -> None:
    cache = VerifiedLists()
    listed = status_list("revocation")
    lists = {listed["id"]: listed}
    ours = signed_credential(status=[status_entry("revocation", 3)])
    theirs = signed_credential(OTHER, status=[status_entry("revocation", 3)])
    assert _status(_verify(ours, lists, cache))[0] == "passed"
    status, message = _status(_verify(theirs, lists, cache))
    assert status == "failed" and "was not published by the credential's issuer" in message


def test_entries_expire_after_max_age(list_checks: list[str]) -> None:
    cache = VerifiedLists(max_age=0)
    credential = signed_credential(status=[status_entry("revocation", 3)])
    listed = status_list("revocation")
    lists = {listed["id"]: listed}
    for _ in range(2):
        assert _status(_verify(credential, lists, cache))[0] == "passed"
    assert len(list_checks) == 2
