"""Generated badge images say the occupation, level and topic, legibly and deterministically."""

import base64
import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import map_framework
from issuer.frameworks.structure import index_framework
from issuer.paths import EXAMPLE_SEEDS
from issuer.wallet.badge_image import (
    PALETTE,
    BadgeText,
    badge_text,
    face_key,
    font_for,
    render_png,
    render_svg,
    supplied_image,
    wrap,
)
from issuer.wallet.fonts import available_faces

SEED = EXAMPLE_SEEDS / "43-4171.00-receptionists-and-information-clerks.json"


def _achievements():  # type: ignore[no-untyped-def]
    return map_framework(index_framework(read_export(SEED)[0]), "https://issuer.example.org")


def test_statement_badge_names_occupation_level_and_topic() -> None:
    text = badge_text(_achievements().statements["developing-03"].to_ld())
    assert text.title == "Receptionists and Information Clerks"
    assert text.level == "Developing · level 2 of 4"
    assert text.topic == _achievements().statements["developing-03"].name
    assert text.code == "O*NET-SOC 43-4171.00"
    assert text.colour == PALETTE[1]
    assert "Receptionists and Information Clerks, Developing" in text.description


def test_level_badge_counts_its_statements() -> None:
    text = badge_text(_achievements().levels["advanced"].to_ld())
    assert text.level == "Advanced · level 4 of 4"
    assert text.topic == "All 10 competency statements"


def test_any_other_achievement_gets_its_name() -> None:
    assert badge_text({"name": "Teamwork"}) == BadgeText(title="Teamwork")


def test_rendering_is_deterministic_and_legible_in_size() -> None:
    text = BadgeText(title="Receptionists", level="Emerging · level 1 of 4", topic="Greeting")
    assert render_png(text) == render_png(text)
    assert render_svg(text) == render_svg(text)
    with Image.open(io.BytesIO(render_png(text))) as image:
        assert image.size == (600, 600)
        assert image.mode == "RGBA"


def test_svg_escapes_text_and_has_a_text_alternative() -> None:
    svg = render_svg(BadgeText(title='Fish & <Chips> "Co"', topic="a < b"))
    assert "Fish &amp; &lt;Chips&gt;" in svg
    assert "a &lt; b" in svg
    assert "<title>Badge: Fish &amp; &lt;Chips&gt;" in svg
    assert 'role="img"' in svg


def test_long_text_is_wrapped_and_cut_with_an_ellipsis() -> None:
    lines = wrap("word " * 60, 28, 320, 3)
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert wrap("Supercalifragilisticexpialidocious" * 3, 40, 200, 5)[0]


def test_a_supplied_data_uri_image_is_used() -> None:
    data = render_png(BadgeText(title="x"))
    uri = "data:image/png;base64," + base64.b64encode(data).decode()
    assert supplied_image({"image": {"id": uri, "type": "Image"}}) == ("png", data)
    svg = supplied_image({"image": {"id": "data:image/svg+xml,%3Csvg%2F%3E"}})
    assert svg == ("svg", b"<svg/>")
    assert supplied_image({"image": {"id": "https://example.org/badge.png"}}) is None
    assert supplied_image({}) is None


NOTDEF = "\U0010fffd"
"""A private-use character no font has: every font draws its .notdef glyph (the box) for it."""


def _drawn(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> bytes:
    image = Image.new("L", (160, 120))
    ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
    return image.tobytes()


@pytest.mark.parametrize(
    "title", ["来客対応の手順", "접수원", "موظفو الاستقبال", "Приём посетителей", "Υποδοχή"]
)
def test_non_latin_titles_are_drawn_in_real_glyphs_not_boxes(title: str) -> None:
    font = font_for(title, 80)
    box = _drawn(font, NOTDEF)
    for character in set(title) - {" "}:
        drawn = _drawn(font, character)
        assert drawn != box and any(drawn), (title, character)


def test_pillows_own_font_would_draw_cjk_as_boxes() -> None:
    """What the check above catches: the bundled font has no CJK glyph, only the box."""
    bundled = ImageFont.load_default(size=80)
    assert _drawn(bundled, "来") == _drawn(bundled, NOTDEF)
    assert face_key("Receptionists") == ("", 0)  # Latin stays in the bundled font


def test_a_cjk_badge_uses_a_face_with_every_character_and_wraps_without_spaces() -> None:
    title = "受付係・案内係・電話交換手・来客対応の手順"
    path, index = face_key(title)
    face = next(f for f in available_faces() if str(f.path) == path and f.index == index)
    assert all(ord(ch) in face.codepoints for ch in title)
    assert [len(line) for line in wrap(title, 40, 420, 3)] == [10, 10, 1]
    cjk = render_png(BadgeText(title=title))
    boxes = render_png(BadgeText(title=NOTDEF * len(title)))
    assert cjk != boxes
    assert "Noto Sans CJK JP" in render_svg(BadgeText(title=title))
