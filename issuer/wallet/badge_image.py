"""Generated badge images: a round badge naming the occupation, the level and the topic.

    text = badge_text(credential["credentialSubject"]["achievement"], issuer="Example College")
    svg = render_svg(text)     # str, legible in any browser, text escaped
    png = render_png(text)     # bytes, drawn with Pillow's bundled font or a Noto face

Both are deterministic (same text, same Pillow and fonts: same bytes) and lay out the same
lines: long text is wrapped by measuring it with the font the PNG is drawn with, and cut
with "…" when it would not fit. Each line is drawn in Pillow's bundled font (Aileron) when
it has every character, else in the first Noto face that has them all (CJK, Arabic, …:
`issuer.wallet.fonts`), so no title comes out as boxes. The colour follows the level's
rank. An achievement that supplies its own image as a `data:` URI (PNG or SVG) is baked into that instead
(`supplied_image`); remote images are never fetched. The issuer's name runs along the
bottom, and its logo (`ISSUER_LOGO`), when given, sits on a white plate at the top.

    image = credential_badge(credential, "png", logo=logo_bytes)   # unbaked, for baking
"""

import base64
import binascii
import io
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from urllib.parse import unquote_to_bytes
from xml.sax.saxutils import escape, quoteattr

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from issuer.wallet.clr import subject_achievement
from issuer.wallet.fonts import face_for

SIZE = 600
"""Width and height of the badge, in pixels (PNG) and user units (SVG)."""
_SCALE = 2  # the PNG is drawn at twice the size and scaled down, for smooth edges

PALETTE = ("#1d4e89", "#0b6e4f", "#6a1b9a", "#8a3b00", "#a0153e", "#37474f", "#00545e")
"""Badge colours by level rank (white text on each has a contrast ratio above 7:1)."""
NEUTRAL = "#2f3e46"
FONT_FAMILY = (
    "Aileron, 'Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Arabic', 'DejaVu Sans', "
    "Helvetica, Arial, sans-serif"
)

_LEVEL_TEXT = re.compile(r"^Level (\d+) of (\d+): (.+)$")


@dataclass(frozen=True)
class BadgeText:
    """What a badge says. Only `title` is required."""

    title: str
    level: str | None = None
    topic: str | None = None
    code: str | None = None
    rank: int | None = None
    issuer: str | None = None

    @property
    def colour(self) -> str:
        """The badge colour: by level rank, neutral without a level."""
        return PALETTE[(self.rank - 1) % len(PALETTE)] if self.rank else NEUTRAL

    @property
    def description(self) -> str:
        """One sentence saying everything on the badge (the image's text alternative)."""
        parts = [self.title, self.level, self.topic, self.code]
        issued = f", issued by {self.issuer}" if self.issuer else ""
        return "Badge: " + ", ".join(p for p in parts if p) + issued + "."


def _alignments(achievement: dict[str, Any], target_type: str) -> list[dict[str, Any]]:
    return [
        a
        for a in achievement.get("alignment") or []
        if isinstance(a, dict) and a.get("targetType") == target_type
    ]


def _level_description(achievement: dict[str, Any]) -> str | None:
    """Return "Level R of N: Label" from a level alignment or a level's rubric, if any."""
    for alignment in _alignments(achievement, "ext:ProficiencyLevel"):
        if isinstance(alignment.get("targetDescription"), str):
            return str(alignment["targetDescription"])
    for result in achievement.get("resultDescription") or []:
        if not isinstance(result, dict):
            continue
        for rubric in result.get("rubricCriterionLevel") or []:
            if isinstance(rubric, dict) and rubric.get("id") == result.get("requiredLevel"):
                description = rubric.get("description")
                return description if isinstance(description, str) else None
    return None


def badge_text(achievement: dict[str, Any], *, issuer: str | None = None) -> BadgeText:
    """Return what the badge of an Achievement (JSON, as in a credential) says."""
    name = str(achievement.get("name") or "Achievement")
    occupations = _alignments(achievement, "ext:ONetSocOccupation")
    if not occupations:
        return BadgeText(title=name, issuer=issuer)
    occupation = occupations[0]
    title = str(occupation.get("targetName") or name)
    code = f"O*NET-SOC {occupation['targetCode']}" if occupation.get("targetCode") else None
    level, rank = None, None
    match = _LEVEL_TEXT.match(_level_description(achievement) or "")
    if match:
        rank = int(match.group(1))
        level = f"{match.group(3)} · level {rank} of {match.group(2)}"
    statements = _alignments(achievement, "ext:CompetencyStatement")
    topic: str | None = name if name != title else None
    if statements:
        topic = f"All {len(statements)} competency statements"
    return BadgeText(title=title, level=level, topic=topic, code=code, rank=rank, issuer=issuer)


