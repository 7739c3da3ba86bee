"""Learner Credential Wallet's deep-link claim, replayed with LCW's own libraries against a live
service (offline): `lcw-claim.mjs` mints a did:key as LCW does, signs the Ed25519Signature2020
presentation of `credentialRequest.ts`, POSTs it to the link's vc_request_url and parses the
answer as LCW does (HTML entities decoded, then JSON). The delivered credential is then
verified by the Digital Bazaar stack (`vc-tool.mjs`) and by our own verifier.
"""

import json
import re
import shutil
import subprocess
import urllib.request
from typing import Any

import pytest

from tests.fuzzing import running_service
from tests.interop.test_js_interop import HERE, TOOL, _node_problem

pytestmark = pytest.mark.node

CLAIM = HERE / "lcw-claim.mjs"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
NAME = "Sales & <service> &region"


def _post(url: str, body: Any, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _node(script: str, *args: str, stdin: str | None = None) -> Any:
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, script, *args], input=stdin, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _credential() -> dict[str, Any]:
    return {
        "@context": [VC2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": NAME,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "cd" * 32,
                    "identityType": "emailAddress",
                    "hashed": True,
                }
            ],
            "achievement": {
                "id": "https://provider.example/achievements/1",
                "type": ["Achievement"],
                "name": NAME,
                "description": "Handles routine requests.",
                "criteria": {"narrative": "Pass the assessment."},
            },
        },
    }


def test_lcw_deep_link_claim_with_lcws_libraries() -> None:
    problem = _node_problem()
    if problem is not None:
        pytest.skip(problem)
    with running_service() as service:
        # the service names its issuer DID when a credential does not
        status, refused = _post(
            f"{service.url}/credentials/issue", {"credential": _credential()}, service.token
        )
        issuer = re.search(r"did:key:z\w+", refused.get("detail", ""))
        assert status == 422 and issuer is not None, refused
        status, issued = _post(
            f"{service.url}/credentials/issue",
            {
                "credential": {**_credential(), "issuer": issuer.group(0)},
                "options": {"credentialStatus": True},
            },
            service.token,
        )
        assert status == 201, issued
        original = issued["verifiableCredential"]
        uuid = original["id"].rsplit("/", 1)[1]
        status, offer = _post(f"{service.url}/credentials/{uuid}/offers", {}, service.token)
        assert status == 201, offer

        claim = _node(str(CLAIM), offer["lcw"]["deepLink"])
        assert claim["ok"], claim
        print(json.dumps({"request": claim["request"], "response": claim["credential"]}, indent=2))
        request = claim["request"]
        (proof,) = request["proof"] if isinstance(request["proof"], list) else [request["proof"]]
        assert proof["type"] == "Ed25519Signature2020"
        assert proof["proofPurpose"] == "authentication"
        assert proof["challenge"] == offer["lcw"]["challenge"]
        assert "domain" not in proof
        assert request["holder"] == claim["holder"]
        assert "&" not in claim["responseText"]

        delivered = claim["credential"]
        assert delivered["name"] == NAME  # intact after LCW's entity decoding
        assert delivered["credentialSubject"]["id"] == claim["holder"]
        assert (
            delivered["credentialSubject"]["identifier"]
            == (original["credentialSubject"]["identifier"])
        )
        assert delivered["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"

        # the JS reference stack verifies it (proof; its status list is ours to check below)
        verdict = _node(
            str(TOOL),
            stdin=json.dumps({"command": "verify", "credential": delivered, "skipStatus": True}),
        )
        assert verdict["ok"] and verdict["verified"], verdict
        # and so does ours, status included
        status, ours = _post(
            f"{service.url}/credentials/verify", {"verifiableCredential": delivered}
        )
        assert status == 200 and ours["verified"], ours

        # a second claim from the same wallet: the same credential; another wallet: refused
        again = _node(str(CLAIM), offer["lcw"]["deepLink"])
        assert again["credential"] == delivered
        other = _node(str(CLAIM), offer["lcw"]["deepLink"], "07" * 32)
        assert not other["ok"] and other["status"] == 409
