"""PDF certificates embed just the faces their text needs, and shape scripts that join."""

from datetime import UTC, datetime
from typing import Any

from issuer.model.branding import Branding
from issuer.wallet.certificate import Certified, certificate_pdf, long_date, needs_shaping
from tests.pdf_reading import embedded_fonts, pdf_text, qr_codes, squeeze

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
BRAND = Branding(name="Example Training Provider", url="https://issuer.example.org")
VERIFY = "https://issuer.example.org/credentials/1/verify"


def _credential(name: str) -> dict[str, Any]:
    return {
        "issuer": {"id": "did:key:z6Mk", "name": "Example Training Provider"},
        "validFrom": "2026-12-01T09:00:00Z",
        "credentialSubject": {"achievement": {"name": name, "description": name}},
    }


def test_scripts_that_join_or_run_right_to_left_are_shaped_and_others_are_not() -> None:
    assert needs_shaping("موظفو الاستقبال") and needs_shaping("स्वागत") and needs_shaping("ต้อนรับ")
    assert not needs_shaping("来客対応 Приём Υποδοχή Réception")


def test_a_latin_certificate_embeds_only_the_latin_face() -> None:
    pdf = certificate_pdf(Certified(_credential("Réception"), VERIFY), BRAND, now=NOW)
    fonts = embedded_fonts(pdf)
    assert {name.split("+")[-1] for name in fonts} == {"NotoSans", "NotoSansBold"}
    assert all(fonts.values())
    assert "Réception" in pdf_text(pdf) and "1 December 2026" in pdf_text(pdf)
    assert qr_codes(pdf) == [VERIFY]


def test_an_arabic_title_brings_the_arabic_face_embedded() -> None:
    pdf = certificate_pdf(Certified(_credential("موظفو الاستقبال"), VERIFY), BRAND, now=NOW)
    fonts = embedded_fonts(pdf)
    arabic = [name for name in fonts if "Arabic" in name]
    assert arabic and all(fonts[name] for name in arabic)
    assert "CJK" not in "".join(fonts)
    assert VERIFY in squeeze(pdf_text(pdf))


def test_the_same_input_gives_the_same_bytes_and_dates_are_in_words() -> None:
    item = Certified(_credential("来客対応の手順"), VERIFY)
    assert certificate_pdf(item, BRAND, now=NOW) == certificate_pdf(item, BRAND, now=NOW)
    assert long_date(datetime(2027, 3, 5, 23, 0, tzinfo=UTC)) == "5 March 2027"


def test_the_record_lists_levels_in_rank_order_each_level_before_its_statements() -> None:
    from issuer.wallet.certificate import record_pdf

    def leveled(name: str, level: str, kind: str) -> dict[str, Any]:
        credential = _credential(name)
        alignment = [
            {"targetType": "ext:SkillsFramework", "targetName": "Framework"},
            {"targetType": "ext:ProficiencyLevel", "targetDescription": level},
        ]
        if kind == "level":  # a level credential aligns to its statements
            statement = {"targetType": "ext:CompetencyStatement", "targetName": "s"}
            alignment = [alignment[0], statement]
            credential["credentialSubject"]["achievement"]["resultDescription"] = [
                {"requiredLevel": "r", "rubricCriterionLevel": [{"id": "r", "description": level}]}
            ]
        credential["credentialSubject"]["achievement"]["alignment"] = alignment
        return credential

    items = [
        Certified(leveled("Dev statement", "Level 2 of 4: Developing", "statement"), VERIFY),
        Certified(leveled("Em statement", "Level 1 of 4: Emerging", "statement"), VERIFY),
        Certified(leveled("Em level", "Level 1 of 4: Emerging", "level"), VERIFY),
    ]
    text = pdf_text(record_pdf(items, BRAND, now=NOW))
    assert text.index("Em level") < text.index("Em statement") < text.index("Dev statement")
