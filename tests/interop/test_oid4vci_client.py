"""OpenID4VCI 1.0 with a real wallet client: `oid4vci-claim.mjs` runs the pre-authorized code
flow with @openid4vc/openid4vci 0.4.6 (OpenWallet Foundation) against a live service over
http://127.0.0.1 (the client's allowInsecureUrls): offer by reference, metadata, token with a
tx_code, nonce, a jwt proof signed by a did:key Ed25519 key, the credential request. The
delivered credential is then verified by the Digital Bazaar stack (`vc-tool.mjs`) and by ours.
"""

import html
import json
import re
import urllib.parse
import urllib.request

import pytest

from tests.fuzzing import running_service
from tests.interop.test_js_interop import HERE, TOOL, _node_problem
from tests.interop.test_lcw_claim import NAME, _credential, _node, _post

pytestmark = pytest.mark.node

CLAIM = HERE / "oid4vci-claim.mjs"


def test_openid4vci_client_claims_a_holder_bound_credential() -> None:
    problem = _node_problem()
    if problem is not None:
        pytest.skip(problem)
    with running_service() as service:
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
        status, offer = _post(
            f"{service.url}/credentials/{uuid}/offers", {"txCode": True}, service.token
        )
        assert status == 201, offer
        oid4vci = offer["oid4vci"]
        assert re.fullmatch(r"\d{6}", oid4vci["txCode"])

        # a wrong transaction code: the client gets invalid_grant, the code stays usable
        wrong = "000000" if oid4vci["txCode"] != "000000" else "111111"
        refused_claim = _node(str(CLAIM), oid4vci["credentialOfferUri"], wrong)
        assert not refused_claim["ok"], refused_claim
        assert "invalid_grant" in json.dumps(refused_claim), refused_claim

        claim = _node(str(CLAIM), oid4vci["credentialOfferUri"], oid4vci["txCode"])
        assert claim["ok"], claim
        trimmed = {key: claim[key] for key in ("requests", "tokenResponse", "proofHeader")}
        print(
            json.dumps(
                {**trimmed, "credentialSubject": claim["credentials"][0]["credentialSubject"]},
                indent=2,
            )
        )
        assert claim["draftVersion"] == "V1"  # read as OpenID4VCI 1.0, not a draft
        assert claim["offer"]["credential_issuer"] == service.url
        assert claim["issuerMetadata"]["credential_issuer"] == service.url
        assert claim["authorizationServer"]["issuer"] == service.url
        assert [(r["method"], r["status"]) for r in claim["requests"]] == [
            ("GET", 200),
            ("GET", 200),
            ("GET", 200),
            ("POST", 200),
            ("POST", 200),
            ("POST", 200),
        ]
        assert claim["proofHeader"]["kid"].startswith(claim["holder"] + "#")
        assert claim["proofPayload"]["aud"] == service.url

        (delivered,) = claim["credentials"]
        assert delivered["name"] == NAME
        assert delivered["credentialSubject"]["id"] == claim["holder"]
        assert delivered["id"] != original["id"]
        assert (
            delivered["credentialSubject"]["identifier"]
            == original["credentialSubject"]["identifier"]
        )
        assert delivered["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"

        verdict = _node(
            str(TOOL),
            stdin=json.dumps({"command": "verify", "credential": delivered, "skipStatus": True}),
        )
        assert verdict["ok"] and verdict["verified"], verdict
        status, ours = _post(
            f"{service.url}/credentials/verify", {"verifiableCredential": delivered}
        )
        assert status == 200 and ours["verified"], ours

        # the code was good once: a second wallet gets nothing
        again = _node(str(CLAIM), oid4vci["credentialOfferUri"], oid4vci["txCode"], "07" * 32)
        assert not again["ok"], again


def test_openid4vci_client_takes_every_credential_of_an_all_at_once_offer() -> None:
    """The wallet page's "Add all to another wallet": one offer, one credential request, a
    holder-bound copy of each credential in `credentials` (the client accepts the list)."""
    problem = _node_problem()
    if problem is not None:
        pytest.skip(problem)
    with running_service() as service:
        status, award = _post(
            f"{service.url}/awards",
            {
                "framework": "43-4171.00",
                "statements": ["emerging-01", "emerging-02"],
                "recipient": {"email": "all@example.org"},
            },
            service.token,
        )
        assert status == 201, award
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(award["wallet"], timeout=30) as response:
            page = response.read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf is not None
        form = urllib.parse.urlencode({"csrf_token": csrf.group(1)}).encode()
        with opener.open(f"{award['wallet']}/oid4vci", data=form, timeout=30) as response:
            offer_page = response.read().decode()
        link = re.search(r'id="oid4vci-link" href="([^"]+)"', offer_page)
        assert link is not None

        claim = _node(str(CLAIM), html.unescape(link.group(1)))
        assert claim["ok"], claim
        copies = claim["credentials"]
        assert len(copies) == 2
        assert {c["credentialSubject"]["id"] for c in copies} == {claim["holder"]}
        originals = {f"{service.url}/credentials/{c['id']}" for c in award["credentials"]}
        assert not originals & {c["id"] for c in copies}
        for copy in copies:
            verdict = _node(
                str(TOOL),
                stdin=json.dumps({"command": "verify", "credential": copy, "skipStatus": True}),
            )
            assert verdict["ok"] and verdict["verified"], verdict
