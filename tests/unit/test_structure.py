"""Stable keys for frameworks, levels and statements; topics."""

import pytest

from issuer.errors import NotFound
from issuer.frameworks.structure import index_framework, slugify, split_topic
from issuer.model.framework import FrameworkExport
from tests.factories import make_export, non_ascii_export


def _index(data):  # type: ignore[no-untyped-def]
    return index_framework(FrameworkExport.model_validate(data))


def test_keys_follow_file_order() -> None:
    framework = _index(make_export())
    assert framework.id == "15-1252.00-v.1.0"
    assert [lv.key for lv in framework.levels] == ["novice", "expert"]
    assert [lv.rank for lv in framework.levels] == [1, 2]
    assert [s.key for s in framework.statements()][:4] == [
        "novice-01",
        "novice-02",
        "novice-03",
        "expert-01",
    ]


def test_same_content_gives_same_keys_and_new_version_a_new_id() -> None:
    assert _index(make_export()) == _index(make_export())
    assert _index(make_export(version="v.2.0")).id == "15-1252.00-v.2.0"


def test_non_ascii_level_keys_get_ascii_slugs_or_fall_back_to_the_rank() -> None:
    framework = _index(non_ascii_export())
    assert [lv.key for lv in framework.levels] == ["debutant", "level-2", "experte"]
    assert [lv.label for lv in framework.levels] == ["Débutant", "初級", "Experte / Expertin"]


@pytest.mark.parametrize(
    ("statement", "topic"),
    [
        ("Visitor greeting procedures — welcome persons.", "Visitor greeting procedures"),
        ("Hygiène – nettoyer le poste", "Hygiène"),
        ("Filing - place documents", "Filing"),
        ("Multi-line telephone switchboard — screen calls", "Multi-line telephone switchboard"),
        ("A statement without a dash", "A statement without a dash"),
    ],
)
def test_topic_is_the_text_before_the_dash(statement: str, topic: str) -> None:
    assert split_topic(statement) == topic


def test_lookup_by_key_or_label_and_unknown_key() -> None:
    framework = _index(make_export())
    assert framework.level("Expert").key == "expert"
    assert framework.statement("expert-02").text == "Topic 2 — do thing 2 alone."
    with pytest.raises(NotFound, match="no level 'master'"):
        framework.level("master")
    with pytest.raises(NotFound, match="no statement"):
        framework.statement("expert-09")


def test_slugify() -> None:
    assert slugify("v.26.05") == "v.26.05"
    assert slugify("Très Avancé!") == "tres-avance"
    assert slugify("初級") == ""
