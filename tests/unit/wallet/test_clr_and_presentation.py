"""Pure parts of the CLR and presentation builders."""

from datetime import UTC, datetime

import pytest

from issuer.wallet.clr import CLR_CONTEXTS, associations, build_clr, learner
from issuer.wallet.presentation import build_presentation, holder_of

BASE = "https://issuer.example.org/frameworks/f"


def _credential(key: str, *, subject_id: str | None = None) -> dict:  # type: ignore[type-arg]
    achievement = {
        "id": f"{BASE}/statements/{key}",
        "type": ["Achievement"],
        "name": key,
        "alignment": [{"targetType": "ext:ProficiencyLevel", "targetUrl": f"{BASE}/levels/x"}],
    }
    subject = {"type": ["AchievementSubject"], "achievement": achievement}
    if subject_id:
        subject["id"] = subject_id
    else:
        subject["identifier"] = [{"type": "IdentityObject", "identityType": "emailAddress"}]
    return {"id": f"urn:uuid:{key}", "credentialSubject": subject}


def test_each_statement_is_a_child_of_its_level() -> None:
    clr = build_clr(
        clr_id="urn:uuid:1",
        issuer={"id": "did:key:z", "type": ["Profile"]},
        name="Record",
        credentials=[_credential("x-01"), _credential("x-02")],
        achievements=[{"id": f"{BASE}/levels/x", "type": ["Achievement"], "name": "X"}],
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert clr["@context"] == CLR_CONTEXTS
    subject = clr["credentialSubject"]
    assert [a["id"] for a in subject["achievement"]] == [
        f"{BASE}/statements/x-01",
        f"{BASE}/statements/x-02",
        f"{BASE}/levels/x",
    ]
    assert subject["association"] == [
        {
            "type": "Association",
            "associationType": "isChildOf",
            "sourceId": f"{BASE}/statements/x-0{n}",
            "targetId": f"{BASE}/levels/x",
        }
        for n in (1, 2)
    ]
    assert subject["identifier"][0]["identityType"] == "emailAddress"
    assert clr["validFrom"] == "2026-01-01T00:00:00Z"
    assert associations([{"id": "a"}]) == []


def test_the_learner_is_named_by_did_when_known() -> None:
    assert learner([_credential("a", subject_id="did:key:z6Mk")]) == {"id": "did:key:z6Mk"}
    with pytest.raises(ValueError, match="at least one"):
        build_clr(
            clr_id="urn:uuid:1", issuer={}, name="n", credentials=[], valid_from=datetime.now(UTC)
        )


def test_presentation_holds_the_credentials_and_the_holder_did() -> None:
    credentials = [
        _credential("a", subject_id="did:key:z6Mk"),
        _credential("b", subject_id="did:key:z6Mk"),
    ]
    vp = build_presentation(
        credentials, presentation_id="urn:uuid:p", holder=holder_of(credentials)
    )
    assert vp["holder"] == "did:key:z6Mk"
    assert vp["verifiableCredential"] == credentials
    assert "proof" not in vp
    assert holder_of([_credential("a")]) is None
    assert (
        holder_of([_credential("a", subject_id="did:x:1"), _credential("b", subject_id="did:x:2")])
        is None
    )
