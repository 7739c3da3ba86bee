"""A wallet's credentials grouped by framework, then level (rank order), statements inside."""

from issuer.wallet.describe import AchievementView, CredentialView
from issuer.wallet.grouping import OTHER, Entry, group_by_level


def _entry(name: str, kind: str, level: str | None, rank: int | None, framework: str | None):  # type: ignore[no-untyped-def]
    achievement = AchievementView(
        name=name, kind=kind, level=level, framework=framework, occupation="Receptionists"
    )
    return Entry(CredentialView(achievement=achievement), name, framework and "fw-id", rank)


def test_levels_in_rank_order_with_their_statements_and_the_rest_apart() -> None:
    entries = [
        _entry("s-dev", "statement", "Developing (level 2 of 4)", 2, "Framework"),
        _entry("s-em-1", "statement", "Emerging (level 1 of 4)", 1, "Framework"),
        _entry("L-em", "level", "Emerging (level 1 of 4)", 1, "Framework"),
        _entry("s-em-2", "statement", "Emerging (level 1 of 4)", 1, "Framework"),
        _entry("L-em-again", "level", "Emerging (level 1 of 4)", 1, "Framework"),
        _entry("teamwork", "other", None, None, None),
    ]
    groups = group_by_level(entries)
    assert [g.name for g in groups] == ["Framework", OTHER]
    framework, other = groups
    assert framework.occupation == "Receptionists"
    assert [lv.label for lv in framework.levels] == [
        "Emerging (level 1 of 4)",
        "Developing (level 2 of 4)",
    ]
    emerging, developing = framework.levels
    assert emerging.credential == "L-em" and emerging.statements == ["s-em-1", "s-em-2"]
    assert developing.credential is None and developing.statements == ["s-dev"]
    assert framework.others == ["L-em-again"]  # a second copy of a level stays visible
    assert framework.count == 5
    assert other.others == ["teamwork"] and other.levels == []
