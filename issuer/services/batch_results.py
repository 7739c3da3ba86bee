"""A batch's results: the summary CSV (one line a roster row) and the zip of wallet files.

Zip layout, one folder a learner (named after their first row), with:

    0002-ana-garcia/wallet-link.txt                  the learner's wallet page
    0002-ana-garcia/credentials/<achievement>.json   each credential exactly as signed
    0002-ana-garcia/credentials/<achievement>.png    its badge, credential baked in
    0002-ana-garcia/credentials/<achievement>.svg    the same as SVG
    0002-ana-garcia/presentation.json                an unsigned presentation of them all
    0002-ana-garcia/clr-<framework>.json             a signed CLR per framework (optional)

The zip is written to any binary stream, also an unseekable one (a streamed response).
"""

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, BinaryIO, Literal, cast

from issuer.frameworks.structure import slugify
from issuer.services.batch_planning import BatchPlanner
from issuer.services.roster import RosterEntry, RosterRow
from issuer.services.wallet import WalletService
from issuer.store.batches import BatchStore, StoredBatch
from issuer.store.credentials import StoredCredential
from issuer.store.protocols import CredentialReader
from issuer.wallet.badge_image import credential_badge, issuer_name
from issuer.wallet.baking import bake_png, bake_svg
from issuer.wallet.clr import subject_achievement
from issuer.wallet.presentation import build_presentation, holder_of


@dataclass(frozen=True)
class RowResult:
    """A roster row after the batch: the learner's active credentials it called for."""

    row: RosterRow
    credentials: list[StoredCredential]
    issued_here: int
    wallet_id: str | None
    error: str | None = None


RESULTS_CHUNK = 500
"""Rows planned and looked up together when reading a batch's results."""


class BatchResults:
    """Each roster row of a batch with the learner's active credentials it called for."""

    def __init__(
        self, *, planner: BatchPlanner, credentials: CredentialReader, batches: BatchStore
    ) -> None:
        self._planner = planner
        self._credentials = credentials
        self._batches = batches

    def results(self, batch: StoredBatch) -> Iterator[RowResult]:
        """Yield each roster row with the learner's active credentials it called for; the
        rows are read, planned and looked up `RESULTS_CHUNK` at a time."""
        errors = {e["row"]: e["detail"] for e in batch.errors}
        entries = (
            RosterEntry(data["number"], RosterRow.from_json(data))
            for data in self._batches.iter_rows(batch.id)
        )
        planned = self._planner.plan(entries, ())
        while chunk := list(islice(planned, RESULTS_CHUNK)):
            active = self._credentials.find_active(
                [c.dedupe_key for plan in chunk for c in plan.credentials]
            )
            for plan in chunk:
                if plan.row is None:
                    continue  # a stored batch has rows only
                found = [active[c.dedupe_key] for c in plan.credentials if c.dedupe_key in active]
                error = plan.problems[-1].message if plan.problems else errors.get(plan.number)
                yield RowResult(
                    row=plan.row,
                    credentials=found,
                    issued_here=sum(1 for c in found if c.batch_id == batch.id),
                    wallet_id=next((c.wallet_id for c in found if c.wallet_id), None),
                    error=error,
                )


SUMMARY_COLUMNS = (
    "row",
    "email",
    "did",
    "name",
    "framework",
    "credentials",
    "issued_by_batch",
    "wallet",
    "credential_urls",
    "error",
)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection")."""


def spreadsheet_cell(value: object) -> object:
    """Return `value` for a CSV cell, a text starting like a formula prefixed with `'`.

    Spreadsheets then show the text as it was instead of running it (e.g. a roster name
    `=cmd|' /C calc'!A0`); leading white space does not hide a formula. Numbers are
    written as they are.
    """
    if isinstance(value, str) and (
        value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES)
    ):
        return "'" + value
    return value


def wallet_url(base_url: str, wallet_id: str | None) -> str:
    """Return the learner's wallet page, or "" without a wallet."""
    return f"{base_url}/wallet/{wallet_id}" if wallet_id else ""


def summary_lines(results: Iterable[RowResult], base_url: str) -> Iterator[str]:
    """Yield the summary CSV line by line: per roster row, its credentials' URLs and the
    wallet link. Every text cell goes through `spreadsheet_cell`, so roster values cannot
    become formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SUMMARY_COLUMNS)
    for result in results:
        row = result.row
        cells = [
            row.number,
            row.email or "",
            row.did or "",
            row.name or "",
            row.framework,
            len(result.credentials),
            result.issued_here,
            wallet_url(base_url, result.wallet_id),
            ";".join(c.url for c in result.credentials),
            result.error or "",
        ]
        writer.writerow([spreadsheet_cell(cell) for cell in cells])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


@dataclass
class _Learner:
    folder: str
    wallet_id: str
    credential_ids: dict[str, None] = field(default_factory=dict)
    """The ids of the learner's credentials the roster called for, in order (no documents)."""