def issuer_name(credential: dict[str, Any]) -> str | None:
    """Return the name in a credential's issuer Profile, if it has one."""
    issuer = credential.get("issuer")
    name = issuer.get("name") if isinstance(issuer, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def credential_badge(
    credential: dict[str, Any], kind: Literal["png", "svg"], *, logo: bytes | None = None
) -> bytes:
    """Return a credential's badge image, not yet baked: its achievement's own, else drawn."""
    achievement = subject_achievement(credential) or {}
    supplied = supplied_image(achievement)
    if supplied and supplied[0] == kind:
        return supplied[1]
    text = badge_text(achievement, issuer=issuer_name(credential))
    if kind == "png":
        return render_png(text, logo=logo)
    return render_svg(text, logo=logo).encode("utf-8")


# layout ---------------------------------------------------------------------------------


_BUNDLED = ("", 0)
"""Pillow's bundled font (Aileron), as a (path, index) key."""


@dataclass(frozen=True)
class _Line:
    text: str
    y: int
    size: int
    fill: str
    face: tuple[str, int] = _BUNDLED


@cache
def _font(key: tuple[str, int], size: int) -> ImageFont.FreeTypeFont:
    if key == _BUNDLED:
        font = ImageFont.load_default(size=size)
        assert isinstance(font, ImageFont.FreeTypeFont), "Pillow needs FreeType support"
        return font
    return ImageFont.truetype(key[0], size=size, index=key[1])


@cache
def _bundled_codepoints() -> frozenset[int]:
    source = getattr(ImageFont.load_default(size=10), "path", None)
    if not isinstance(source, io.BytesIO):  # pragma: no cover - Pillow without FreeType
        return frozenset(range(0x20, 0x7F))
    return frozenset(TTFont(io.BytesIO(source.getvalue()), lazy=True).getBestCmap() or {})


def face_key(text: str) -> tuple[str, int]:
    """Return the (path, index) of the font a line of `text` is drawn in ("" for Pillow's)."""
    if all(ord(ch) in _bundled_codepoints() for ch in text + "…" if not ch.isspace()):
        return _BUNDLED
    face = face_for(text + "…")
    return (str(face.path), face.index) if face is not None else _BUNDLED


def font_for(text: str, size: int) -> ImageFont.FreeTypeFont:
    """Return the font, at `size` pixels, that a line of `text` is drawn in."""
    return _font(face_key(text), size)


def wrap(text: str, size: int, width: int, max_lines: int) -> list[str]:
    """Return `text` in at most `max_lines` lines no wider than `width` at font `size`."""
    font = font_for(text, size)
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while font.getlength(current) > width:  # a word longer than a line
            cut = len(current)
            while cut > 1 and font.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return lines


def _layout(text: BadgeText) -> tuple[list[_Line], int | None]:
    """Return the lines to draw and the vertical centre of the level ribbon (if any)."""
    lines: list[_Line] = []
    if text.code:
        lines.append(_Line(text.code, 150, 22, "#ffffff", face_key(text.code)))
    title = wrap(text.title, 40, 420, 3)
    face = face_key(text.title)
    top = 232 - 24 * (len(title) - 1)
    lines += [_Line(t, top + 48 * n, 40, "#ffffff", face) for n, t in enumerate(title)]
    ribbon = None
    if text.level:
        ribbon = 350
        level = wrap(text.level, 28, 470, 1)[0]
        lines.append(_Line(level, ribbon + 10, 28, text.colour, face_key(text.level)))
    if text.topic:
        topic = wrap(text.topic, 28, 320, 3)
        face = face_key(text.topic)
        lines += [_Line(t, 430 + 36 * n, 28, "#ffffff", face) for n, t in enumerate(topic)]
    if text.issuer:
        issuer = wrap(text.issuer, 17, 230, 1)[0]
        lines.append(_Line(issuer, 543, 17, "#ffffff", face_key(text.issuer)))
    return lines, ribbon


_LOGO_BOX = (180, 48)
"""Largest logo size on a badge (width, height), on a plate centred at the top."""
_LOGO_TOP = 62


def _logo_image(logo: bytes | None) -> Image.Image | None:
    """Return the logo scaled to fit the badge's logo box, or None if it cannot be read."""
    if not logo:
        return None
    try:
        with Image.open(io.BytesIO(logo)) as opened:
            image = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    image.thumbnail((_LOGO_BOX[0] * _SCALE, _LOGO_BOX[1] * _SCALE), Image.Resampling.LANCZOS)
    return image


def _logo_type(logo: bytes) -> str:
    return "image/png" if logo.startswith(b"\x89PNG") else "image/jpeg"


# SVG ------------------------------------------------------------------------------------


def render_svg(text: BadgeText, *, logo: bytes | None = None) -> str:
    """Return the badge as an SVG document (UTF-8 text); `logo` is embedded as a data: URI."""
    lines, ribbon = _layout(text)
    label = quoteattr(text.description)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label={label}>',
        f"<title>{escape(text.description)}</title>",
        f'<circle cx="300" cy="300" r="296" fill="{text.colour}"/>',
        '<circle cx="300" cy="300" r="272" fill="none" stroke="#ffffff" stroke-width="6"/>',
    ]
    if ribbon is not None:
        parts.append(
            f'<rect x="40" y="{ribbon - 28}" width="520" height="56" rx="8" fill="#ffffff"/>'
        )
    drawn = _logo_image(logo)
    if logo and drawn is not None:
        w, h = drawn.width / _SCALE, drawn.height / _SCALE
        x, y = 300 - w / 2, _LOGO_TOP + (_LOGO_BOX[1] - h) / 2
        uri = f"data:{_logo_type(logo)};base64,{base64.b64encode(logo).decode()}"
        parts.append(
            f'<rect x="{x - 8:g}" y="{y - 6:g}" width="{w + 16:g}" height="{h + 12:g}" '
            'rx="6" fill="#ffffff"/>'
            f'<image x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" href="{uri}"/>'
        )
    parts.append(f'<g font-family="{FONT_FAMILY}" text-anchor="middle">')
    parts += [
        f'<text x="300" y="{line.y}" font-size="{line.size}" fill="{line.fill}">'
        f"{escape(line.text)}</text>"
        for line in lines
    ]
    parts.append("</g></svg>\n")
    return "".join(parts)


