"""Rosters: who gets which credentials in a batch, read from CSV (or JSON rows) and checked.

A roster is CSV with a header row; its columns are `COLUMNS` in any order (any may be
left out except `framework`, one of `email`/`did` and one of `level`/`statements`).
Rows are numbered as a spreadsheet shows them: the header is row 1, the first learner
row 2 (JSON rows: the first is row 1). Reading never stops at the first bad row: every
problem of every row is found and counted (the first `LISTED_PROBLEMS` are listed), so one
dry run shows them.

    roster = read_csv(path)          # RosterFileError if it is not a roster at all
    for problem in roster.problems:  # row-level problems found without the database
        print(problem)               # "row 7: email 'ana@' is not an email address"
    for row in roster.rows():        # read again, row by row: never the whole roster at once
        ...
"""

import codecs
import csv
import difflib
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from issuer.errors import InvalidInput

COLUMNS = (
    "email",
    "did",
    "name",
    "framework",
    "level",
    "statements",
    "evidence",
    "narrative",
    "valid_until",
)
MAX_ROWS = 100_000
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")
DID_PATTERN = re.compile(r"^did:[a-z0-9]+:\S+$")
URL_PATTERN = re.compile(r"^https?://\S+$")
LIMITS = {
    "email": 320,
    "did": 2000,
    "name": 500,
    "framework": 200,
    "evidence": 2000,
    "valid_until": 40,
}
NARRATIVE_LIMIT = 10_000


class RosterFileError(InvalidInput):
    """The file is not a roster at all (encoding, header, size); no row was checked."""

    code = "invalid-roster"
    title = "Invalid roster"


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One learner row; `levels` and `statements` are the `;`-separated references."""

    number: int
    framework: str = ""
    email: str | None = None
    did: str | None = None
    name: str | None = None
    levels: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    evidence: str | None = None
    narrative: str | None = None
    valid_until: str | None = None
    """When the credentials expire (`validUntil`): an ISO date-time in UTC, "...Z"."""

    @property
    def valid_until_at(self) -> datetime | None:
        """`valid_until` as a datetime (UTC), or None."""
        if not self.valid_until:
            return None
        return datetime.fromisoformat(self.valid_until.replace("Z", "+00:00"))

    def to_json(self) -> dict[str, Any]:
        """Return the row as JSON-able data (stored with the batch; `valid_until` only when
        set, so rosters without it keep their digest)."""
        expiry = {"valid_until": self.valid_until} if self.valid_until else {}
        return expiry | {
            "number": self.number,
            "framework": self.framework,
            "email": self.email,
            "did": self.did,
            "name": self.name,
            "levels": list(self.levels),
            "statements": list(self.statements),
            "evidence": self.evidence,
            "narrative": self.narrative,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RosterRow":
        """Return the row stored by `to_json`."""
        return cls(
            **{
                **data,
                "levels": tuple(data.get("levels", ())),
                "statements": tuple(data.get("statements", ())),
            }
        )

    @property
    def recipient_label(self) -> str:
        """Who the row is for, for people: the email, else the DID."""
        return self.email or self.did or ""


@dataclass(frozen=True)
class RowProblem:
    """Something wrong with one row (`row` None: with the roster as a whole)."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}" if self.row is not None else self.message

    def to_json(self) -> dict[str, Any]:
        """Return `{"row": n, "detail": "..."}`."""
        return {"row": self.row, "detail": self.message}


LISTED_PROBLEMS = 1000
"""Problems kept to list (the first ones, by row); every one past them is still counted."""


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One record of a roster as read: its row (None if it could not be read as one) and the
    row's problems found without looking anything up."""

    number: int
    row: RosterRow | None
    problems: tuple[RowProblem, ...] = ()


class ProblemList:
    """Problems in row order: the first `LISTED_PROBLEMS` kept, all counted (memory stays
    flat however many rows are bad; no bad row goes unnoticed)."""

    def __init__(self) -> None:
        self._listed: list[RowProblem] = []
        self.count = 0
        self.rows = 0
        """How many rows have problems."""
        self._last: int | None = None

    def add(self, problems: Iterable[RowProblem]) -> None:
        """Add the problems of one row (rows are added in order)."""
        for problem in problems:
            self.count += 1
            if problem.row != self._last or not self.rows:
                self.rows += 1
                self._last = problem.row
            if len(self._listed) < LISTED_PROBLEMS:
                self._listed.append(problem)

    @property
    def listed(self) -> list[RowProblem]:
        """The problems kept, and last a note of how many more there are, if any."""
        more = self.count - len(self._listed)
        if not more:
            return list(self._listed)
        note = RowProblem(
            None, f"and {more} more problems (the first {LISTED_PROBLEMS} are listed)"
        )
        return [*self._listed, note]


