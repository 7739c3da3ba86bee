"""Reading framework exports: the seeds, other shapes, and every kind of malformed file."""

import json
from pathlib import Path

import pytest

from issuer.errors import InvalidInput
from issuer.frameworks.loader import json_path, read_export
from tests.factories import (
    SEED_FILES,
    make_export,
    non_ascii_export,
    seven_level_export,
    write_export,
)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_files_load_with_four_levels_of_ten(path: Path) -> None:
    export, text = read_export(path)
    assert text == path.read_text(encoding="utf-8")
    labels = [level.label for level in export.framework.levels.values()]
    assert labels == ["Emerging", "Developing", "Proficient", "Advanced"]
    assert all(len(level.statements) == 10 for level in export.framework.levels.values())
    assert export.occupation.soc == path.name[:10]


def test_level_order_and_unicode_are_kept(tmp_path: Path) -> None:
    data = non_ascii_export()
    export, _ = read_export(write_export(tmp_path, "fr.json", data))
    assert list(export.framework.levels) == ["débutant", "初級", "experte"]
    assert (
        export.framework.levels["初級"].statements[0] == "包丁の技術 — 基本的な切り方を正確に行う。"
    )
    assert export.occupation.title == "Cuisiniers de restaurant — Köche"


def test_any_number_of_levels_and_statements(tmp_path: Path) -> None:
    export, _ = read_export(write_export(tmp_path, "seven.json", seven_level_export()))
    assert [len(lv.statements) for lv in export.framework.levels.values()] == [3, 7, 3, 7, 3, 7, 3]


def _broken(mutate) -> str:  # type: ignore[no-untyped-def]
    data = make_export()
    mutate(data)
    return json.dumps(data)


BAD_FILES = {
    "not-json": ("this is not JSON", "not valid JSON at line 1 column 1"),
    "empty": ("", "the file is empty"),
    "truncated": (json.dumps(make_export())[:300], "looks truncated"),
    "array": ("[1, 2]", "$: expected a JSON object"),
    "missing-soc": (
        _broken(lambda d: d["occupation"].pop("soc")),
        "$.occupation.soc: required field is missing",
    ),
    "malformed-soc": (
        _broken(lambda d: d["occupation"].update(soc="43-417")),
        '$.occupation.soc: malformed SOC code "43-417"',
    ),
    "soc-not-string": (
        _broken(lambda d: d["occupation"].update(soc=434171)),
        "$.occupation.soc: expected a string, got a number",
    ),
    "unknown-schema-version": (
        _broken(lambda d: d.update(schemaVersion="2.0")),
        '$.schemaVersion: unknown schema version "2.0"',
    ),
    "missing-schema-version": (
        _broken(lambda d: d.pop("schemaVersion")),
        "$.schemaVersion: required field is missing",
    ),
    "empty-statement": (
        _broken(lambda d: d["framework"]["levels"]["novice"]["statements"].__setitem__(1, "  ")),
        "$.framework.levels.novice.statements[1]: must not be empty",
    ),
    "non-string-statement": (
        _broken(lambda d: d["framework"]["levels"]["expert"]["statements"].__setitem__(2, 42)),
        "$.framework.levels.expert.statements[2]: expected a string, got a number",
    ),
    "no-levels": (
        _broken(lambda d: d["framework"].update(levels={})),
        "$.framework.levels: must not be empty",
    ),
    "levels-missing": (
        _broken(lambda d: d["framework"].pop("levels")),
        "$.framework.levels: required field is missing",
    ),
    "statements-not-a-list": (
        _broken(lambda d: d["framework"]["levels"]["novice"].update(statements="one, two")),
        "$.framework.levels.novice.statements: expected a list, got a string",
    ),
    "level-without-statements": (
        _broken(lambda d: d["framework"]["levels"]["novice"].update(statements=[])),
        "$.framework.levels.novice.statements: must not be empty",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_malformed_export_is_refused_naming_file_and_path(tmp_path: Path, case: str) -> None:
    text, expected = BAD_FILES[case]
    path = write_export(tmp_path, f"{case}.json", text)
    with pytest.raises(InvalidInput) as caught:
        read_export(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read file"):
        read_export(tmp_path / "missing.json")


def test_json_path_quotes_keys_that_are_not_identifiers() -> None:
    assert json_path(("framework", "levels", "初級", "statements", 0)) == (
        "$.framework.levels.初級.statements[0]"
    )
    assert json_path(("levels", "level one", 3)) == '$.levels["level one"][3]'


@pytest.mark.parametrize(
    ("where", "typo", "message"),
    [
        (("framework",), "levels", '$.framework: unknown key "levles": did you mean "levels"?'),
        ((), "occupation", '$: unknown key "ocupation": did you mean "occupation"?'),
        (("occupation",), "title", '$.occupation: unknown key "titel": did you mean "title"?'),
        (
            ("framework", "levels", "novice"),
            "statements",
            '$.framework.levels.novice: unknown key "statments": did you mean "statements"?',
        ),
        (("framework",), "description", '$.framework: unknown key "descripton"'),
    ],
)
def test_a_misspelt_key_is_named_with_the_near_one(
    tmp_path: Path, where: tuple[str, ...], typo: str, message: str
) -> None:
    data = make_export()
    target = data
    for key in where:
        target = target[key]
    wrong = message.split('unknown key "')[1].split('"')[0]
    target[wrong] = target.pop(typo, "x")
    with pytest.raises(InvalidInput) as err:
        read_export(write_export(tmp_path, "typo.json", data))
    assert f"typo.json: {message}" in str(err.value)


def test_other_unknown_keys_are_still_kept(tmp_path: Path) -> None:
    data = make_export()
    data["framework"]["reviewedBy"] = "the sector council"
    export, text = read_export(write_export(tmp_path, "extra.json", data))
    assert "reviewedBy" in text and export.framework.version
