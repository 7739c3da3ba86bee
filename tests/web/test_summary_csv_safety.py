"""A batch's summary CSV cannot carry spreadsheet formulas from the roster (CSV injection)."""

import csv
import io
import time
import zipfile
from typing import Any

import pytest
from flask.testing import FlaskClient

from issuer.services.batch_results import spreadsheet_cell
from tests.conftest import AUTH, Cli

FRAMEWORK = "43-4171.00"
NAMES = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3", "@SUM(A1:A2)", " =1+1", "Ana García"]


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def _roster() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "did", "name", "framework", "level", "statements"])
    for number, name in enumerate(NAMES):
        writer.writerow([f"l{number}@example.org", "", name, FRAMEWORK, "", "emerging-01"])
    return out.getvalue()


def _finished(client: FlaskClient, location: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        body = client.get(location, headers=AUTH).get_json()
        if body["status"] in ("finished", "failed"):
            return body  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def test_formula_names_come_back_escaped_from_summary_csv_and_the_zip(
    seeded: FlaskClient,
) -> None:
    roster = io.BytesIO(_roster().encode("utf-8"))
    response = seeded.post(
        "/batches",
        data={"roster": (roster, "cohort.csv")},
        headers=AUTH,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    location = response.headers["Location"]
    assert _finished(seeded, location)["status"] == "finished"

    summary = seeded.get(f"{location}/summary.csv", headers=AUTH).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(summary)))
    assert [row["name"] for row in rows] == [
        "'=cmd|' /C calc'!A0",
        "'+SUM(1+1)",
        "'-2+3",
        "'@SUM(A1:A2)",
        "'=1+1",  # the roster trims values
        "Ana García",
    ]
    for row in rows:  # nothing else in the file starts like a formula either
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
        assert row["wallet"].startswith("https://")

    with seeded.get(f"{location}/wallets.zip?clr=false", headers=AUTH) as wallets:
        archive = zipfile.ZipFile(io.BytesIO(wallets.get_data()))
    zipped = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode("utf-8"))))
    assert [row["name"] for row in zipped] == [row["name"] for row in rows]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("\n@x", "'\n@x"),
        ("Ana", "Ana"),
        ("https://issuer.example.org/wallet/x", "https://issuer.example.org/wallet/x"),
        ("", ""),
        (3, 3),
        (-3, -3),
    ],
)
def test_spreadsheet_cell_prefixes_formula_text_with_a_quote(
    value: object, expected: object
) -> None:
    assert spreadsheet_cell(value) == expected


def test_escaped_cells_read_back_as_written() -> None:
    out = io.StringIO()
    csv.writer(out).writerow([spreadsheet_cell(v) for v in ["\t=1", "a,\r=2", '=HYPERLINK("x")']])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'\t=1", "a,\r=2", '\'=HYPERLINK("x")']
