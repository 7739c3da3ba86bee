"""The guard on the fast path (`issuer.jsonld.fast`) and the plain path it falls back to."""

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from pyld.jsonld import JsonLdProcessor

from issuer.jsonld import fast
from issuer.jsonld.canonical import canonicalize, check_terms
from issuer.jsonld.loader import document_loader
from issuer.jsonld.memo import memo_for
from issuer.jsonld.reference import normalize_plain
from issuer.jsonld.view import signed_view
from issuer.paths import PROJECT_ROOT
from tests.unit.verify.builders import unsigned_credential

SUBSET = [
    "tests/unit/proofs/test_vectors.py",
    "tests/unit/proofs/test_data_integrity.py",
    "tests/unit/proofs/test_signed_examples.py",
    "tests/unit/jsonld/test_canonical.py",
    "tests/unit/jsonld/test_guard.py",
]


@pytest.fixture
def plain(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with the fast path switched off, as `ISSUER_JSONLD_FAST=0` does."""
    monkeypatch.setenv(fast.SWITCH, "0")
    fast.fast_path_enabled.cache_clear()
    yield
    monkeypatch.undo()
    fast.fast_path_enabled.cache_clear()


def test_installed_pyld_passes_the_guard() -> None:
    assert fast.check_pyld() == []


def test_switch_follows_the_environment() -> None:
    assert fast.fast_path_enabled() is (os.environ.get(fast.SWITCH) != "0")


def test_guard_refuses_a_changed_signature(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def _expand(self: Any, active_ctx: Any, active_property: Any, element: Any, options: Any,
                inside_list: bool = False, inside_index: bool = False, type_scoped_ctx: Any = None,
                *, new_flag: bool = False) -> Any:  # fmt: skip
        raise AssertionError("never called")

    monkeypatch.setattr(JsonLdProcessor, "_expand", _expand)
    problems = fast.check_pyld()
    assert len(problems) == 1 and "_expand" in problems[0] and "new_flag" in problems[0]
    with caplog.at_level(logging.WARNING, logger=fast.LOG.name):
        assert fast.decide({}) is False
    assert "fast path disabled" in caplog.text


def test_guard_refuses_a_changed_body_or_version(monkeypatch: pytest.MonkeyPatch) -> None:
    def _is_absolute_iri(v: Any) -> bool:
        return True

    monkeypatch.setattr("pyld.jsonld._is_absolute_iri", _is_absolute_iri)
    monkeypatch.setattr(fast, "version", lambda name: "3.4.0")
    problems = fast.check_pyld()
    assert any("3.4.0" in p for p in problems)
    assert any("_is_absolute_iri has changed" in p for p in problems)
    assert fast.decide({}) is False
    assert fast.decide({fast.SWITCH: "0"}) is False


@pytest.mark.usefixtures("plain")
def test_plain_path_gives_the_same_results_without_the_memo() -> None:
    loader = document_loader()
    memo = memo_for(loader)
    before = dict(memo.hits)
    credential = unsigned_credential()
    for _ in range(3):  # a template would be built from the second occurrence on
        assert canonicalize(credential) == normalize_plain(credential)
        check_terms(credential)
        assert signed_view(credential)["type"] == credential["type"]
    assert memo.hits == before


@pytest.mark.skipif(os.environ.get(fast.SWITCH) == "0", reason="already the plain run")
def test_signing_and_verifying_with_the_fast_path_off() -> None:
    env = {**os.environ, fast.SWITCH: "0"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUBSET],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
