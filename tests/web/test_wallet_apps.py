"""The wallet page's wallet-app buttons beyond the single LCW one: "Add to another wallet
(OpenID4VCI)" per credential, and "all at once" for both protocols (one offer delivering a
holder-bound copy of every credential in good standing)."""

import html
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

from tests.conftest import BASE_URL
from tests.web.test_offers import HOLDER, OTHER, _did, _vp
from tests.web.test_oid4vci import _credential, _jwt_proof, _jwt_request, _nonce, _token
from tests.web.test_wallet_lcw import DEEP_LINK, _award, _csrf, _revoke, _wallet_path, seeded

__all__ = ["seeded"]  # the fixture, imported for these tests

OFFER_LINK = re.compile(r'id="oid4vci-link" href="([^"]+)"')
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def _post(client: FlaskClient, path: str, csrf: str) -> Any:
    return client.post(path, data={"csrf_token": csrf}, headers={"Accept": "text/html"})


def _claim_oid4vci(client: FlaskClient, offer_link: str, key: Any) -> Any:
    """Run the pre-authorized flow from an `openid-credential-offer://` link; return the
    credential response (or the refusal)."""
    uri = parse_qs(urlsplit(offer_link).query)["credential_offer_uri"][0]
    assert uri.startswith(f"{BASE_URL}/oid4vci/offers/")
    offer = client.get(urlsplit(uri).path).get_json()
    assert "tx_code" not in offer["grants"][GRANT]  # the private link authorises it
    token = _token(client, offer["grants"][GRANT]["pre-authorized_code"])
    assert token.status_code == 200, token.get_json()
    return _credential(
        client,
        token.get_json()["access_token"],
        _jwt_request(_jwt_proof(key, _nonce(client))),
    )


def test_each_and_all_buttons_show_for_credentials_in_good_standing(seeded: FlaskClient) -> None:
    award = _award(seeded, "ana@example.org", ["emerging-01", "emerging-02"])
    good, revoked = (str(c["id"]) for c in award["credentials"])
    _revoke(seeded, revoked)
    page = seeded.get(_wallet_path(award)).get_data(as_text=True)
    assert page.count("Add to another wallet (OpenID4VCI)</button>") == 1
    assert f"/credentials/{good}/oid4vci" in page
    assert f"/credentials/{revoked}/oid4vci" not in page
    assert "Add all to Learner Credential Wallet</button>" in page
    assert "Add all to another wallet (OpenID4VCI)</button>" in page


