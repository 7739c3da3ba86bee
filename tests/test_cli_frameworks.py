"""`ler-issuer init` and `ler-issuer frameworks ...` as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.factories import make_export, seven_level_export, write_export
from tests.unit.test_loader import BAD_FILES


def _listed(run_cli: Cli) -> list[dict]:  # type: ignore[type-arg]
    result = run_cli("frameworks", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_init_imports_the_seeds_and_is_idempotent(run_cli: Cli) -> None:
    first = run_cli("init")
    assert first.exit_code == 0, first.output
    assert first.output.count(": imported") == 2
    again = run_cli("init")
    assert again.exit_code == 0
    assert again.output.count(": unchanged") == 2
    assert [f["soc"] for f in _listed(run_cli)] == ["43-4021.00", "43-4171.00"]


def test_validate_reports_the_shape(run_cli: Cli, tmp_path: Path) -> None:
    path = write_export(tmp_path, "seven.json", seven_level_export())
    result = run_cli("frameworks", "validate", str(path))
    assert result.exit_code == 0
    assert "valid (15-1252.00-v.1.0: Software Developers, 7 levels, 33 statements)" in result.output
    assert _listed(run_cli) == []


def test_import_then_list(run_cli: Cli, tmp_path: Path) -> None:
    path = write_export(tmp_path, "seven.json", seven_level_export())
    result = run_cli("frameworks", "import", str(path))
    assert result.exit_code == 0
    assert "imported" in result.output
    (listed,) = _listed(run_cli)
    assert listed["levels"][-1] == "Master"
    assert listed["statements"] == 33


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
@pytest.mark.parametrize("command", ["validate", "import"])
def test_bad_file_exits_non_zero_with_one_line_and_changes_nothing(
    run_cli: Cli, tmp_path: Path, case: str, command: str
) -> None:
    assert run_cli("init").exit_code == 0
    before = _listed(run_cli)
    text, expected = BAD_FILES[case]
    path = write_export(tmp_path, f"{case}.json", text)
    result = run_cli("frameworks", command, str(path))
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output
    assert _listed(run_cli) == before


def test_one_bad_file_among_several_imports_none(run_cli: Cli, tmp_path: Path) -> None:
    good = write_export(tmp_path, "good.json", make_export())
    bad = write_export(tmp_path, "bad.json", "{")
    result = run_cli("frameworks", "import", str(good), str(bad))
    assert result.exit_code != 0
    assert _listed(run_cli) == []


def test_changed_export_with_same_version_needs_replace(run_cli: Cli, tmp_path: Path) -> None:
    original = write_export(tmp_path, "v1.json", make_export())
    changed_data = make_export()
    changed_data["framework"]["levels"]["novice"]["statements"][0] = "Topic 1 — changed."
    changed = write_export(tmp_path, "v1-changed.json", changed_data)
    assert run_cli("frameworks", "import", str(original)).exit_code == 0
    refused = run_cli("frameworks", "import", str(changed))
    assert refused.exit_code != 0
    assert "already imported with different content" in refused.output
    replaced = run_cli("frameworks", "import", "--replace", str(changed))
    assert replaced.exit_code == 0
    assert "replaced" in replaced.output


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    bad = write_export(tmp_path, "bad.json", "[")
    env = {"ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": ""}
    completed = subprocess.run(
        [sys.executable, "-m", "issuer", "frameworks", "validate", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stderr.strip() == (
        f"Error: {bad}: not valid JSON at line 1 column 2: Expecting value (the file looks truncated)"
    )
