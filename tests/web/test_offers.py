"""Wallet offers: creating them, the LCW deep-link claim, the VCALM exchange, holder binding,
expiry and revocation of the bound copies."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.proofs import Signer, add_proof
from issuer.services.verification import Verifier
from tests.conftest import AUTH, BASE_URL

VC2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
IDENTITY_HASH = "sha256$" + "ab" * 32

HOLDER = KeyPair.from_seed(bytes(range(40, 72)))
OTHER = KeyPair.from_seed(bytes(range(80, 112)))


def _did(key: KeyPair) -> str:
    return did_key_for(key.public_multibase)


def _issue(client: FlaskClient, name: str = "Customer service basics") -> dict[str, Any]:
    issuer = client.application.extensions["issuer"].identity.did
    credential = {
        "@context": [VC2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": IDENTITY_HASH,
                    "identityType": "emailAddress",
                    "hashed": True,
                }
            ],
            "achievement": {
                "id": "https://provider.example/achievements/1",
                "type": ["Achievement"],
                "name": name,
                "description": "Handles routine requests.",
                "criteria": {"narrative": "Pass the assessment."},
            },
        },
    }
    response = client.post(
        "/credentials/issue",
        json={"credential": credential, "options": {"credentialStatus": True}},
        headers=AUTH,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["verifiableCredential"]  # type: ignore[no-any-return]


def _uuid(credential: dict[str, Any]) -> str:
    return str(credential["id"]).rsplit("/", 1)[1]


def _offer(client: FlaskClient, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/credentials/{_uuid(credential)}/offers", json={}, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _vp(
    key: KeyPair,
    challenge: str,
    *,
    domain: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
) -> dict[str, Any]:
    did = _did(key)
    presentation = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": did}
    return add_proof(
        presentation,
        Signer(key, f"{did}#{key.public_multibase}"),
        created=datetime.now(UTC),
        cryptosuite=cryptosuite,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )


def _path(url: str) -> str:
    return urlsplit(url).path


def _claim(client: FlaskClient, offer: dict[str, Any], vp: dict[str, Any]) -> Any:
    return client.post(_path(offer["lcw"]["vcRequestUrl"]), json=vp)


def _verifier(client: FlaskClient) -> Verifier:
    return client.application.extensions["issuer"].verifier  # type: ignore[no-any-return]


def test_an_offer_has_an_lcw_deep_link_and_expires(client: FlaskClient) -> None:
    credential = _issue(client)
    before = datetime.now(UTC)
    offer = _offer(client, credential)
    oid4vci = offer["oid4vci"]
    assert oid4vci["txCode"] is None
    assert oid4vci["credentialOffer"]["credential_issuer"] == BASE_URL
    assert oid4vci["credentialOfferUri"].startswith(
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example.org%2F"
    )
    expires = datetime.fromisoformat(offer["expiresAt"].replace("Z", "+00:00"))
    assert timedelta(minutes=29) < expires - before <= timedelta(minutes=30, seconds=5)
    lcw = offer["lcw"]
    assert "+" not in lcw["challenge"]
    link = urlsplit(lcw["deepLink"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == "https://lcw.app/request.html"
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert query == {
        "issuer": client.application.extensions["issuer"].identity.did,
        "auth_type": "bearer",
        "challenge": lcw["challenge"],
        "vc_request_url": lcw["vcRequestUrl"],
    }
    assert lcw["vcRequestUrl"].startswith(f"{BASE_URL}/offers/{offer['id']}/")
    assert lcw["interactionUrl"].endswith("?iuv=1")
    # body {} or none at all; txCode asks OpenID4VCI for a transaction code
    uuid = _uuid(credential)
    assert client.post(f"/credentials/{uuid}/offers", headers=AUTH).status_code == 201
    response = client.post(f"/credentials/{uuid}/offers", json={"txCode": True}, headers=AUTH)
    assert response.status_code == 201
    assert len(response.get_json()["oid4vci"]["txCode"]) == 6
    bad = client.post(f"/credentials/{uuid}/offers", json={"txCode": "yes!"}, headers=AUTH)
    assert bad.status_code == 422
    assert bad.mimetype == "application/problem+json"


def test_offer_creation_needs_a_token_a_known_and_unrevoked_credential(
    client: FlaskClient,
) -> None:
    credential = _issue(client)
    uuid = _uuid(credential)
    assert client.post(f"/credentials/{uuid}/offers", json={}).status_code == 401
    missing = client.post(
        "/credentials/00000000-0000-4000-8000-000000000000/offers", json={}, headers=AUTH
    )
    assert missing.status_code == 404
    change = {
        "credentialId": credential["id"],
        "credentialStatus": {"statusPurpose": "revocation"},
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200
    revoked = client.post(f"/credentials/{uuid}/offers", json={}, headers=AUTH)
    assert revoked.status_code == 409
    assert revoked.mimetype == "application/problem+json"


def test_lcw_claim_delivers_a_holder_bound_rdfc_copy_once(client: FlaskClient) -> None:
    credential = _issue(client)
    offer = _offer(client, credential)
    challenge = offer["lcw"]["challenge"]
    response = _claim(client, offer, _vp(HOLDER, challenge))
    assert response.status_code == 200, response.get_json()
    copy = json.loads(response.get_data(as_text=True))
    assert copy["id"] != credential["id"]
    subject = copy["credentialSubject"]
    assert subject["id"] == _did(HOLDER)
    assert subject["identifier"] == credential["credentialSubject"]["identifier"]
    assert copy["credentialStatus"] != credential["credentialStatus"]
    (proof,) = copy["proof"] if isinstance(copy["proof"], list) else [copy["proof"]]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert _verifier(client).credential(copy, now=datetime.now(UTC)).verified
    assert client.get(_path(copy["id"])).status_code == 200
    # the same holder again: the same credential
    again = _claim(client, offer, _vp(HOLDER, challenge))
    assert again.status_code == 200
    assert json.loads(again.get_data(as_text=True)) == copy
    # another holder: refused
    other = _claim(client, offer, _vp(OTHER, challenge))
    assert other.status_code == 409
    assert other.get_json()["type"].endswith("offer-claimed")
    audit = client.application.extensions["issuer"].audit.recent(action="offer-claim")
    assert [entry.subject for entry in audit] == [credential["id"]]


def test_a_refused_claim_binds_nothing(client: FlaskClient) -> None:
    offer = _offer(client, _issue(client))
    wrong = _claim(client, offer, _vp(OTHER, "not-the-challenge"))
    assert wrong.status_code == 422
    assert wrong.get_json()["type"].endswith("holder-proof-refused")
    tampered = _vp(OTHER, offer["lcw"]["challenge"])
    tampered["holder"] = _did(HOLDER)
    assert _claim(client, offer, tampered).status_code == 422
    unsigned = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": _did(OTHER)}
    assert _claim(client, offer, unsigned).status_code == 422
    assert client.post(_path(offer["lcw"]["vcRequestUrl"]), json=[1]).status_code == 422
    assert client.post("/offers/no-such-offer/lcw", json={}).status_code == 404
    # still open for the right holder
    ok = _claim(client, offer, _vp(HOLDER, offer["lcw"]["challenge"]))
    assert ok.status_code == 200
    assert json.loads(ok.get_data(as_text=True))["credentialSubject"]["id"] == _did(HOLDER)


def test_an_expired_offer_delivers_nothing(client: FlaskClient) -> None:
    offers = client.application.extensions["issuer"].offers
    credential = _issue(client)
    created = offers.create(
        _uuid(credential), now=datetime.now(UTC) - timedelta(hours=1), actor="test"
    )
    vp = _vp(HOLDER, created.links.challenge)
    response = client.post(_path(created.links.vc_request_url), json=vp)
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("offer-expired")
    assert client.get(_path(created.links.interaction_url)).status_code == 409
    fresh = offers._offers.get(created.offer.id)
    assert fresh is not None and fresh.holder_did is None


def test_vcalm_exchange_end_to_end(client: FlaskClient) -> None:
    credential = _issue(client)
    offer = _offer(client, credential)
    interaction = client.get(
        _path(offer["lcw"]["interactionUrl"]),
        query_string={"iuv": "1"},
        headers={"Accept": "application/json"},
    )
    assert interaction.status_code == 200
    exchange_url = interaction.get_json()["protocols"]["vcapi"]
    request = client.post(_path(exchange_url), json={})
    assert request.status_code == 200
    vpr = request.get_json()["verifiablePresentationRequest"]
    assert vpr["query"] == [{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}]
    assert vpr["challenge"] and vpr["domain"] == urlsplit(BASE_URL).netloc
    # without the domain: refused
    no_domain = client.post(
        _path(exchange_url), json={"verifiablePresentation": _vp(HOLDER, vpr["challenge"])}
    )
    assert no_domain.status_code == 422
    vp = _vp(HOLDER, vpr["challenge"], domain=vpr["domain"])
    response = client.post(_path(exchange_url), json={"verifiablePresentation": vp})
    assert response.status_code == 200, response.get_json()
    answer = json.loads(response.get_data(as_text=True))["verifiablePresentation"]
    assert answer["type"] == ["VerifiablePresentation"]
    (copy,) = answer["verifiableCredential"]
    assert copy["credentialSubject"]["id"] == _did(HOLDER)
    assert _verifier(client).credential(copy, now=datetime.now(UTC)).verified
    # the LCW path of the same offer answers the same copy to the same holder
    lcw = _claim(client, offer, _vp(HOLDER, offer["lcw"]["challenge"]))
    assert json.loads(lcw.get_data(as_text=True)) == copy


def test_revoking_the_original_revokes_its_bound_copies(client: FlaskClient) -> None:
    credential = _issue(client)
    offer = _offer(client, credential)
    copy = json.loads(
        _claim(client, offer, _vp(HOLDER, offer["lcw"]["challenge"])).get_data(as_text=True)
    )
    verifier = _verifier(client)
    assert verifier.credential(copy, now=datetime.now(UTC)).verified
    change = {
        "credentialId": credential["id"],
        "credentialStatus": {"statusPurpose": "revocation"},
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200
    stored = client.application.extensions["issuer"].credentials.get(_uuid(copy))
    assert stored is not None and stored.revoked_at is not None
    verdict = verifier.credential(copy, now=datetime.now(UTC))
    assert not verdict.verified
    assert any(c.name == "credentialStatus" and c.failed for c in verdict.checks)
    # and the offer delivers nothing more
    response = _claim(client, offer, _vp(OTHER, offer["lcw"]["challenge"]))
    assert response.status_code == 409


def test_wallet_responses_escape_html_entities(client: FlaskClient) -> None:
    credential = _issue(client, name="Sales & <Service> &region")
    offer = _offer(client, credential)
    response = _claim(client, offer, _vp(HOLDER, offer["lcw"]["challenge"]))
    text = response.get_data(as_text=True)
    assert "&" not in text and "<" not in text and ">" not in text
    assert "\\u0026region" in text
    copy = json.loads(text)
    assert copy["name"] == "Sales & <Service> &region"
    assert _verifier(client).credential(copy, now=datetime.now(UTC)).verified