Entries = Callable[[], Iterator[RosterEntry]]
"""Reads a roster's records afresh, one at a time (a roster is read once a pass)."""
RowCount = Callable[[], tuple[int, int]]
"""Counts a roster's records and rows afresh without checking the rows (a light pass)."""


class Roster:
    """A roster that was read through once: it is one (its encoding, header and size are
    right; `RosterFileError` if not); its rows are read again from the source for each
    later pass, so no pass holds the whole roster. `count` and `problems` (every problem
    found without looking anything up) take a pass of their own, made when first asked."""

    def __init__(self, entries: Entries, count_rows: RowCount | None = None) -> None:
        self._entries = entries
        self._checked: tuple[int, list[RowProblem], int] | None = None
        if count_rows is not None:
            records, count = count_rows()
        else:
            count, _, problem_count = self._check()
            records = count + problem_count  # (at least)
        if not records:
            raise RosterFileError("has no learner rows (one row a learner, after the header)")
        if count > MAX_ROWS:
            raise RosterFileError(f"has {count} rows; split it into rosters of {MAX_ROWS} at most")

    @property
    def count(self) -> int:
        """How many rows (a record that could not be read as a row is only a problem)."""
        return self._check()[0]

    @property
    def problems(self) -> list[RowProblem]:
        """The problems of the rows found without looking anything up (`ProblemList.listed`)."""
        return self._check()[1]

    @property
    def problem_count(self) -> int:
        """How many problems, listed or not."""
        return self._check()[2]

    def _check(self) -> tuple[int, list[RowProblem], int]:
        if self._checked is None:
            problems = ProblemList()
            count = 0
            for entry in self._entries():
                count += entry.row is not None
                problems.add(entry.problems)
            self._checked = (count, problems.listed, problems.count)
        return self._checked

    def entries(self) -> Iterator[RosterEntry]:
        """Yield every record again, in order, with its problems."""
        return self._entries()

    def rows(self) -> Iterator[RosterRow]:
        """Yield every row again, in order."""
        return (entry.row for entry in self._entries() if entry.row is not None)


class RosterDigest:
    """A hash of a roster's rows and the options (the same roster run again has the same).

    It hashes `json.dumps({"rows": [row.to_json(), ...], "options": options},
    sort_keys=True, ensure_ascii=False)`, written row by row as the rows pass."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._hash = hashlib.sha256()
        head = json.dumps(options, sort_keys=True, ensure_ascii=False)
        self._hash.update(f'{{"options": {head}, "rows": ['.encode())
        self._first = True

    def add(self, row: RosterRow) -> str:
        """Hash the next row; return its JSON text (as a batch stores it)."""
        text = json.dumps(row.to_json(), sort_keys=True, ensure_ascii=False)
        self._hash.update((text if self._first else ", " + text).encode("utf-8"))
        self._first = False
        return text

    def through(self, entries: Iterable[RosterEntry]) -> Iterator[RosterEntry]:
        """Yield `entries`, hashing each row on the way."""
        for entry in entries:
            if entry.row is not None:
                self.add(entry.row)
            yield entry

    def hexdigest(self) -> str:
        """Return the digest of the rows passed so far."""
        whole = self._hash.copy()
        whole.update(b"]}")
        return whole.hexdigest()


def read_csv(data: bytes | str | Path) -> Roster:
    """Return a CSV roster (bytes, text, or a file read again for each pass, never whole);
    raise `RosterFileError` if it is not one."""
    open_text = _opener(data)
    return Roster(lambda: _csv_entries(open_text), lambda: _csv_row_count(open_text))


def _opener(data: bytes | str | Path) -> Callable[[], TextIO]:
    """Return what opens the roster's text afresh, for each pass."""
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
        return lambda: io.StringIO(text, newline="")
    if isinstance(data, Path):
        path = data
        return lambda: _text_of(path.open("rb"))
    content = data
    return lambda: _text_of(io.BytesIO(content))


