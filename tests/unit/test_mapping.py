"""Frameworks map to OB 3.0 achievements that valid credentials can carry."""

from datetime import UTC, datetime
from typing import Any

import pytest

from issuer.credentials.compose import Recipient, compose_credential
from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import (
    FrameworkUrls,
    achieved_level_result,
    map_framework,
)
from issuer.frameworks.structure import Framework, index_framework
from issuer.model.achievement import Profile
from issuer.model.framework import FrameworkExport
from issuer.schemas import OB_ACHIEVEMENT_CREDENTIAL, schema_errors
from tests.factories import SEED_FILES, make_export, non_ascii_export, seven_level_export

BASE = "https://issuer.example.org"
ISSUER = Profile(
    id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", name="Example Training Provider"
)


def _framework(data: dict[str, Any]) -> Framework:
    return index_framework(FrameworkExport.model_validate(data))


FRAMEWORKS = {
    **{p.name: index_framework(read_export(p)[0]) for p in SEED_FILES},
    "seven-levels": _framework(seven_level_export()),
    "non-ascii": _framework(non_ascii_export()),
}


@pytest.fixture
def receptionists() -> Framework:
    return FRAMEWORKS["43-4171.00-receptionists-and-information-clerks.json"]


def test_statement_achievement(receptionists: Framework) -> None:
    achievement = map_framework(receptionists, BASE).statements["proficient-03"].to_ld()
    fw_url = f"{BASE}/frameworks/43-4171.00-v.26.05"
    assert achievement["id"] == f"{fw_url}/statements/proficient-03"
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Competency"
    assert achievement["name"] == "Advanced scheduling systems"
    assert achievement["description"].startswith("Advanced scheduling systems — manage intricate")
    assert "**Proficient** level (level 3 of 4" in achievement["criteria"]["narrative"]
    assert achievement["humanCode"] == "43-4171.00.proficient-03"
    assert achievement["version"] == "v.26.05"
    assert "Advanced scheduling systems" in achievement["tag"]
    targets = {a["targetType"]: a for a in achievement["alignment"]}
    occupation = targets["ext:ONetSocOccupation"]
    assert occupation["targetCode"] == "43-4171.00"
    assert occupation["targetUrl"] == "https://www.onetonline.org/link/summary/43-4171.00"
    assert targets["ext:ProficiencyLevel"]["targetUrl"] == f"{fw_url}/levels/proficient"
    assert targets["ext:SkillsFramework"]["targetUrl"] == fw_url
    creator = achievement["creator"]
    assert creator["name"] == "LER.me"
    for text in ("O*NET v30.2 (CC BY 4.0)", "© EBSCOed", "CC BY 4.0 license", "LER.me"):
        assert text in creator["description"]


def test_level_achievement_lists_and_links_its_statements(receptionists: Framework) -> None:
    achievements = map_framework(receptionists, BASE)
    level = achievements.levels["proficient"].to_ld()
    assert level["name"] == "Receptionists and Information Clerks — Proficient"
    statement_ids = [
        a["targetUrl"] for a in level["alignment"] if a["targetType"] == "ext:CompetencyStatement"
    ]
    assert statement_ids == [
        achievements.statements[f"proficient-{i:02d}"].id for i in range(1, 11)
    ]
    for statement_id in statement_ids:
        assert f"]({statement_id})" in level["criteria"]["narrative"]
    (result_description,) = level["resultDescription"]
    assert result_description["resultType"] == "RubricCriterionLevel"
    assert [r["name"] for r in result_description["rubricCriterionLevel"]] == [
        "Emerging",
        "Developing",
        "Proficient",
        "Advanced",
    ]
    assert (
        result_description["requiredLevel"] == result_description["rubricCriterionLevel"][2]["id"]
    )


def test_ids_are_stable_and_change_with_the_version() -> None:
    first = map_framework(_framework(make_export()), BASE)
    again = map_framework(_framework(make_export()), BASE)
    assert [a.id for a in first.all()] == [a.id for a in again.all()]
    assert first.all() == again.all()
    newer = map_framework(_framework(make_export(version="v.2.0")), BASE)
    assert not {a.id for a in first.all()} & {a.id for a in newer.all()}


def test_every_id_is_a_distinct_url_under_the_base(receptionists: Framework) -> None:
    ids = [a.id for a in map_framework(receptionists, BASE).all()]
    assert len(ids) == len(set(ids)) == 44
    assert all(i.startswith(f"{BASE}/frameworks/") for i in ids)


def test_non_ascii_text_is_kept_and_urls_are_ascii() -> None:
    achievements = map_framework(FRAMEWORKS["non-ascii"], BASE)
    statement = achievements.statements["level-2-01"]
    assert statement.name == "包丁の技術"
    assert statement.description == "包丁の技術 — 基本的な切り方を正確に行う。"
    assert achievements.levels["debutant"].name == "Cuisiniers de restaurant — Köche — Débutant"
    assert all(a.id.isascii() for a in achievements.all())


def test_seven_levels_of_three_or_seven_statements_map() -> None:
    achievements = map_framework(FRAMEWORKS["seven-levels"], BASE)
    assert len(achievements.levels) == 7
    assert len(achievements.statements) == 4 * 3 + 3 * 7
    levels = achievements.levels["l7"].result_description[0].rubric_criterion_level
    assert [lv.name for lv in levels][-1] == "Master"


def _credentials(framework: Framework) -> list[dict[str, Any]]:
    achievements = map_framework(framework, BASE)
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    by_email = Recipient(email="Learner@Example.org", name="Ana Lópes", salt="s4lt")
    by_did = Recipient(did="did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH")
    documents = []
    for n, achievement in enumerate(achievements.all()):
        level = next(
            (
                lv
                for lv in framework.levels
                if achievement.id == FrameworkUrls(BASE, framework.id).level(lv.key)
            ),
            None,
        )
        results = [achieved_level_result(framework, level, BASE)] if level else None
        documents.append(
            compose_credential(
                credential_id=f"{BASE}/credentials/{n}",
                issuer=ISSUER,
                achievement=achievement,
                recipient=by_email if n % 2 else by_did,
                valid_from=now,
                results=results,
            ).to_ld()
        )
    return documents


@pytest.mark.parametrize("name", FRAMEWORKS, ids=str)
@pytest.mark.parametrize("compaction", [False, True], ids=["formal", "compaction"])
def test_every_achievement_in_a_credential_validates_against_the_ob_schema(
    name: str, compaction: bool
) -> None:
    documents = _credentials(FRAMEWORKS[name])
    assert {("id" in d["credentialSubject"]) for d in documents} == {True, False}
    for document in documents:
        assert schema_errors(document, OB_ACHIEVEMENT_CREDENTIAL, compaction=compaction) == []


def test_the_schema_check_catches_a_broken_credential(receptionists: Framework) -> None:
    document = _credentials(receptionists)[0]
    del document["credentialSubject"]["achievement"]["criteria"]
    document["type"] = "OpenBadgeCredential"
    errors = schema_errors(document, OB_ACHIEVEMENT_CREDENTIAL)
    assert any("criteria" in e for e in errors)
    assert any(e.startswith("$.type") for e in errors)