def learners(results: Iterable[RowResult]) -> list[_Learner]:
    """Group the rows' credentials by learner (wallet), in roster order (ids only: the
    documents are read a learner at a time)."""
    by_wallet: dict[str, _Learner] = {}
    for result in results:
        if not result.wallet_id or not result.credentials:
            continue
        if result.wallet_id not in by_wallet:
            row = result.row
            label = row.name or (row.email or "").split("@")[0] or (row.did or "")[-12:]
            folder = f"{row.number:05d}-{slugify(label)[:40] or 'learner'}"
            by_wallet[result.wallet_id] = _Learner(folder, result.wallet_id)
        learner = by_wallet[result.wallet_id]
        for credential in result.credentials:
            learner.credential_ids.setdefault(credential.id)
    return list(by_wallet.values())


class _Badges:
    """Badge images by achievement and issuer: drawn once, then baked with each credential."""

    def __init__(self, logo: bytes | None = None) -> None:
        self._logo = logo
        self._images: dict[tuple[str, str, str | None], bytes] = {}

    def baked(self, document: str, kind: Literal["png", "svg"]) -> bytes:
        credential = json.loads(document)
        achievement = subject_achievement(credential) or {}
        key = (kind, json.dumps(achievement, sort_keys=True), issuer_name(credential))
        if key not in self._images:
            self._images[key] = credential_badge(credential, kind, logo=self._logo)
        image = self._images[key]
        if kind == "png":
            return bake_png(image, document)
        return bake_svg(image, document).encode("utf-8")


def _file_stem(credential: StoredCredential) -> str:
    achievement = credential.achievement_id or credential.id
    return slugify(achievement.split("/frameworks/", 1)[-1]) or credential.id


SUMMARY_LINES_A_YIELD = 1000


def write_wallets_zip(
    out: BinaryIO,
    results: Callable[[], Iterable[RowResult]],
    *,
    base_url: str,
    wallets: WalletService,
    now: datetime,
    with_clr: bool = True,
) -> Iterator[None]:
    """Write the zip to `out`, yielding every so often (so a caller can stream it).

    `results` is read twice (the summary, then the learners); a learner's credentials are
    read with their folder, so only one learner's documents are held at a time."""
    badges = _Badges(wallets.logo)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("summary.csv", "w") as summary:
            for n, line in enumerate(summary_lines(results(), base_url), start=1):
                summary.write(line.encode("utf-8"))
                if n % SUMMARY_LINES_A_YIELD == 0:
                    yield
        for learner in learners(results()):
            folder = learner.folder
            archive.writestr(
                f"{folder}/wallet-link.txt", wallet_url(base_url, learner.wallet_id) + "\n"
            )
            held = {c.stored.id: c for c in wallets.credentials(learner.wallet_id, now=now)}
            documents: list[dict[str, Any]] = []
            frameworks: list[str] = []
            for credential_id in learner.credential_ids:
                credential = held[credential_id].stored
                stem = f"{folder}/credentials/{_file_stem(credential)}"
                archive.writestr(f"{stem}.json", credential.document)
                archive.writestr(f"{stem}.png", badges.baked(credential.document, "png"))
                archive.writestr(f"{stem}.svg", badges.baked(credential.document, "svg"))
                documents.append(held[credential_id].document)
                if credential.framework_id and credential.framework_id not in frameworks:
                    frameworks.append(credential.framework_id)
            presentation = build_presentation(
                documents, presentation_id=f"urn:uuid:{uuid.uuid4()}", holder=holder_of(documents)
            )
            archive.writestr(f"{folder}/presentation.json", _json(presentation))
            if with_clr:
                for framework_id in frameworks:
                    clr = wallets.clr(learner.wallet_id, framework_id, now=now)
                    archive.writestr(f"{folder}/clr-{slugify(framework_id)}.json", _json(clr))
            yield


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


class ChunkSink(io.RawIOBase):
    """An unseekable binary stream that keeps what is written until `take()`."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        """Return and forget what was written so far."""
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_wallets_zip(
    results: Callable[[], Iterable[RowResult]], **options: Any
) -> Iterator[bytes]:
    """Yield the zip's bytes learner by learner (for a streamed HTTP response)."""
    sink = ChunkSink()
    # a RawIOBase is a binary stream to zipfile (typeshed types `out` as IO[bytes])
    for _ in write_wallets_zip(cast(BinaryIO, sink), results, **options):
        data = sink.take()
        if data:
            yield data
    data = sink.take()
    if data:
        yield data
