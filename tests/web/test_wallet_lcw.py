"""Adding a credential to Learner Credential Wallet from the wallet page (no token: the
private link authorises it): the button, the offer page (deep link, QR code, expiry), the claim
and the refusals."""

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, BASE_URL, Cli
from tests.web.test_offers import HOLDER, _did, _vp

FRAMEWORK = "43-4171.00-v.26.05"
BUTTON = "Add to Learner Credential Wallet</button>"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DEEP_LINK = re.compile(r'id="lcw-link" href="([^"]+)"')


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def _award(client: FlaskClient, email: str, statements: list[str]) -> dict[str, Any]:
    body = {"framework": FRAMEWORK, "recipient": {"email": email}, "statements": statements}
    response = client.post("/awards", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _wallet_path(award: dict[str, Any]) -> str:
    return str(award["wallet"]).removeprefix(BASE_URL)


def _csrf(client: FlaskClient, wallet_path: str) -> str:
    page = client.get(wallet_path)
    assert page.status_code == 200
    found = CSRF.search(page.get_data(as_text=True))
    assert found, "no CSRF token on the wallet page"
    return found.group(1)


def _add(client: FlaskClient, wallet_path: str, uuid: str, csrf: str) -> Any:
    return client.post(
        f"{wallet_path}/credentials/{uuid}/lcw",
        data={"csrf_token": csrf},
        headers={"Accept": "text/html"},
    )


def _revoke(client: FlaskClient, uuid: str) -> None:
    change = {
        "credentialId": f"{BASE_URL}/credentials/{uuid}",
        "credentialStatus": {"statusPurpose": "revocation"},
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200


def test_the_wallet_page_offers_the_button_only_for_credentials_in_good_standing(
    seeded: FlaskClient,
) -> None:
    award = _award(seeded, "ana@example.org", ["emerging-01", "emerging-02"])
    good, revoked = (str(c["id"]) for c in award["credentials"])
    _revoke(seeded, revoked)
    page = seeded.get(_wallet_path(award)).get_data(as_text=True)
    assert page.count(BUTTON) == 1
    assert f"/credentials/{good}/lcw" in page
    assert f"/credentials/{revoked}/lcw" not in page


def test_adding_creates_an_offer_whose_deep_link_delivers_the_bound_copy(
    seeded: FlaskClient,
) -> None:
    award = _award(seeded, "ana@example.org", ["emerging-01"])
    wallet_path = _wallet_path(award)
    uuid = str(award["credentials"][0]["id"])
    before = datetime.now(UTC)
    response = _add(seeded, wallet_path, uuid, _csrf(seeded, wallet_path))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "Open in Learner Credential Wallet" in text
    assert "Scan with the Learner Credential Wallet app on your phone" in text
    assert '<svg width="' in text and 'class="segno"' in text  # the QR code, inline
    assert "<script" not in text and "style=" not in text
    found = DEEP_LINK.search(text)
    assert found
    link = urlsplit(html.unescape(found.group(1)))
    assert f"{link.scheme}://{link.netloc}{link.path}" == "https://lcw.app/request.html"
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    expires = re.search(r'<time datetime="([^"]+)"', text)
    assert expires
    left = datetime.fromisoformat(expires.group(1)) - before
    assert timedelta(minutes=29) < left <= timedelta(minutes=30, seconds=5)

    claim = seeded.post(
        urlsplit(query["vc_request_url"]).path, json=_vp(HOLDER, query["challenge"])
    )
    assert claim.status_code == 200, claim.get_json()
    copy = claim.get_json()
    assert copy["credentialSubject"]["id"] == _did(HOLDER)
    assert copy["id"] != f"{BASE_URL}/credentials/{uuid}"
    proofs = copy["proof"] if isinstance(copy["proof"], list) else [copy["proof"]]
    assert [p["cryptosuite"] for p in proofs] == ["eddsa-rdfc-2022"]

    events = seeded.get("/audit?limit=1000", headers=AUTH).get_json()["events"]
    offered = [e for e in events if e["action"] == "offer"]
    wallet_id = wallet_path.rsplit("/", 1)[1]
    assert [e["actor"] for e in offered] == [f"wallet:{wallet_id}"]


def test_another_wallets_credential_is_404_and_a_revoked_one_409(seeded: FlaskClient) -> None:
    ana = _award(seeded, "ana@example.org", ["emerging-01"])
    ben = _award(seeded, "ben@example.org", ["emerging-02"])
    ana_path = _wallet_path(ana)
    csrf = _csrf(seeded, ana_path)
    bens = str(ben["credentials"][0]["id"])
    assert _add(seeded, ana_path, bens, csrf).status_code == 404
    assert _add(seeded, ana_path, "not-a-uuid", csrf).status_code == 404
    assert _add(seeded, "/wallet/no-such-wallet", bens, csrf).status_code == 404

    anas = str(ana["credentials"][0]["id"])
    _revoke(seeded, anas)
    refused = _add(seeded, ana_path, anas, csrf)
    assert refused.status_code == 409
    assert refused.mimetype == "text/html"
    text = refused.get_data(as_text=True)
    assert "revoked" in text and "lcw.app/request.html" not in text
    events = seeded.get("/audit?limit=1000", headers=AUTH).get_json()["events"]
    assert not [e for e in events if e["action"] == "offer"]


def test_adding_needs_the_pages_csrf_token(seeded: FlaskClient) -> None:
    award = _award(seeded, "ana@example.org", ["emerging-01"])
    wallet_path = _wallet_path(award)
    uuid = str(award["credentials"][0]["id"])
    _csrf(seeded, wallet_path)
    assert _add(seeded, wallet_path, uuid, "forged").status_code == 400
    response = seeded.post(f"{wallet_path}/credentials/{uuid}/lcw")
    assert response.status_code == 400
