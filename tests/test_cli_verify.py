"""`ler-issuer verify FILE`: one line per check, exit 0 only when verified."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.unit.verify.builders import (
    OTHER,
    presentation,
    signed_credential,
    status_entry,
)

EXAMPLES = Path("/work/shared/reference/examples")


def _write(tmp_path: Path, document: Any, name: str = "credential.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_valid_credential_exits_zero_with_a_line_per_check(run_cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, signed_credential())
    result = run_cli("verify", str(path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: verified"
    assert lines[1].startswith("“Teamwork” issued by Example Training Provider (did:key:z6Mk")
    assert "  ✓ shape: This is a well-formed Open Badges 3.0 credential" in result.output
    assert (
        "  ✓ proof: The signature is valid: the credential has not been changed since the "
        "issuer signed it." in lines
    )
    assert [line.split()[1] for line in lines[2:]] == [
        "shape:",
        "proof:",
        "issuer:",
        "validFrom:",
        "validUntil:",
        "credentialStatus:",
        "credentialSchema:",
    ]


def test_a_tampered_credential_exits_one_naming_the_proof(run_cli: Cli, tmp_path: Path) -> None:
    credential = signed_credential()
    credential["credentialSubject"]["achievement"]["name"] = "Leadership"
    path = _write(tmp_path, credential)
    result = run_cli("verify", str(path))
    assert result.exit_code == 1
    assert f"{path}: NOT verified" in result.output
    assert "  ✗ proof: The signature does not match: the credential has been changed" in (
        result.output
    )


def test_a_status_list_not_fetched_fails_closed(run_cli: Cli, tmp_path: Path) -> None:
    # This used to be a warning with exit 0 (issue 9): a verifier that may not fetch the
    # list cannot say the credential is not revoked, so it is not verified. (Warnings are
    # still marked "!" and do not fail: see the 1EdTech did:key sample below.)
    entry = status_entry("revocation", 5, "https://status.elsewhere.example/lists/1")
    path = _write(tmp_path, signed_credential(status=[entry]))
    result = run_cli("verify", str(path))
    assert result.exit_code == 1, result.output
    assert (
        "  ✗ credentialStatus: We could not check whether the issuer has revoked this "
        "credential: the status list is kept at status.elsewhere.example, which this verifier "
        "is not allowed to contact." in result.output
    )


def test_json_output_is_the_vc_api_response(run_cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, signed_credential(OTHER, validUntil="2030-01-01T00:00:00Z"))
    result = run_cli("verify", str(path), "--json", "--at", "2031-01-01T00:00:00Z")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["verified"] is False
    assert body["errors"] == ["validUntil"]
    assert body["problemDetails"][0]["detail"] == (
        "This credential expired on 1 January 2030 at 00:00 UTC."
    )
    assert body["results"]["validUntil"] == {"verified": False, "input": "2030-01-01T00:00:00Z"}


def test_at_checks_dates_as_of_that_time(run_cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, signed_credential())
    result = run_cli("verify", str(path), "--at", "2024-06-01T00:00:00+02:00")
    assert result.exit_code == 1
    assert (
        "  ✗ validFrom: This credential is not valid yet: it becomes valid on 1 January 2025"
        in (result.output)
    )


def test_a_presentation_prints_its_credentials(run_cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, presentation([signed_credential()]), "presentation.json")
    result = run_cli("verify", str(path), "--challenge", "c-123", "--domain", "verifier.example")
    assert result.exit_code == 0, result.output
    assert "A presentation from did:key:z6Mk" in result.output
    assert "  ✓ challenge: The presentation answers the challenge we sent" in result.output
    assert "  credential 1: verified. “Teamwork” issued by" in result.output
    assert "    ✓ proof: The signature is valid: the credential has not been changed" in (
        result.output
    )
    wrong = run_cli("verify", str(path), "--challenge", "other")
    assert wrong.exit_code == 1
    assert "  ✗ challenge:" in wrong.output


def test_the_1edtech_did_key_sample_verifies(run_cli: Cli) -> None:
    path = EXAMPLES / "ob_v3p0/1edtech-validator/openbadgecredential-did-key.signed.json"
    result = run_cli("verify", str(path))
    assert result.exit_code == 0, result.output
    assert "  ! issuer: The issuer is identified only as urn:uuid:" in result.output


def test_an_https_key_sample_fails_clearly(run_cli: Cli) -> None:
    path = EXAMPLES / "ob_v3p0/1edtech-validator/endorsementcredential.signed.json"
    result = run_cli("verify", str(path))
    assert result.exit_code == 1
    assert "  ✗ proof: We could not find the key that signed the credential (https://" in (
        result.output
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ("[1, 2]", "does not hold a credential or presentation"),
        ("", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_malformed_input_is_one_line_and_non_zero(
    run_cli: Cli, tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = run_cli("verify", str(path))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {path}: ")
    assert message in line


def test_missing_file(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("verify", str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'nope.json'}: no such file"


def test_challenge_applies_to_presentations_only(run_cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, signed_credential())
    result = run_cli("verify", str(path), "--challenge", "x")
    assert result.exit_code == 2
    assert "presentations only" in result.output


def test_bad_at_value(run_cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, signed_credential())
    assert run_cli("verify", str(path), "--at", "tomorrow").exit_code == 2
    assert run_cli("verify", str(path), "--at", "2025-01-01T00:00:00").exit_code == 2
