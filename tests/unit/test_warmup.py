"""The start-up warm-up signs and verifies its sample credential, stores and fetches nothing,
and never stops the service from starting."""

import logging
from datetime import UTC, datetime

import pytest

from issuer.model.verification import VerificationResult
from issuer.services import warmup
from issuer.services.verification import Verifier

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _verifier(fetched: list[str]) -> Verifier:
    def read_own_list(list_id: str) -> str | None:
        fetched.append(list_id)
        return None

    return Verifier(
        base_url="https://issuer.example", local_documents=dict, read_own_list=read_own_list
    )


def test_the_sample_credential_verifies_offline(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(warmup, "_done", False)
    fetched: list[str] = []
    verifier = _verifier(fetched)
    verdicts: list[bool] = []
    verify = verifier.credential

    def recorded(document: object, *, now: datetime) -> VerificationResult:
        result = verify(document, now=now)
        verdicts.append(result.verified)
        return result

    monkeypatch.setattr(verifier, "credential", recorded)
    with caplog.at_level(logging.WARNING, logger=warmup.__name__):
        warmup.warm_up(verifier, now=NOW)
    assert caplog.records == []
    assert verdicts == [True, True]  # proof as a set (ours) and as one object (others')
    assert fetched == []
    warmup.warm_up(verifier, now=NOW)
    assert len(verdicts) == 2  # once per process


def test_a_failing_warm_up_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(warmup, "_done", False)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no contexts")

    monkeypatch.setattr(warmup, "add_proof", broken)
    with caplog.at_level(logging.WARNING, logger=warmup.__name__):
        warmup.warm_up(_verifier([]), now=NOW)
    assert "warm-up failed" in caplog.text
