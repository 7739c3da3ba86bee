"""`ler-issuer keys ...` and the key step of `ler-issuer init`, with real key files."""

import json
from pathlib import Path

from issuer.settings import Settings
from tests.conftest import Cli


def _secrets(keys_dir: Path) -> list[str]:
    return [
        json.loads(path.read_text())["secretKeyMultibase"] for path in keys_dir.glob("key-*.json")
    ]


def test_init_creates_a_key_once_and_prints_the_issuer_did(
    run_cli: Cli, settings: Settings
) -> None:
    first = run_cli("init")
    assert first.exit_code == 0, first.output
    assert "issuer: did:key:z6Mk" in first.output
    again = run_cli("init")
    assert again.exit_code == 0, again.output
    assert first.output.splitlines()[-1] == again.output.splitlines()[-1]
    assert len(list(settings.keys_dir.glob("key-*.json"))) == 1


def test_keys_list_shows_public_facts_and_never_private_material(
    run_cli: Cli, settings: Settings
) -> None:
    assert run_cli("keys", "generate").exit_code == 0
    assert run_cli("keys", "rotate").exit_code == 0
    table = run_cli("keys", "list")
    listing = run_cli("keys", "list", "--json")
    assert table.exit_code == listing.exit_code == 0
    rows = json.loads(listing.output)["keys"]
    assert [(r["id"], r["status"]) for r in rows] == [("key-1", "retired"), ("key-2", "active")]
    for row in rows:
        assert row["did"] == f"did:key:{row['publicKeyMultibase']}"
        assert row["publicKeyMultibase"] in table.output
        assert row["did"] in table.output
        assert row["created"] in table.output
    secrets = _secrets(settings.keys_dir)
    assert len(secrets) == 2
    for output in (table.output, listing.output):
        assert "secret" not in output.lower()
        assert not any(secret in output for secret in secrets)
        assert not any(secret[1:20] in output for secret in secrets)


def test_keys_generate_refuses_to_replace_a_key(run_cli: Cli) -> None:
    assert run_cli("keys", "generate").exit_code == 0
    again = run_cli("keys", "generate")
    assert again.exit_code == 1
    assert "keys rotate" in again.output


def test_keys_rotate_needs_a_key_and_explains_did_key_rotation(run_cli: Cli) -> None:
    empty = run_cli("keys", "rotate")
    assert empty.exit_code == 1
    assert "ler-issuer init" in empty.output
    run_cli("keys", "generate")
    rotated = run_cli("keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "retired key-1; key-2 is now active" in rotated.output
    assert "keep verifying" in rotated.output


def test_keys_list_on_an_empty_store(run_cli: Cli) -> None:
    result = run_cli("keys", "list")
    assert result.exit_code == 0
    assert "no issuer keys" in result.output


def test_did_web_keys_share_the_issuer_did(run_cli: Cli) -> None:
    run_cli.env["ISSUER_DID"] = "web"
    run_cli("keys", "generate")
    run_cli("keys", "rotate")
    rows = json.loads(run_cli("keys", "list", "--json").output)["keys"]
    assert {r["did"] for r in rows} == {"did:web:issuer.example.org"}
    assert [r["verificationMethod"] for r in rows] == [
        "did:web:issuer.example.org#key-1",
        "did:web:issuer.example.org#key-2",
    ]
