"""Reading rosters: every problem of every row, numbered as a spreadsheet shows them."""

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from issuer.services import roster as roster_module
from issuer.services.roster import (
    COLUMNS,
    MAX_ROWS,
    Roster,
    RosterDigest,
    RosterFileError,
    read_csv,
    read_rows,
    template_csv,
)

HEADER = "email,did,name,framework,level,statements,evidence,narrative\n"


def digest(roster: Roster, options: dict[str, Any]) -> str:
    """The roster's digest, as a batch is stored with (one pass over its rows)."""
    hasher = RosterDigest(options)
    for _ in hasher.through(roster.entries()):
        pass
    return hasher.hexdigest()


def test_rows_are_numbered_from_2_after_the_header_and_values_are_trimmed() -> None:
    roster = read_csv(
        (
            "\ufeff"
            + HEADER
            + " ana@example.org ,,Ana, 43-4171.00 ,Emerging,,,\n"
            + "\n"  # a blank line still counts as a spreadsheet row
            + ',did:key:z6Mkabc,"Okafor, Ben",43-4171.00,,emerging-01; emerging-02 ;,'
            + 'https://ex.org/b,"two\nlines"\n'
        ).encode()
    )
    assert roster.problems == []
    ana, ben = list(roster.rows())
    assert (ana.number, ana.email, ana.framework, ana.levels) == (
        2,
        "ana@example.org",
        "43-4171.00",
        ("Emerging",),
    )
    assert (ben.number, ben.did, ben.name) == (4, "did:key:z6Mkabc", "Okafor, Ben")
    assert ben.statements == ("emerging-01", "emerging-02")
    assert ben.narrative == "two\nlines"