def _csv_records(open_text: Callable[[], TextIO]) -> Iterator[tuple[int, list[str], list[str]]]:
    """Yield each record of a CSV roster after its header (numbered from 2, blank lines
    skipped) with the header."""
    with open_text() as text:
        reader = csv.reader(text, strict=True)
        try:
            first = next(
                (record for record in reader if any(cell.strip() for cell in record)), None
            )
            if first is None:
                raise RosterFileError(
                    "the roster is empty (it needs a header row and one row a learner)"
                )
            header = _header(first)
            for number, record in enumerate(reader, start=2):
                if any(cell.strip() for cell in record):
                    yield number, header, record
        except csv.Error as err:
            raise RosterFileError(f"line {reader.line_num}: not valid CSV ({err})") from err
        except UnicodeDecodeError as err:
            binary = getattr(text, "buffer", None)
            at = _bad_byte(binary) if binary is not None else err.start
            raise RosterFileError(
                f"is not UTF-8 text (byte {at + 1}); save the roster as 'CSV UTF-8'"
            ) from err


def _csv_entries(open_text: Callable[[], TextIO]) -> Iterator[RosterEntry]:
    """Yield the records of a CSV roster after its header (numbered from 2)."""
    for number, header, record in _csv_records(open_text):
        if len(record) > len(header):
            message = (
                f"has {len(record)} fields but the header has {len(header)} "
                "(quote a value that contains a comma)"
            )
            yield RosterEntry(number, None, (RowProblem(number, message),))
            continue
        yield _entry(number, dict(zip(header, record, strict=False)))


def _csv_row_count(open_text: Callable[[], TextIO]) -> tuple[int, int]:
    """Return how many records a CSV roster has, and how many are rows (as `_csv_entries`
    reads them), reading it through without checking them: a tenth of the cost."""
    records = rows = 0
    for _, header, record in _csv_records(open_text):
        records += 1
        rows += len(record) <= len(header)
    return records, rows


def read_rows(items: list[Any]) -> Roster:
    """Return the rows given as JSON objects (keys as the CSV columns; `statements` and
    `level` may be lists); row 1 is the first item."""
    return Roster(lambda: _json_entries(items))


def _json_entries(items: list[Any]) -> Iterator[RosterEntry]:
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problem = RowProblem(number, "must be an object with the roster's columns")
            yield RosterEntry(number, None, (problem,))
            continue
        unknown = sorted(set(item) - set(COLUMNS) - {"levels"})
        if unknown:
            yield RosterEntry(number, None, (RowProblem(number, f"unknown field {unknown[0]!r}"),))
            continue
        values: dict[str, str] = {}
        for key, value in item.items():
            if value is None:
                continue
            if isinstance(value, list) and key in ("statements", "level", "levels"):
                if not all(isinstance(v, str) for v in value):
                    message = f"{key} must be a list of strings"
                    yield RosterEntry(number, None, (RowProblem(number, message),))
                    break
                value = ";".join(value)
            if not isinstance(value, str):
                yield RosterEntry(number, None, (RowProblem(number, f"{key} must be a string"),))
                break
            key = "level" if key == "levels" else key
            values[key] = f"{values[key]};{value}" if key in values else value
        else:
            yield _entry(number, values)


def template_csv() -> str:
    """Return a roster template: the header and two example rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "ana.garcia@example.org",
            "",
            "Ana García",
            "43-4171.00",
            "Emerging",
            "",
            "https://lms.example.org/portfolio/ana",
            "Completed the front-desk practicum.",
            "",
        ]
    )
    writer.writerow(
        [
            "",
            "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
            "Ben Okafor",
            "43-4171.00",
            "",
            "emerging-01;emerging-02",
            "",
            "",
            "2028-12-31",
        ]
    )
    return out.getvalue()


SPREADSHEET_SIGNATURES = {
    b"PK\x03\x04": "an Excel or OpenDocument spreadsheet (.xlsx, .ods)",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 spreadsheet (.xls)",
}


def refuse_spreadsheet(data: bytes) -> None:
    """Raise `RosterFileError` when `data` is a spreadsheet file rather than CSV text."""
    for signature, kind in SPREADSHEET_SIGNATURES.items():
        if data.startswith(signature):
            raise RosterFileError(
                f"is {kind}, not CSV: in the spreadsheet choose File > Save As, pick "
                "'CSV UTF-8 (Comma delimited) (*.csv)', and use that file"
            )


def _text_of(binary: BinaryIO) -> TextIO:
    """Return the roster's text, read as it is needed (refused if a spreadsheet file)."""
    try:
        refuse_spreadsheet(binary.read(8))
    except RosterFileError:
        binary.close()
        raise
    binary.seek(0)
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def _bad_byte(binary: BinaryIO) -> int:
    """Return where the first byte that is not UTF-8 is (0-based, after a byte order mark)."""
    binary.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, first = 0, True
    while True:
        block = binary.read(1 << 16)
        if first:
            block, first = block.removeprefix(codecs.BOM_UTF8), False
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as err:
            return offset - pending + err.start
        if not block:
            return offset
        offset += len(block)


