"""Generated badge images say the occupation, level and topic, legibly and deterministically."""

import base64
import io

from PIL import Image

from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import map_framework
from issuer.frameworks.structure import index_framework
from issuer.paths import EXAMPLE_SEEDS
from issuer.wallet.badge_image import (
    PALETTE,
    BadgeText,
    badge_text,
    render_png,
    render_svg,
    supplied_image,
    wrap,
)

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
