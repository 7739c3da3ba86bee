"""The one issuance pipeline (`Issuer`): policies, the lost-race re-check, chunks signed in a
pool, the unit of work, and the in-process batch runner. SQLite and PostgreSQL."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from issuer.credentials.compose import Recipient
from issuer.errors import InvalidInput
from issuer.paths import seed_files
from issuer.services.batch_runners import InProcessRunner
from issuer.services.batch_signing import (
    ChunkContext,
    CredentialSpec,
    PoolSigning,
    sign_chunk,
    signing_pool,
)
from issuer.services.batches import BatchOptions
from issuer.services.issuing import Draft, Issuer
from issuer.services.roster import read_csv
from issuer.settings import Settings
from issuer.store.credentials import StoredCredential
from issuer.store.database import audit_log_table
from issuer.store.status_lists import StatusSlot
from issuer.wiring import Services, build_services
from tests.conftest import BASE_URL

FRAMEWORK = "43-4171.00"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def svc(database_url: str, tmp_path: Path) -> Iterator[Services]:
    services = build_services(
        Settings(base_url=BASE_URL, database_url=database_url, keys_dir=tmp_path / "keys")
    )
    services.keys.ensure(now=NOW)
    for path in seed_files():
        services.frameworks.import_file(path, now=NOW)
    yield services
    services.engine.dispose()


def draft(svc: Services, key: str | None = "k1", **fields: Any) -> Draft:
    """A small VC 2.0 credential with this service's id."""
    made = Draft(dedupe_key=key, recipient_key="r1" if key else None, **fields)
    made.document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"{BASE_URL}/credentials/{made.credential_id}",
        "type": ["VerifiableCredential"],
        "issuer": svc.identity.did,
        "validFrom": "2026-12-01T12:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    return made


def issue(svc: Services, drafts: list[Draft], policy: Any, **options: Any) -> list[Any]:
    return svc.issuer.issue(
        drafts,
        cryptosuite="eddsa-rdfc-2022",
        status_purpose=options.pop("status_purpose", "revocation"),
        policy=policy,
        now=NOW,
        actor="test",
    )


def audit_count(svc: Services, action: str) -> int:
    table = audit_log_table
    with svc.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(table).where(table.c.action == action)
            ).scalar_one()
        )


def test_skip_answers_the_active_credential(svc: Services) -> None:
    (first,) = issue(svc, [draft(svc)], "skip")
    (again,) = issue(svc, [draft(svc)], "skip")
    assert not first.existing and again.existing
    assert again.stored.id == first.stored.id
    assert first.stored.wallet_id and first.stored.status_index is not None
    assert json.loads(first.stored.document)["credentialStatus"]["statusPurpose"] == "revocation"
    assert audit_count(svc, "issue") == 1


def test_replace_revokes_and_issues_anew_but_never_its_own_batch(svc: Services) -> None:
    (first,) = issue(svc, [draft(svc)], "skip")
    (second,) = issue(svc, [draft(svc, batch_id="b1")], "replace")
    assert not second.existing and second.replaced.id == first.stored.id
    revoked = svc.credentials.get(first.stored.id)
    assert revoked is not None and revoked.revoked_at is not None
    (third,) = issue(svc, [draft(svc, batch_id="b1")], "replace")
    assert third.existing and third.stored.id == second.stored.id
    assert audit_count(svc, "revoke") == 1


def test_none_always_issues_and_without_status_has_no_entry(svc: Services) -> None:
    records = issue(svc, [draft(svc, key=None), draft(svc, key=None)], "none", status_purpose=None)
    assert len({r.stored.id for r in records}) == 2
    assert all(r.stored.status_index is None and r.stored.wallet_id is None for r in records)
    assert "credentialStatus" not in json.loads(records[0].stored.document)


