"""The skills profile (`skills` of POST /presentations/verify, the verify page) and the holder check."""

import copy
import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from issuer.wallet.presentation import build_presentation
from tests.conftest import AUTH, BASE_URL, Cli
from tests.unit.verify.builders import OTHER, sign

FRAMEWORK = "43-4171.00-v.26.05"
FRAMEWORK_URL = f"{BASE_URL}/frameworks/{FRAMEWORK}"
FOREIGN = "https://other.example/frameworks/painters-v1"


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def _award(client: FlaskClient, **body: Any) -> list[dict[str, Any]]:
    payload = {"framework": FRAMEWORK, "recipient": {"email": "ana@example.org", "name": "Ana"}}
    payload.update(body)
    response = client.post("/awards", json=payload, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return [c["verifiableCredential"] for c in response.get_json()["credentials"]]


def _skills(client: FlaskClient, credentials: list[dict[str, Any]]) -> Any:
    presentation = build_presentation(credentials, presentation_id="urn:uuid:skills-test")
    response = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    return response.status_code, response.get_json()["skills"]


def _revoke(client: FlaskClient, credential: dict[str, Any]) -> None:
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": credential["id"],
            "credentialStatus": [
                {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
            ],
            "status": True,
        },
        headers=AUTH,
    )
    assert response.status_code == 200, response.get_json()


def _level(entry: dict[str, Any], key: str) -> dict[str, Any]:
    return next(level for level in entry["levels"] if level["key"] == key)


def test_a_whole_level_gives_a_complete_level_and_the_occupation(seeded: FlaskClient) -> None:
    credentials = _award(seeded, level="Emerging") + _award(seeded, statements=["developing-02"])
    status, skills = _skills(seeded, credentials)
    assert status == 200
    (entry,) = skills
    assert entry["framework"] == FRAMEWORK_URL
    assert entry["occupation"] == {
        "soc": "43-4171.00",
        "title": "Receptionists and Information Clerks",
    }
    assert entry["structure"] == "complete" and entry["structureFrom"] == "issuer"
    assert [level["key"] for level in entry["levels"]] == [
        "emerging",
        "developing",
        "proficient",
        "advanced",
    ]
    emerging = _level(entry, "emerging")
    assert emerging["label"] == "Emerging" and emerging["complete"]
    assert len(emerging["statements"]) == 10
    assert all(s["demonstrated"] for s in emerging["statements"])
    developing = _level(entry, "developing")["statements"]
    assert [s["demonstrated"] for s in developing] == [False, True] + [False] * 8
    assert developing[1] == {
        "id": f"{FRAMEWORK_URL}/statements/developing-02",
        "name": "Visitor intake and routing",
        "demonstrated": True,
    }
    assert entry["highestCompleteLevel"] == "emerging"
    assert entry["notCounted"] == []


def test_revoked_credentials_count_for_nothing_and_are_shown_apart(seeded: FlaskClient) -> None:
    credentials = _award(seeded, level="Emerging")
    level = credentials[-1]
    first = credentials[0]
    _revoke(seeded, level)
    _revoke(seeded, first)
    status, skills = _skills(seeded, credentials)
    assert status != 200  # the presentation is not verified
    (entry,) = skills
    statements = _level(entry, "emerging")["statements"]
    # the level credential asserted emerging-01 too, but it is revoked: nothing demonstrates it
    assert statements[0]["demonstrated"] is False and statements[0]["notCounted"] == "revoked"
    assert all(s["demonstrated"] for s in statements[1:])
    assert entry["highestCompleteLevel"] is None
    reasons = {(item["credential"], item["reason"]) for item in entry["notCounted"]}
    assert reasons == {(level["id"], "revoked"), (first["id"], "revoked")}


def test_a_level_credential_alone_demonstrates_the_statements_it_names(
    seeded: FlaskClient,
) -> None:
    level = _award(seeded, level="Proficient")[-1]
    _, skills = _skills(seeded, [level])
    (entry,) = skills
    assert _level(entry, "proficient")["complete"]
    assert entry["highestCompleteLevel"] == "proficient"


