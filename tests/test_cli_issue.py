"""`ler-issuer issue`, `revoke`, `suspend` and `tokens` as a provider runs them."""

import json
from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import AUTH, Cli


def _issue(run_cli: Cli, *args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("issue", "--framework", "43-4021.00", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_issue_a_level_then_revoke(run_cli: Cli, tmp_path: Path) -> None:
    assert run_cli("init").exit_code == 0
    issued = _issue(run_cli, "--level", "Advanced", "--email", "sam@example.org", "--name", "Sam")
    assert len(issued["credentials"]) == 11
    assert issued["wallet"]
    credential = issued["credentials"][-1]
    path = tmp_path / "level.json"
    path.write_text(json.dumps(credential))
    assert run_cli("verify", str(path)).exit_code == 0
    revoked = run_cli("revoke", credential["id"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    after = run_cli("verify", str(path))
    assert after.exit_code == 1
    assert "revoked" in after.output
    again = run_cli("revoke", credential["id"])
    assert "already revoked" in again.output
    refused = run_cli("suspend", credential["id"])
    assert refused.exit_code == 1
    assert "revoked" in refused.output


def test_issue_errors_are_one_line(run_cli: Cli) -> None:
    assert run_cli("init").exit_code == 0
    no_recipient = run_cli("issue", "--framework", "43-4021.00", "--level", "Emerging")
    assert no_recipient.exit_code == 2
    assert "--email or --did" in no_recipient.output
    unknown = run_cli("issue", "-f", "43-4021.00", "-s", "nope-01", "--did", "did:example:1")
    assert unknown.exit_code == 1
    assert unknown.output.strip().splitlines()[-1].startswith("Error: ")
    assert "Traceback" not in unknown.output


def test_created_token_authorises_api_calls(run_cli: Cli, client: FlaskClient) -> None:
    created = run_cli("tokens", "create", "console")
    assert created.exit_code == 0
    token = created.stdout.strip()
    body = {
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": client.application.extensions["issuer"].identity.did,
            "credentialSubject": {"id": "did:example:1"},
        }
    }
    ok = client.post("/credentials/issue", json=body, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 201
    listed = run_cli("tokens", "list")
    assert "console" in listed.output and token not in listed.output
    token_id = listed.output.split()[0]
    assert run_cli("tokens", "revoke", token_id).exit_code == 0
    refused = client.post(
        "/credentials/issue", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401


def test_the_cli_refuses_an_invalid_email_or_did_like_the_api(
    run_cli: Cli, client: FlaskClient
) -> None:
    assert run_cli("init").exit_code == 0
    for option, value, message in (
        ("--email", "ana@", "Enter an email address like ana@example.org."),
        ("--did", "did:nope", "Enter a DID like did:key:z6Mk"),
    ):
        result = run_cli("issue", "-f", "43-4021.00", "-l", "Emerging", option, value)
        assert result.exit_code == 2, result.output
        assert f"Invalid value for '{option}': {message}" in result.output
        assert "Traceback" not in result.output
    api = client.post(
        "/awards",
        headers=AUTH,
        json={"framework": "43-4021.00", "level": "Emerging", "recipient": {"email": "ana@"}},
    )
    assert api.status_code == 422
    body = api.get_json()
    assert body["detail"] == "Enter an email address like ana@example.org."
    assert body["errors"][0]["loc"] == ["recipient", "email"]
    assert "pattern" not in body["detail"]


def test_revoke_records_the_reason_given(run_cli: Cli, client: FlaskClient) -> None:
    assert run_cli("init").exit_code == 0
    credential = _issue(run_cli, "--level", "Emerging", "--email", "sam@example.org")
    url = credential["credentials"][0]["id"]
    result = run_cli("revoke", url, "--reason", "Assessment withdrawn")
    assert result.exit_code == 0 and "revoked" in result.output
    events = client.get("/audit?action=revoke", headers=AUTH).get_json()["events"]
    assert events[0]["subject"] == url
    assert events[0]["detail"]["reason"] == "Assessment withdrawn"
