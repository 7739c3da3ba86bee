"""Fonts that cover non-Latin scripts, for the badge images and the PDF certificates.

    faces = available_faces()              # the Noto faces on this machine, in fallback order
    face = face_for("受付係")               # the first face that has every character, or None
    face.path, face.index, face.bold       # for Pillow (`index`) and fpdf2 (`collection_font_number`)

The faces are the Noto fonts of Debian's `fonts-noto-core` and `fonts-noto-cjk` (any system
that puts them under a usual font folder works); DejaVu Sans is the last resort. Which
characters a face has is read from its `cmap` table, once per face.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path.home() / ".local" / "share" / "fonts",
)
"""Where fonts are looked for, in this order."""

_FACES = (
    ("Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", 0),
    ("Noto Sans CJK JP", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", 0),
    ("Noto Sans Arabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", 0),
    ("Noto Sans Hebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", 0),
    ("Noto Sans Devanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf", 0),
    ("Noto Sans Bengali", "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", 0),
    ("Noto Sans Tamil", "NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf", 0),
    ("Noto Sans Thai", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf", 0),
    ("Noto Sans Khmer", "NotoSansKhmer-Regular.ttf", "NotoSansKhmer-Bold.ttf", 0),
    ("Noto Sans Armenian", "NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf", 0),
    ("Noto Sans Georgian", "NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf", 0),
    ("Noto Sans Ethiopic", "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf", 0),
    ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", 0),
)
"""(family, regular file, bold file, index in a collection), in fallback order."""


@dataclass(frozen=True)
class FontFace:
    """A font file on this machine (and its bold, if found)."""

    family: str
    path: Path
    index: int = 0
    bold: Path | None = None

    @property
    def codepoints(self) -> frozenset[int]:
        """The characters this face has a glyph for."""
        return _codepoints(self.path, self.index)

    def covers(self, text: str) -> bool:
        """Whether the face has a glyph for every visible character of `text`."""
        return all(ord(ch) in self.codepoints for ch in text if not ch.isspace())


@cache
def _codepoints(path: Path, index: int) -> frozenset[int]:
    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@cache
def _find(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            found = next(iter(sorted(folder.rglob(name))), None)
            if found is not None:
                return found
    return None


@cache
def available_faces() -> tuple[FontFace, ...]:
    """Return the faces found on this machine, in fallback order (Noto Sans first)."""
    faces = []
    for family, regular, bold, index in _FACES:
        path = _find(regular)
        if path is not None:
            faces.append(FontFace(family=family, path=path, index=index, bold=_find(bold)))
    return tuple(faces)


def face_for(text: str, faces: tuple[FontFace, ...] | None = None) -> FontFace | None:
    """Return the first face with every character of `text`, else the one with most; None if no face."""
    faces = available_faces() if faces is None else faces
    if not faces:
        return None
    for face in faces:
        if face.covers(text):
            return face
    return max(faces, key=lambda f: sum(ord(ch) in f.codepoints for ch in text))