def _foreign(document: dict[str, Any], *, statements: slice | None = None) -> dict[str, Any]:
    """`document` re-issued by another issuer for a framework this service does not know."""
    foreign = copy.deepcopy(document)
    foreign.pop("proof")
    foreign.pop("credentialStatus")
    foreign["id"] = "urn:uuid:" + foreign["id"].rsplit("/", 1)[-1]
    foreign["issuer"] = {"id": OTHER.did, "type": ["Profile"], "name": "Other Academy"}
    achievement = foreign["credentialSubject"]["achievement"]
    text = json.dumps(achievement).replace(FRAMEWORK_URL, FOREIGN)
    foreign["credentialSubject"]["achievement"] = json.loads(text)
    if statements is not None:
        alignments = foreign["credentialSubject"]["achievement"]["alignment"]
        named = [a for a in alignments if a["targetType"] == "ext:CompetencyStatement"]
        others = [a for a in alignments if a["targetType"] != "ext:CompetencyStatement"]
        foreign["credentialSubject"]["achievement"]["alignment"] = others + named[statements]
    result = foreign["credentialSubject"].get("result")
    if result:
        foreign["credentialSubject"]["result"] = json.loads(
            json.dumps(result).replace(FRAMEWORK_URL, FOREIGN)
        )
    return sign(foreign, OTHER)


def test_another_issuers_framework_is_pieced_together_and_marked_partial(
    seeded: FlaskClient,
) -> None:
    credentials = _award(seeded, level="Developing")
    statement = _foreign(credentials[0])
    status, skills = _skills(seeded, [statement])
    assert status == 200
    (entry,) = skills
    assert entry["framework"] == FOREIGN
    assert entry["structure"] == "partial" and entry["structureFrom"] == "credentials"
    assert entry["occupation"]["soc"] == "43-4171.00"
    (level,) = entry["levels"]
    assert level["key"] == "developing" and level["statementsKnown"] is False
    assert level["statements"] == [
        {
            "id": f"{FOREIGN}/statements/developing-01",
            "name": "Multi-line telephone switchboard",
            "demonstrated": True,
        }
    ]
    assert entry["highestCompleteLevel"] is None


def test_a_foreign_level_credential_demonstrates_only_the_statements_it_names(
    seeded: FlaskClient,
) -> None:
    level = _award(seeded, level="Developing")[-1]
    three = _foreign(level, statements=slice(0, 3))
    _, skills = _skills(seeded, [three])
    (entry,) = skills
    developing = _level(entry, "developing")
    assert developing["label"] == "Developing" and developing["statementsKnown"]
    assert len(developing["statements"]) == 3  # what it asserts, not the whole level
    assert developing["complete"] and entry["highestCompleteLevel"] == "developing"
    # the rubric names the other levels: known to exist, statements unknown
    assert [lv["label"] for lv in entry["levels"]] == [
        "Emerging",
        "Developing",
        "Proficient",
        "Advanced",
    ]
    assert entry["structure"] == "partial"


def test_skills_read_the_signed_view_not_the_json(seeded: FlaskClient) -> None:
    """Alignments written under their full IRI keep the signature (and the schema): a reader
    of the JSON would see none, the signed view reads them. A forged id never counts."""
    level = _award(seeded, level="Emerging")[-1]
    rewritten = copy.deepcopy(level)
    achievement = rewritten["credentialSubject"]["achievement"]
    achievement["https://purl.imsglobal.org/spec/vc/ob/vocab.html#alignment"] = achievement.pop(
        "alignment"
    )
    status, skills = _skills(seeded, [rewritten])
    assert status == 200
    assert _level(skills[0], "emerging")["complete"] is True

    forged = copy.deepcopy(level)
    forged["credentialSubject"]["achievement"]["id"] = f"{FRAMEWORK_URL}/levels/advanced"
    status, skills = _skills(seeded, [forged])
    assert status != 200
    (entry,) = skills
    assert not any(s["demonstrated"] for lv in entry["levels"] for s in lv["statements"])
    assert entry["notCounted"][0]["reason"] == "not verified"


