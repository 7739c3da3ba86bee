"""OpenID4VCI 1.0 pre-authorized code flow: metadata, offer by reference, token, nonce and
credential endpoints, holder binding and every refusal as OAuth error JSON (on SQLite and
PostgreSQL where the state is stored)."""

import base64
import json
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey
from werkzeug.test import TestResponse

from issuer.keys.ed25519 import KeyPair
from tests.conftest import AUTH, BASE_URL
from tests.web.test_offers import HOLDER, OTHER, _did, _issue, _uuid, _verifier, _vp

GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIG = "OpenBadgeCredential_ldp_vc"


@pytest.fixture
def db_client(app_on: Flask) -> FlaskClient:
    """A client of an app on SQLite, then on PostgreSQL."""
    return app_on.test_client()


def _offer(client: FlaskClient, credential: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = client.post(f"/credentials/{_uuid(credential)}/offers", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["oid4vci"]  # type: ignore[no-any-return]


def _code(offer: dict[str, Any]) -> str:
    return str(offer["credentialOffer"]["grants"][GRANT]["pre-authorized_code"])


def _token(client: FlaskClient, code: str, **extra: str) -> TestResponse:
    return client.post(
        "/oid4vci/token",
        data={"grant_type": GRANT, "pre-authorized_code": code, **extra},
    )


def _nonce(client: FlaskClient) -> str:
    response = client.post("/oid4vci/nonce")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return str(response.get_json()["c_nonce"])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwk(key: KeyPair) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(key.public_key.public_bytes_raw())}


def _jwt_proof(
    key: KeyPair,
    nonce: str | None,
    *,
    aud: str = BASE_URL,
    header: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> str:
    """A compact JWS signed by `key` (EdDSA), kid the did:key URL unless `header` says."""
    did = _did(key)
    protected = header or {
        "alg": "EdDSA",
        "typ": "openid4vci-proof+jwt",
        "kid": f"{did}#{key.public_multibase}",
    }
    claims: dict[str, Any] = {"aud": aud, "iat": int(datetime.now(UTC).timestamp())}
    if nonce is not None:
        claims["nonce"] = nonce
    claims.update(payload or {})
    claims = {name: value for name, value in claims.items() if value is not None}
    signing_input = _b64(json.dumps(protected).encode()) + "." + _b64(json.dumps(claims).encode())
    return f"{signing_input}.{_b64(key.sign(signing_input.encode('ascii')))}"


def _credential(client: FlaskClient, token: str, body: dict[str, Any]) -> TestResponse:
    return client.post(
        "/oid4vci/credential", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def _jwt_request(proof: str) -> dict[str, Any]:
    return {"credential_configuration_id": CONFIG, "proofs": {"jwt": [proof]}}


def _access_token(client: FlaskClient, offer: dict[str, Any], **extra: str) -> str:
    response = _token(client, _code(offer), **extra)
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["access_token"])


def _error(response: TestResponse, status: int, error: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == error, body
    assert isinstance(body["error_description"], str) and body["error_description"]


def test_metadata_name_the_same_issuer_everywhere(client: FlaskClient) -> None:
    issuer = client.get("/.well-known/openid-credential-issuer").get_json()
    server = client.get("/.well-known/oauth-authorization-server").get_json()
    assert issuer["credential_issuer"] == server["issuer"] == BASE_URL
    assert server["pre-authorized_grant_anonymous_access_supported"] is True
    assert server["token_endpoint"] == f"{BASE_URL}/oid4vci/token"
    assert issuer["nonce_endpoint"] == f"{BASE_URL}/oid4vci/nonce"
    assert issuer["token_endpoint"] == server["token_endpoint"]  # for draft-era clients
    config = issuer["credential_configurations_supported"][CONFIG]
    assert config["format"] == "ldp_vc"
    assert "credential_metadata" in config
    assert config["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"][0] == (
        "EdDSA"
    )
    assert "di_vp" in config["proof_types_supported"]
    offer = _offer(client, _issue(client))
    assert offer["credentialOffer"]["credential_issuer"] == BASE_URL
    assert offer["credentialOffer"]["credential_configuration_ids"] == [CONFIG]
    # the offer by reference serves the same object
    uri = parse_qs(urlsplit(offer["credentialOfferUri"]).query)["credential_offer_uri"][0]
    assert uri.startswith(f"{BASE_URL}/oid4vci/offers/")
    served = client.get(urlsplit(uri).path)
    assert served.status_code == 200
    assert served.get_json() == offer["credentialOffer"]
    assert client.get("/oid4vci/offers/no-such-code").status_code == 404


def test_jwt_proof_claim_delivers_the_holder_bound_copy(db_client: FlaskClient) -> None:
    client = db_client
    credential = _issue(client)
    offer = _offer(client, credential)
    token_response = _token(client, _code(offer), resource=BASE_URL, user_pin="ignored")
    assert token_response.status_code == 200
    assert token_response.headers["Cache-Control"] == "no-store"
    token = token_response.get_json()
    assert token["token_type"] == "Bearer" and 0 < token["expires_in"] <= 600
    response = _credential(
        client, token["access_token"], _jwt_request(_jwt_proof(HOLDER, _nonce(client)))
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    (item,) = json.loads(response.get_data(as_text=True))["credentials"]
    copy = item["credential"]
    assert copy["credentialSubject"]["id"] == _did(HOLDER)
    assert copy["id"] != credential["id"]
    assert _verifier(client).credential(copy, now=datetime.now(UTC)).verified
    # the same holder again (fresh nonce): the same credential
    again = _credential(
        client, token["access_token"], _jwt_request(_jwt_proof(HOLDER, _nonce(client)))
    )
    assert json.loads(again.get_data(as_text=True))["credentials"][0]["credential"] == copy
    # another holder with the same token: refused, nothing changes
    other = _credential(
        client, token["access_token"], _jwt_request(_jwt_proof(OTHER, _nonce(client)))
    )
    _error(other, 400, "credential_request_denied")
    # the code was good once
    _error(_token(client, _code(offer)), 400, "invalid_grant")
    # and the offer by reference is gone once used
    uri = parse_qs(urlsplit(offer["credentialOfferUri"]).query)["credential_offer_uri"][0]
    assert client.get(urlsplit(uri).path).status_code == 404


def test_jwk_header_and_lenient_typ_iat(client: FlaskClient) -> None:
    token = _access_token(client, _offer(client, _issue(client)))
    header = {"alg": "EdDSA", "jwk": _jwk(HOLDER)}  # no typ (Digital Bazaar's client)
    nonce = _nonce(client)
    proof = _jwt_proof(HOLDER, nonce, header=header, payload={"iss": "wallet", "iat": None})
    # also the `proofs: {proof_type, jwt}` shape and no iat
    body = {"credential_configuration_id": CONFIG, "proofs": {"proof_type": "jwt", "jwt": [proof]}}
    response = _credential(client, token, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    copy = response.get_json()["credentials"][0]["credential"]
    assert copy["credentialSubject"]["id"] == _did(HOLDER)


def test_joserfc_signed_proof_is_accepted(client: FlaskClient) -> None:
    token = _access_token(client, _offer(client, _issue(client)))
    key = OKPKey.generate_key("Ed25519")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        proof = jws.serialize_compact(
            {"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "jwk": key.as_dict(private=False)},
            json.dumps({"aud": BASE_URL, "nonce": _nonce(client)}).encode(),
            key,
            algorithms=["EdDSA"],
        )
    response = _credential(client, token, _jwt_request(proof))
    assert response.status_code == 200, response.get_data(as_text=True)
    subject = response.get_json()["credentials"][0]["credential"]["credentialSubject"]
    assert subject["id"].startswith("did:key:z6Mk")


def test_di_vp_proof_claim(client: FlaskClient) -> None:
    token = _access_token(client, _offer(client, _issue(client)))
    nonce = _nonce(client)
    no_domain = _vp(HOLDER, nonce)
    refused = _credential(
        client, token, {"credential_configuration_id": CONFIG, "proofs": {"di_vp": [no_domain]}}
    )
    _error(refused, 400, "invalid_proof")
    vp = _vp(HOLDER, nonce, domain=BASE_URL)
    response = _credential(
        client, token, {"credential_configuration_id": CONFIG, "proofs": {"di_vp": [vp]}}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    copy = response.get_json()["credentials"][0]["credential"]
    assert copy["credentialSubject"]["id"] == _did(HOLDER)


def test_tx_code_is_required_and_counted(db_client: FlaskClient) -> None:
    client = db_client
    offer = _offer(client, _issue(client), txCode=True)
    grant = offer["credentialOffer"]["grants"][GRANT]
    assert grant["tx_code"]["length"] == 6 and grant["tx_code"]["input_mode"] == "numeric"
    pin = offer["txCode"]
    _error(_token(client, _code(offer)), 400, "invalid_grant")
    wrong = "000000" if pin != "000000" else "111111"
    _error(_token(client, _code(offer), tx_code=wrong), 400, "invalid_grant")
    # a wrong try did not use up the code
    assert _token(client, _code(offer), tx_code=pin).status_code == 200
    # five wrong tries end a code, even before the right one
    other = _offer(client, _issue(client, name="Second"), txCode=True)
    for _ in range(5):
        _error(_token(client, _code(other), tx_code=wrong), 400, "invalid_grant")
    _error(_token(client, _code(other), tx_code=other["txCode"]), 400, "invalid_grant")


def test_refusals_bind_nothing(db_client: FlaskClient) -> None:
    client = db_client
    credential = _issue(client)
    offer = _offer(client, credential)
    token = _access_token(client, offer)
    # wrong nonce, reused nonce, wrong aud, bad signature, no proof: refused, nothing bound
    _error(
        _credential(client, token, _jwt_request(_jwt_proof(OTHER, "not-a-nonce"))),
        400,
        "invalid_nonce",
    )
    _error(_credential(client, token, _jwt_request(_jwt_proof(OTHER, None))), 400, "invalid_nonce")
    _error(
        _credential(
            client, token, _jwt_request(_jwt_proof(OTHER, _nonce(client), aud="https://x.example"))
        ),
        400,
        "invalid_proof",
    )
    forged = _jwt_proof(OTHER, _nonce(client)).rsplit(".", 1)[0] + "." + _b64(b"x" * 64)
    _error(_credential(client, token, _jwt_request(forged)), 400, "invalid_proof")
    _error(
        _credential(client, token, {"credential_configuration_id": CONFIG}), 400, "invalid_proof"
    )
    _error(
        _credential(client, token, {"credential_configuration_id": "Other", "proofs": {}}),
        400,
        "unknown_credential_configuration",
    )
    foreign = _jwt_proof(
        OTHER,
        _nonce(client),
        header={"alg": "EdDSA", "kid": f"{_did(HOLDER)}#{HOLDER.public_multibase}"},
    )
    _error(_credential(client, token, _jwt_request(foreign)), 400, "invalid_proof")
    used = _nonce(client)
    ok = _credential(client, token, _jwt_request(_jwt_proof(HOLDER, used)))
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.get_json()["credentials"][0]["credential"]["credentialSubject"]["id"] == _did(HOLDER)
    # a nonce is good once
    _error(_credential(client, token, _jwt_request(_jwt_proof(HOLDER, used))), 400, "invalid_nonce")
    audit = client.application.extensions["issuer"].audit.recent(action="offer-claim")
    assert [entry.detail["holder"] for entry in audit] == [_did(HOLDER)]


def test_tokens_and_requests_refused_as_oauth_errors(client: FlaskClient) -> None:
    offer = _offer(client, _issue(client))
    _error(client.post("/oid4vci/credential", json={}), 401, "invalid_token")
    unknown = _credential(client, "no-such-token", _jwt_request("x"))
    _error(unknown, 401, "invalid_token")
    assert unknown.headers["WWW-Authenticate"].startswith("Bearer")
    _error(_token(client, "no-such-code"), 400, "invalid_grant")
    _error(
        client.post("/oid4vci/token", data={"grant_type": "password"}),
        400,
        "unsupported_grant_type",
    )
    _error(client.post("/oid4vci/token", data={}), 400, "invalid_request")
    _error(client.post("/oid4vci/token", data={"grant_type": GRANT}), 400, "invalid_request")
    _error(
        client.post("/oid4vci/token", json={"grant_type": GRANT, "pre-authorized_code": "x"}),
        400,
        "invalid_request",
    )
    token = _access_token(client, offer)
    bad_json = client.post(
        "/oid4vci/credential",
        data="{",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    _error(bad_json, 400, "invalid_credential_request")
    for proofs in ({"jwt": "x.y.z"}, {"jwt": [1]}, {"jwt": ["a", "b"]}, {"ldp_vp": [{}]}):
        body = {"credential_configuration_id": CONFIG, "proofs": proofs}
        _error(_credential(client, token, body), 400, "invalid_proof")
    _error(
        _credential(client, token, {"credential_identifier": "x", "proofs": {}}),
        400,
        "unknown_credential_identifier",
    )


def test_an_expired_offer_gives_no_token(db_client: FlaskClient) -> None:
    client = db_client
    offers = client.application.extensions["issuer"].offers
    credential = _issue(client)
    created = offers.create(
        _uuid(credential), now=datetime.now(UTC) - timedelta(hours=1), actor="test"
    )
    code = created.oid4vci.credential_offer["grants"][GRANT]["pre-authorized_code"]
    _error(_token(client, code), 400, "invalid_grant")
    fresh = offers._offers.get(created.offer.id)
    assert fresh is not None and fresh.code_used_at is None and fresh.holder_did is None


def test_lcw_and_oid4vci_bind_the_same_holder_once(client: FlaskClient) -> None:
    response = client.post(
        f"/credentials/{_uuid(_issue(client))}/offers", json={}, headers=AUTH
    ).get_json()
    lcw = client.post(
        urlsplit(response["lcw"]["vcRequestUrl"]).path,
        json=_vp(HOLDER, response["lcw"]["challenge"]),
    )
    copy = json.loads(lcw.get_data(as_text=True))
    token = _access_token(client, response["oid4vci"])
    same = _credential(client, token, _jwt_request(_jwt_proof(HOLDER, _nonce(client))))
    assert same.get_json()["credentials"][0]["credential"] == copy
    other = _credential(client, token, _jwt_request(_jwt_proof(OTHER, _nonce(client))))
    _error(other, 400, "credential_request_denied")


def test_odd_nonces_and_keys_are_refused_without_a_server_error(db_client: FlaskClient) -> None:
    client = db_client
    token = _access_token(client, _offer(client, _issue(client)))
    for nonce in ("a\x00b", "n" * 65):
        _error(
            _credential(client, token, _jwt_request(_jwt_proof(HOLDER, nonce))),
            400,
            "invalid_nonce",
        )
    header = {"alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "!!"}}
    response = _credential(client, token, _jwt_request(_jwt_proof(HOLDER, "x", header=header)))
    _error(response, 400, "invalid_proof")
    assert not response.get_json()["error_description"].endswith(": ")