class _Stale:
    """A credential reader that misses what is already stored the first time it is asked,
    as a concurrent issuer's reader would just before the other committed."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.misses = 1

    def find_active(self, keys: list[str]) -> dict[str, StoredCredential]:
        if self.misses:
            self.misses -= 1
            return {}
        return dict(self._real.find_active(keys))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.mark.parametrize("policy", ["skip", "replace"])
def test_a_lost_race_rechecks_and_answers_or_replaces(svc: Services, policy: Any) -> None:
    (winner,) = issue(svc, [draft(svc)], "skip")
    stale = _Stale(svc.credentials)
    racing = Issuer(
        base_url=BASE_URL,
        issuer_id=lambda: svc.identity.did,
        credentials=stale,
        status_lists=svc.status_lists,
        uow=svc.uow,
        signing=svc.issuer._signing,
    )
    (record,) = racing.issue(
        [draft(svc)], cryptosuite="eddsa-rdfc-2022", status_purpose="revocation",
        policy=policy, now=NOW, actor="test",
    )  # fmt: skip
    assert stale.misses == 0
    if policy == "skip":
        assert record.existing and record.stored.id == winner.stored.id
    else:
        assert not record.existing and record.replaced.id == winner.stored.id
    assert audit_count(svc, "issue") == (1 if policy == "skip" else 2)


def test_a_signing_error_stores_nothing(svc: Services) -> None:
    bad = draft(svc)
    assert bad.document is not None
    bad.document["credentialSubject"] = {"id": "not a url", "@type": 5}
    with pytest.raises(InvalidInput):
        issue(svc, [draft(svc, key="k2"), bad], "skip")
    assert audit_count(svc, "issue") == 0


def test_chunks_sign_in_a_pool_and_report_failures(svc: Services) -> None:
    achievements = svc.frameworks.achievements(FRAMEWORK).statements
    specs = [
        CredentialSpec(
            credential_id=f"00000000-0000-4000-8000-00000000000{n}",
            achievement=achievements[f"emerging-0{n + 1}"],
            recipient=Recipient(email=f"l{n}@example.org"),
        )
        for n in range(3)
    ]
    drafts = [
        Draft(compose=s, credential_id=s.credential_id, dedupe_key=f"d{n}", recipient_key=f"r{n}")
        for n, s in enumerate(specs)
    ]
    nobody = CredentialSpec(
        credential_id="00000000-0000-4000-8000-000000000009",
        achievement=specs[0].achievement,
        recipient=Recipient(),
    )
    drafts.append(Draft(compose=nobody, credential_id=nobody.credential_id, dedupe_key="d9"))
    seen: list[int] = []
    with signing_pool(svc.signer_ref(), workers=0) as pool:
        signing = PoolSigning(pool, base_url=BASE_URL, issuer=svc.issuer_profile())
        outcomes = list(
            svc.issuer.issue_chunks(
                [drafts[:2], drafts[2:]],
                cryptosuite="eddsa-jcs-2022",
                status_purpose="revocation",
                policy="skip",
                now=NOW,
                actor="test",
                signing=signing,
                ahead=1,
                in_transaction=lambda tx, records: seen.append(len(records)),
            )
        )
        with pytest.raises(TypeError):
            next(
                svc.issuer.issue_chunks(
                    [[Draft(compose="not a spec", dedupe_key="x")]],
                    cryptosuite="eddsa-jcs-2022",
                    status_purpose=None,
                    policy="none",
                    now=NOW,
                    actor="test",
                    signing=signing,
                )
            )
    assert [len(o.records) for o in outcomes] == [2, 1] and seen == [2, 1]
    assert [f.draft.credential_id for f in outcomes[1].failed] == [nobody.credential_id]
    stored = outcomes[0].records[0].stored
    assert stored.url == f"{BASE_URL}/credentials/{specs[0].credential_id}"
    proofs = json.loads(stored.document)["proof"]
    assert [p["cryptosuite"] for p in (proofs if isinstance(proofs, list) else [proofs])] == [
        "eddsa-jcs-2022"
    ]
    assert svc.verifier.credential(json.loads(stored.document), now=NOW).verified


def test_a_chunk_signed_grouped_by_achievement_comes_back_in_order(svc: Services) -> None:
    achievements = svc.frameworks.achievements(FRAMEWORK).statements
    keys = ["emerging-01", "emerging-02", "emerging-03"] * 3 + ["emerging-01"]
    specs = [
        CredentialSpec(
            credential_id=f"00000000-0000-4000-8000-0000000001{n:02d}",
            achievement=achievements[key],
            recipient=Recipient(email=f"learner{n}@example.org"),
        )
        for n, key in enumerate(keys)
    ]
    specs[4] = CredentialSpec(  # refused (no recipient): its place keeps its error
        credential_id=specs[4].credential_id,
        achievement=specs[4].achievement,
        recipient=Recipient(),
    )
    slots = [StatusSlot(1, 100 + n) for n in range(len(specs))]
    context = ChunkContext(
        base_url=BASE_URL, issuer=svc.issuer_profile(), cryptosuite="eddsa-rdfc-2022", now=NOW
    )
    signed = sign_chunk(context, specs, slots, signer=svc.signer_ref().load())
    assert [s.credential_id for s in signed] == [s.credential_id for s in specs]
    assert signed[4].document is None and "recipient" in (signed[4].error or "")
    for n, (spec, result) in enumerate(zip(specs, signed, strict=True)):
        if n == 4:
            continue
        document = json.loads(result.document or "")
        assert document["id"] == f"{BASE_URL}/credentials/{spec.credential_id}"
        assert document["credentialSubject"]["achievement"]["id"] == spec.achievement.id
        assert document["credentialStatus"]["statusListIndex"] == str(100 + n)
        verdict = svc.verifier.credential(document, now=NOW)
        proofs = [c for c in verdict.checks if c.name == "proof"]
        assert proofs and all(c.passed for c in proofs)


def test_the_unit_of_work_commits_all_or_nothing(svc: Services) -> None:
    with pytest.raises(RuntimeError), svc.uow() as tx:
        tx.audit.record(at=NOW, actor="test", action="probe", subject="s")
        raise RuntimeError("rolled back")
    with svc.uow() as tx:
        tx.audit.record(at=NOW, actor="test", action="probe", subject="s")
    assert audit_count(svc, "probe") == 1


def test_the_in_process_runner_owns_its_threads(svc: Services) -> None:
    roster = read_csv(
        f"email,name,framework,statements\na@example.org,A,{FRAMEWORK},emerging-01\n".encode()
    )
    batch, _ = svc.batches.submit(
        roster, options=BatchOptions(), source_name="r.csv", actor="test", now=NOW
    )
    release = threading.Event()

    def slow_run(batch_id: str, **options: Any) -> Any:
        release.wait(10)
        return svc.batches.run(batch_id, **options)

    runner, other = InProcessRunner(slow_run), InProcessRunner(slow_run)
    assert runner.needs_start(batch, NOW)
    runner.start(batch)
    assert not runner.needs_start(batch, NOW) and other.needs_start(batch, NOW)
    release.set()
    for _ in range(200):
        if svc.batches.get(batch.id).status == "finished" and runner.needs_start(batch, NOW):
            break
        time.sleep(0.05)
    done = svc.batches.get(batch.id)
    assert done.status == "finished" and done.issued == 1
    assert runner.kind == "thread"