def test_the_verify_page_shows_the_matrix_a_target_and_the_holder_check(
    seeded: FlaskClient,
) -> None:
    credentials = _award(seeded, level="Emerging") + _award(seeded, statements=["proficient-01"])
    presentation = build_presentation(credentials, presentation_id="urn:uuid:page")
    page = seeded.post(
        "/verify",
        data={
            "text": json.dumps(presentation),
            "email": " Ana@Example.org ",
            "target": f"{FRAMEWORK_URL}|proficient",
        },
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Skills profile" in html and "O*NET-SOC 43-4171.00" in html
    assert "Highest complete level</dt><dd><strong>Emerging</strong>" in html
    assert "Target: Receptionists and Information Clerks, Proficient" in html
    assert "1 of 10 statements met" in html
    assert "Every verified credential was issued to Ana@Example.org" in html

    # "Check again" sends what was checked back, with another email
    checked = re.search(r'name="checked" value="([^"]+)"', html)
    assert checked is not None
    other = seeded.post("/verify", data={"checked": checked.group(1), "email": "ben@example.org"})
    assert other.status_code == 200
    assert "No verified credential names ben@example.org" in other.get_data(as_text=True)


def test_the_verify_page_takes_several_credentials_at_once(seeded: FlaskClient) -> None:
    credentials = _award(seeded, level="Emerging")
    page = seeded.post("/verify", data={"text": json.dumps(credentials)})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Every check passed: this set of credentials" in html
    assert "Highest complete level</dt><dd><strong>Emerging</strong>" in html


def test_cli_verify_json_prints_skills_and_a_target(
    seeded: FlaskClient, run_cli: Cli, tmp_path: Any
) -> None:
    credentials = _award(seeded, level="Emerging")
    path = tmp_path / "vp.json"
    path.write_text(
        json.dumps(build_presentation(credentials, presentation_id="urn:uuid:cli")),
        encoding="utf-8",
    )
    result = run_cli("verify", str(path), "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["verified"] is True
    assert body["skills"][0]["highestCompleteLevel"] == "emerging"
    _, api = _skills(seeded, credentials)
    assert body["skills"] == api

    text = run_cli("verify", str(path), "--target", f"{FRAMEWORK}|developing")
    assert "highest complete level: Emerging" in text.output
    assert "target Developing: 0 met, 10 missing" in text.output
    assert "    missing: Multi-line telephone switchboard" in text.output


def test_cli_verify_refuses_an_unknown_target(
    seeded: FlaskClient, run_cli: Cli, tmp_path: Any
) -> None:
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(_award(seeded, statements=["emerging-01"])[0]), encoding="utf-8")
    result = run_cli("verify", str(path), "--target", f"{FRAMEWORK}|levles")
    assert result.exit_code == 2
    assert "names no level of a framework" in result.output
    assert "Traceback" not in result.output


def test_a_clr_gives_the_skills_of_the_credentials_it_holds(seeded: FlaskClient) -> None:
    response = seeded.post(
        "/awards",
        json={
            "framework": FRAMEWORK,
            "recipient": {"email": "ana@example.org"},
            "level": "Emerging",
        },
        headers=AUTH,
    )
    wallet = response.get_json()["wallet"].removeprefix(BASE_URL)
    clr = seeded.get(f"{wallet}/clr/{FRAMEWORK}.json").get_json()
    assert "ClrCredential" in clr["type"]
    page = seeded.post("/verify", data={"text": json.dumps(clr)}).get_data(as_text=True)
    assert "Highest complete level</dt><dd><strong>Emerging</strong>" in page
    presentation = build_presentation([clr], presentation_id="urn:uuid:clr")
    skills = seeded.post(
        "/presentations/verify", json={"verifiablePresentation": presentation}
    ).get_json()["skills"]
    assert skills[0]["highestCompleteLevel"] == "emerging"