def test_every_problem_of_every_row_is_reported() -> None:
    roster = read_csv(
        HEADER
        + "ana@example.org,,Ana,43-4171.00,Emerging,,,\n"  # row 2: fine
        + ",,No id,43-4171.00,Emerging,,,\n"  # row 3
        + "not-an-email,,,43-4171.00,,emerging-01,,\n"  # row 4
        + "c@example.org,did:nope,,,,,ftp://x,\n"  # row 5: three problems
        + "d@example.org,,,43-4171.00,,,,\n"  # row 6
        + "e@example.org,,,43-4171.00,Emerging,,,,extra\n"  # row 7: too many fields
    )
    found = [(p.row, p.message) for p in roster.problems]
    assert found == [
        (3, "give the learner's email or did"),
        (4, "email 'not-an-email' is not an email address (write it like ana@example.org)"),
        (5, "did 'did:nope' is not a DID (did:method:identifier)"),
        (5, "give the framework (its id or SOC code)"),
        (5, "give a level or statements (separated by ';')"),
        (5, "evidence 'ftp://x' is not an http(s) URL"),
        (6, "give a level or statements (separated by ';')"),
        (7, "has 9 fields but the header has 8 (quote a value that contains a comma)"),
    ]
    assert str(roster.problems[0]) == "row 3: give the learner's email or did"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the roster is empty"),
        (b"\xff\xfeemail", "is not UTF-8 text"),
        (b"email;framework;level\n", "separate the columns with commas"),
        (b"emial,framework,level\n", "row 1: unknown column 'emial'"),
        (b"email,email,framework,level\n", "column 'email' appears twice"),
        (b"email,level\n", "needs a column framework"),
        (b"name,framework\n", "needs a column email or did and level or statements"),
        (b'email,framework,level\n"unterminated', "not valid CSV"),
        (b"email,framework,level\n\n", "has no learner rows"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(RosterFileError, match=message):
        read_csv(data)


def test_a_roster_may_be_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_ROWS == 100_000
    monkeypatch.setattr(roster_module, "MAX_ROWS", 3)
    read_csv("email,framework,level\n" + "a@example.org,x,y\n" * 3)
    text = "email,framework,level\n" + "a@example.org,x,y\n" * 4
    with pytest.raises(RosterFileError, match="has 4 rows; split it into rosters of 3 at most"):
        read_csv(text)
    unreadable = "a@example.org,x,y,z\n"  # a problem, not a row: not counted
    assert read_csv("email,framework,level\n" + "a@example.org,x,y\n" * 3 + unreadable).count == 3


def test_a_csv_roster_is_read_through_once_and_its_rows_checked_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[int] = []
    entry = roster_module._entry

    def counting(number: int, values: dict[str, str]) -> Any:
        checked.append(number)
        return entry(number, values)

    monkeypatch.setattr(roster_module, "_entry", counting)
    roster = read_csv("email,framework,level\nana@,x,y\n\nb@example.org,x,y\n")
    assert checked == []  # the file read through, its rows counted, none checked
    assert (roster.count, roster.problem_count) == (2, 1)
    assert [str(p) for p in roster.problems] == [
        "row 2: email 'ana@' is not an email address (write it like ana@example.org)"
    ]
    assert checked == [2, 4]  # checked once, when first asked


def test_no_json_rows_is_no_roster() -> None:
    with pytest.raises(RosterFileError, match="has no learner rows"):
        read_rows([])


def test_json_rows_take_lists_and_are_numbered_from_1() -> None:
    roster = read_rows(
        [
            {"email": "a@example.org", "framework": "f", "statements": ["s1", "s2"]},
            {"did": "did:key:z6Mkx", "framework": "f", "level": "Emerging", "name": None},
            "not an object",
            {"email": "b@example.org", "framework": "f", "level": "x", "colour": "red"},
            {"email": "c@example.org", "framework": 7, "level": "x"},
        ]
    )
    assert [r.number for r in roster.rows()] == [1, 2]
    assert next(roster.rows()).statements == ("s1", "s2")
    assert [(p.row, p.message) for p in roster.problems] == [
        (3, "must be an object with the roster's columns"),
        (4, "unknown field 'colour'"),
        (5, "framework must be a string"),
    ]


def test_the_template_is_a_valid_roster_with_every_column() -> None:
    text = template_csv()
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    roster = read_csv(text)
    assert roster.problems == [] and roster.count == 2


def test_the_digest_depends_on_rows_and_options() -> None:
    one = read_csv(HEADER + "a@example.org,,,f,L,,,\n")
    same = read_csv(HEADER + "a@example.org,,,f,L,,,\n")
    other = read_csv(HEADER + "b@example.org,,,f,L,,,\n")
    assert digest(one, {"replace": False}) == digest(same, {"replace": False})
    assert digest(one, {"replace": False}) != digest(one, {"replace": True})
    assert digest(one, {}) != digest(other, {})


def test_a_valid_until_column_sets_when_the_credentials_expire() -> None:
    roster = read_csv(
        "email,framework,level,valid_until\n"
        "a@example.org,43-4171.00,Emerging,2027-12-31\n"
        "b@example.org,43-4171.00,Emerging,2027-06-30T12:00:00+02:00\n"
        "c@example.org,43-4171.00,Emerging,\n"
        "d@example.org,43-4171.00,Emerging,31/12/2027\n"
        "e@example.org,43-4171.00,Emerging,2027-06-30T12:00:00\n"
    )
    a, b, c, *_ = list(roster.rows())
    assert a.valid_until == "2027-12-31T23:59:59Z"
    assert a.valid_until_at is not None and a.valid_until_at.isoformat() == (
        "2027-12-31T23:59:59+00:00"
    )
    assert b.valid_until == "2027-06-30T10:00:00Z"
    assert c.valid_until is None and c.valid_until_at is None
    assert [str(p) for p in roster.problems] == [
        "row 5: valid_until '31/12/2027' is not a date (write it like 2027-12-31)",
        "row 6: valid_until '2027-06-30T12:00:00' needs a time zone (end it with Z for UTC)",
    ]
    assert type(a).from_json(a.to_json()) == a
    assert "valid_until" not in c.to_json()  # rosters without it keep their digest
    rows = read_rows(
        [{"email": "a@example.org", "framework": "x", "level": "E", "valid_until": "2027-12-31"}]
    )
    assert next(rows.rows()).valid_until == "2027-12-31T23:59:59Z"


def test_the_digest_is_the_hash_of_the_rows_and_options_as_json() -> None:
    """Written row by row, it stays the hash batches were stored with (to find them again)."""
    roster = read_csv(template_csv() + 'ana@example.org,,"Ana ""A"" Ø",43-4171.00,,a;b,,\r\n')
    options = {"replace": True, "cryptosuite": "eddsa-jcs-2022", "notify": True}
    whole = {"rows": [row.to_json() for row in roster.rows()], "options": options}
    text = json.dumps(whole, sort_keys=True, ensure_ascii=False)
    assert digest(roster, options) == hashlib.sha256(text.encode()).hexdigest()
    assert digest(roster, {}) != digest(roster, options)


def test_a_file_is_read_as_a_stream_with_the_same_rows_and_errors(tmp_path: Path) -> None:
    """A roster file is read again for each pass (never whole); what it says is the same
    as from its bytes, down to where a byte is not UTF-8."""
    text = "\ufeff" + HEADER + "ana@example.org,,Ana,43-4171.00,Emerging,,,\n" * 2000
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    from_file, from_bytes = read_csv(path), read_csv(path.read_bytes())
    assert list(from_file.rows()) == list(from_bytes.rows()) == list(from_file.rows())
    assert digest(from_file, {}) == digest(from_bytes, {})
    good = path.read_bytes()
    bad = good + "é".encode("latin-1") + b"\n"  # past the first block read (64 KiB)
    path.write_bytes(bad)
    with pytest.raises(RosterFileError) as from_stream:
        read_csv(path)
    with pytest.raises(RosterFileError) as from_memory:
        read_csv(bad)
    assert str(from_stream.value) == str(from_memory.value)
    assert f"(byte {len(good) - 3 + 1})" in str(from_memory.value)  # counted after the BOM