# PNG ------------------------------------------------------------------------------------


def render_png(text: BadgeText, *, logo: bytes | None = None) -> bytes:
    """Return the badge as PNG bytes (RGBA, transparent outside the circle)."""
    big = SIZE * _SCALE
    image = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, big - 8, big - 8), fill=text.colour)
    inset = 28 * _SCALE
    draw.ellipse((inset, inset, big - inset, big - inset), outline="#ffffff", width=6 * _SCALE)
    lines, ribbon = _layout(text)
    if ribbon is not None:
        box = (40 * _SCALE, (ribbon - 28) * _SCALE, 560 * _SCALE, (ribbon + 28) * _SCALE)
        draw.rounded_rectangle(box, radius=8 * _SCALE, fill="#ffffff")
    drawn = _logo_image(logo)
    if drawn is not None:
        x = (big - drawn.width) // 2
        y = _LOGO_TOP * _SCALE + (_LOGO_BOX[1] * _SCALE - drawn.height) // 2
        plate = (x - 8 * _SCALE, y - 6 * _SCALE, x + drawn.width + 8 * _SCALE)
        draw.rounded_rectangle(
            (*plate, y + drawn.height + 6 * _SCALE), radius=6 * _SCALE, fill="#ffffff"
        )
        image.alpha_composite(drawn, (x, y))
    for line in lines:
        # SVG places the baseline at y; Pillow's "ms" anchor is middle/baseline
        draw.text(
            (300 * _SCALE, line.y * _SCALE),
            line.text,
            font=_font(line.face, line.size * _SCALE),
            fill=line.fill,
            anchor="ms",
        )
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


# supplied images ------------------------------------------------------------------------

_DATA_URI = re.compile(r"^data:(image/png|image/svg\+xml)(;base64)?,(.*)$", re.S)


def supplied_image(achievement: dict[str, Any]) -> tuple[Literal["png", "svg"], bytes] | None:
    """Return the achievement's own image if it is given inline as a PNG or SVG `data:` URI."""
    image = achievement.get("image")
    source = image.get("id") if isinstance(image, dict) else image
    match = _DATA_URI.match(source) if isinstance(source, str) else None
    if match is None:
        return None
    media, is_base64, payload = match.groups()
    try:
        data = base64.b64decode(payload, validate=True) if is_base64 else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
    return ("png" if media == "image/png" else "svg"), data