def test_one_credential_to_another_wallet_over_openid4vci(seeded: FlaskClient) -> None:
    award = _award(seeded, "ana@example.org", ["emerging-01"])
    wallet_path = _wallet_path(award)
    uuid = str(award["credentials"][0]["id"])
    response = _post(
        seeded, f"{wallet_path}/credentials/{uuid}/oid4vci", _csrf(seeded, wallet_path)
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "<svg" in text and 'id="expires"' in text
    found = OFFER_LINK.search(text)
    assert found is not None
    link = html.unescape(found.group(1))
    assert link.startswith("openid-credential-offer://?credential_offer_uri=")
    answer = _claim_oid4vci(seeded, link, HOLDER)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    (item,) = json.loads(answer.get_data(as_text=True))["credentials"]
    assert item["credential"]["credentialSubject"]["id"] == _did(HOLDER)
    audit = seeded.application.extensions["issuer"].audit.recent(action="offer")
    assert [entry.actor for entry in audit] == [f"wallet:{wallet_path.rsplit('/', 1)[1]}"]


def test_all_at_once_over_openid4vci_delivers_every_good_credential(seeded: FlaskClient) -> None:
    award = _award(seeded, "bo@example.org", ["emerging-01", "emerging-02", "emerging-03"])
    wallet_path = _wallet_path(award)
    ids = [str(c["id"]) for c in award["credentials"]]
    _revoke(seeded, ids[2])
    response = _post(seeded, f"{wallet_path}/oid4vci", _csrf(seeded, wallet_path))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "your 2 credentials" in text
    found = OFFER_LINK.search(text)
    assert found is not None
    answer = _claim_oid4vci(seeded, html.unescape(found.group(1)), HOLDER)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    copies = [
        item["credential"] for item in json.loads(answer.get_data(as_text=True))["credentials"]
    ]
    assert len(copies) == 2
    assert {copy["credentialSubject"]["id"] for copy in copies} == {_did(HOLDER)}
    names = {copy["credentialSubject"]["achievement"]["id"] for copy in copies}
    assert len(names) == 2
    verifier = seeded.application.extensions["issuer"].verifier
    assert all(verifier.credential(copy, now=datetime.now(UTC)).verified for copy in copies)


def test_all_at_once_to_lcw_answers_one_presentation_of_every_copy(seeded: FlaskClient) -> None:
    award = _award(seeded, "cy@example.org", ["emerging-01", "emerging-02"])
    wallet_path = _wallet_path(award)
    response = _post(seeded, f"{wallet_path}/lcw", _csrf(seeded, wallet_path))
    assert response.status_code == 200
    found = DEEP_LINK.search(response.get_data(as_text=True))
    assert found is not None
    query = {k: v[0] for k, v in parse_qs(urlsplit(html.unescape(found.group(1))).query).items()}
    vc_request = urlsplit(query["vc_request_url"]).path
    claim = seeded.post(vc_request, json=_vp(HOLDER, query["challenge"]))
    assert claim.status_code == 200, claim.get_data(as_text=True)
    answer = json.loads(claim.get_data(as_text=True))
    assert answer["type"] == ["VerifiablePresentation"]
    copies = answer["verifiableCredential"]
    assert len(copies) == 2
    assert {copy["credentialSubject"]["id"] for copy in copies} == {_did(HOLDER)}
    # the same wallet again: the same copies; another: refused, nothing bound to it
    again = seeded.post(vc_request, json=_vp(HOLDER, query["challenge"]))
    assert json.loads(again.get_data(as_text=True)) == answer
    assert seeded.post(vc_request, json=_vp(OTHER, query["challenge"])).status_code == 409


def test_refusals_without_credentials_in_good_standing(seeded: FlaskClient) -> None:
    award = _award(seeded, "dee@example.org", ["emerging-01"])
    wallet_path = _wallet_path(award)
    uuid = str(award["credentials"][0]["id"])
    csrf = _csrf(seeded, wallet_path)
    _revoke(seeded, uuid)
    for path in (f"{wallet_path}/oid4vci", f"{wallet_path}/lcw"):
        response = _post(seeded, path, csrf)
        assert response.status_code == 409
        assert 'id="refused"' in response.get_data(as_text=True)
    assert _post(seeded, f"{wallet_path}/credentials/{uuid}/oid4vci", csrf).status_code == 409
    other = _award(seeded, "eve@example.org", ["emerging-01"])
    foreign = str(other["credentials"][0]["id"])
    assert _post(seeded, f"{wallet_path}/credentials/{foreign}/oid4vci", csrf).status_code == 404
    # no CSRF token: refused
    assert seeded.post(f"{_wallet_path(other)}/oid4vci").status_code in (400, 403)


def test_the_start_page_of_an_email_button_makes_no_offer(seeded: FlaskClient) -> None:
    award = _award(seeded, "fay@example.org", ["emerging-01"])
    wallet_path = _wallet_path(award)
    for app in ("lcw", "oid4vci"):
        response = seeded.get(f"{wallet_path}/{app}")
        assert response.status_code == 200
        assert f'action="{wallet_path}/{app}"' in response.get_data(as_text=True)
    assert seeded.application.extensions["issuer"].audit.recent(action="offer") == []
    assert seeded.get("/wallet/no-such-wallet/lcw").status_code == 404
    assert seeded.get(f"{wallet_path}/other").status_code == 404
