"""Signing a batch's credentials on every core: compose, add the status entry, sign, serialize.

Each worker process loads the issuer key once, from the key store (its initializer gets
the key folder and key id, never key material), then turns chunks of `CredentialSpec`
into signed JSON text. Small batches are signed in the calling process instead, to save
the pool's start-up.

    with signing_pool(ref, workers=2) as pool:
        future = pool.submit(sign_chunk, context, specs, slots)   # -> list[Signed]
"""

import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from issuer.credentials.compose import Recipient
from issuer.errors import InvalidInput
from issuer.keys.signer import Signer
from issuer.keys.store import KeyStore
from issuer.model.achievement import Achievement, Profile
from issuer.model.credential import Evidence, Result
from issuer.model.status import StatusPurpose
from issuer.proofs.data_integrity import add_proof
from issuer.services.awards import award_document
from issuer.services.issuing import Signed, ToSign
from issuer.services.signing import serialize, status_entry, with_status
from issuer.store.status_lists import StatusSlot


@dataclass(frozen=True)
class SignerRef:
    """Where a worker finds the signing key: the key folder, the key id, its method id."""

    keys_dir: Path
    key_id: str
    verification_method: str

    def load(self) -> Signer:
        """Return the signer (reads the private key file)."""
        return Signer(KeyStore(self.keys_dir).key_pair(self.key_id), self.verification_method)


@dataclass(frozen=True)
class ChunkContext:
    """What every credential of a batch run shares."""

    base_url: str
    issuer: Profile
    cryptosuite: str
    now: datetime
    status_purpose: StatusPurpose = "revocation"


@dataclass(frozen=True)
class CredentialSpec:
    """One credential to compose and sign."""

    credential_id: str
    achievement: Achievement
    recipient: Recipient
    results: tuple[Result, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    narrative: str | None = None
    valid_until: datetime | None = None


_process_signer: Signer | None = None


def _load_signer(ref: SignerRef) -> None:
    """Pool initializer: load the key once for the life of the worker process."""
    global _process_signer  # one signer per worker process, by design
    _process_signer = ref.load()


def sign_chunk(
    context: ChunkContext,
    specs: list[CredentialSpec],
    slots: list[StatusSlot | None] | None = None,
    signer: Signer | None = None,
) -> list[Signed]:
    """Compose each spec, add the credentialStatus entry of its status-list slot (`slots`, in
    order), sign it (in a worker: with the process's signer); return them in order.

    They are signed grouped by achievement: a roster row calls for several achievements in
    turn, and the signing fast path remembers what the last document of a shape shared with
    the next (its achievement's triples), so documents of one achievement in a row cost less.
    """
    signer = signer or _process_signer
    if signer is None:
        raise RuntimeError("sign_chunk needs a signer: run it in a signing_pool")
    slots = slots or [None] * len(specs)
    if len(slots) != len(specs):
        raise ValueError("sign_chunk needs one slot a spec")
    out: list[Signed | None] = [None] * len(specs)
    for n in sorted(range(len(specs)), key=lambda n: specs[n].achievement.id):  # stable
        out[n] = _signed(context, specs[n], slots[n], signer)
    return [signed for signed in out if signed is not None]


def _signed(
    context: ChunkContext, spec: CredentialSpec, slot: StatusSlot | None, signer: Signer
) -> Signed:
    """Return the spec's credential, composed, given its status entry and signed (as text)."""
    try:
        document = award_document(
            credential_url=f"{context.base_url}/credentials/{spec.credential_id}",
            issuer=context.issuer,
            achievement=spec.achievement,
            recipient=spec.recipient,
            valid_from=context.now,
            valid_until=spec.valid_until,
            evidence=list(spec.evidence),
            narrative=spec.narrative,
            results=list(spec.results) or None,
        )
        if slot is not None:
            entry = status_entry(context.base_url, slot, context.status_purpose)
            document = with_status(document, entry)
        signed = add_proof(document, signer, created=context.now, cryptosuite=context.cryptosuite)
        return Signed(spec.credential_id, serialize(signed))
    except InvalidInput as err:
        return Signed(spec.credential_id, None, str(err))


class InlineExecutor(Executor):
    """Runs each task at once in the calling process (for small batches)."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, signer=self._signer, **kwargs))
        except Exception as err:  # handed to the caller through the future
            future.set_exception(err)
        return future


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _start_method() -> multiprocessing.context.BaseContext:
    """Fork when this process is single-threaded (cheap, caches inherited); else forkserver."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


@contextmanager
def signing_pool(ref: SignerRef, *, workers: int) -> Iterator[Executor]:
    """Yield an executor for `sign_chunk`: worker processes, or this process if `workers` is 0."""
    if workers <= 0:
        yield InlineExecutor(ref.load())
        return
    context = _start_method()
    forked = context.get_start_method() == "fork"
    if forked:
        # Forked workers share this process's pages (its modules, caches and the chunks in
        # flight) until something writes to them; frozen objects are left alone by the
        # garbage collector, so its passes in the workers do not copy them all.
        gc.freeze()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_load_signer,
        initargs=(ref,),
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if forked:
            gc.unfreeze()


class PoolSigning:
    """The pipeline's signing strategy for batches: chunks go to `pool` (see `signing_pool`);
    each draft's `compose` is its `CredentialSpec`."""

    def __init__(self, pool: Executor, *, base_url: str, issuer: Profile) -> None:
        self._pool = pool
        self._base_url = base_url
        self._issuer = issuer

    def submit(
        self,
        items: list[ToSign],
        *,
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        now: datetime,
    ) -> Future[list[Signed]]:
        context = ChunkContext(
            base_url=self._base_url,
            issuer=self._issuer,
            cryptosuite=cryptosuite,
            now=now,
            status_purpose=status_purpose or "revocation",
        )
        specs = [item.draft.compose for item in items]
        if not all(isinstance(spec, CredentialSpec) for spec in specs):
            raise TypeError("batch signing needs each draft's CredentialSpec as `compose`")
        slots = [item.slot if status_purpose else None for item in items]
        return self._pool.submit(sign_chunk, context, specs, slots)