def _header(cells: list[str]) -> list[str]:
    header = [cell.strip().lower() for cell in cells]
    if len(header) == 1 and ";" in header[0]:
        raise RosterFileError("row 1: separate the columns with commas, not semicolons")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        shown = ", ".join(repr(name) for name in unknown)
        near = difflib.get_close_matches(unknown[0], COLUMNS, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise RosterFileError(
            f"row 1: unknown column {shown} ({hint}the columns are: {', '.join(COLUMNS)})"
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise RosterFileError(f"row 1: column {repeated[0]!r} appears twice")
    missing = []
    if "framework" not in header:
        missing.append("framework")
    if "email" not in header and "did" not in header:
        missing.append("email or did")
    if "level" not in header and "statements" not in header:
        missing.append("level or statements")
    if missing:
        raise RosterFileError(f"row 1: the header needs a column {' and '.join(missing)}")
    return header


def _split(value: str) -> tuple[str, ...]:
    # interned: a cohort's rows repeat the same few references (memory of large rosters)
    return tuple(sys.intern(part.strip()) for part in value.split(";") if part.strip())


def _entry(number: int, values: dict[str, str]) -> RosterEntry:
    """Return the row and its problems (every one of them)."""
    clean = {key: value.strip() for key, value in values.items()}
    problems: list[str] = []
    for key, limit in LIMITS.items():
        if len(clean.get(key, "")) > limit:
            problems.append(f"{key} is longer than {limit} characters")
    if len(clean.get("narrative", "")) > NARRATIVE_LIMIT:
        problems.append(f"narrative is longer than {NARRATIVE_LIMIT} characters")
    email, did = clean.get("email") or None, clean.get("did") or None
    if not email and not did:
        problems.append("give the learner's email or did")
    if email and not EMAIL_PATTERN.match(email):
        problems.append(f"email {email!r} is not an email address (write it like ana@example.org)")
    if did and not DID_PATTERN.match(did):
        problems.append(f"did {did!r} is not a DID (did:method:identifier)")
    framework = sys.intern(clean.get("framework", ""))
    if not framework:
        problems.append("give the framework (its id or SOC code)")
    levels, statements = _split(clean.get("level", "")), _split(clean.get("statements", ""))
    if not levels and not statements:
        problems.append("give a level or statements (separated by ';')")
    evidence = clean.get("evidence") or None
    if evidence and not URL_PATTERN.match(evidence):
        problems.append(f"evidence {evidence!r} is not an http(s) URL")
    valid_until, expiry_problem = _expiry(clean.get("valid_until", ""))
    if expiry_problem:
        problems.append(expiry_problem)
    row = RosterRow(
        number=number,
        framework=framework,
        email=email,
        did=did,
        name=clean.get("name") or None,
        levels=levels,
        statements=statements,
        evidence=evidence,
        narrative=clean.get("narrative") or None,
        valid_until=valid_until,
    )
    return RosterEntry(number, row, tuple(RowProblem(number, message) for message in problems))


def _expiry(value: str) -> tuple[str | None, str | None]:
    """Return a `valid_until` cell as "YYYY-MM-DDTHH:MM:SSZ" (a date: the end of that day,
    UTC), or the problem with it."""
    if not value:
        return None, None
    try:
        if len(value) == 10:
            at = datetime.combine(date.fromisoformat(value), time(23, 59, 59), tzinfo=UTC)
        else:
            at = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if at.tzinfo is None:
                return None, f"valid_until {value!r} needs a time zone (end it with Z for UTC)"
    except ValueError:
        return None, f"valid_until {value!r} is not a date (write it like 2027-12-31)"
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), None
