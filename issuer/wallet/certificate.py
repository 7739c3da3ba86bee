"""PDF certificates: one credential, or a learner's whole record (pure; no Flask).

    pdf = certificate_pdf(Certified(document, verify_url), branding, now=now)   # bytes
    pdf = record_pdf([Certified(...), ...], branding, now=now, left_out=1)      # bytes

Each says what was achieved (achievement, level, framework, occupation with its O*NET-SOC
code), who issued it and when, and carries a QR code opening the credential's verification
page. Text is set in the Noto fonts found on this machine (`issuer.wallet.fonts`), embedded
as subsets, with fallback per character (Latin, Greek, Cyrillic, CJK, Arabic, Hebrew,
Indic, …) and shaping (HarfBuzz) for scripts that join or run right to left. The PDF is a
readable copy: the signed credential stays the proof, and the certificate says so.
"""

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import segno
from fpdf import FPDF, XPos, YPos
from PIL import Image

from issuer.model.branding import Branding
from issuer.wallet.describe import CredentialView, describe_credential
from issuer.wallet.fonts import FontFace, available_faces

_INK = (33, 37, 41)
_MUTED = (90, 98, 106)
_ACCENT = (29, 78, 137)
_CORE_FONT = "helvetica"


@dataclass(frozen=True)
class Certified:
    """A credential to put on a certificate, and where anyone can check it."""

    document: dict[str, Any]
    verify_url: str

    @classmethod
    def from_json(cls, document: str, verify_url: str) -> "Certified":
        """Build from a stored credential's JSON text."""
        parsed = json.loads(document)
        return cls(document=parsed if isinstance(parsed, dict) else {}, verify_url=verify_url)

    @property
    def view(self) -> CredentialView:
        """The credential in plain words."""
        return describe_credential(self.document)


def long_date(value: datetime | None) -> str:
    """Return a date as "1 December 2026" (UTC), or an empty string."""
    if value is None:
        return ""
    day = value.astimezone(UTC) if value.tzinfo else value
    return f"{day.day} {day:%B %Y}"


def occupation_line(view: CredentialView) -> str | None:
    """Return "Receptionists and Information Clerks (O*NET-SOC 43-4171.00)", if aligned."""
    for aligned in view.achievement.alignments:
        if aligned.role == "Occupation":
            return f"{aligned.name} (O*NET-SOC {aligned.code})" if aligned.code else aligned.name
    return None


def framework_line(view: CredentialView) -> str | None:
    """Return the skills framework's name, if aligned."""
    return view.achievement.framework


_COMPLEX_SCRIPTS = (
    (0x0590, 0x0FFF),  # Hebrew, Arabic, Syriac, Thaana, N'Ko, Indic scripts, Thai, Lao, Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x18AF),  # Khmer, Mongolian
    (0xFB1D, 0xFEFC),  # Hebrew and Arabic presentation forms
)


def needs_shaping(text: str) -> bool:
    """Whether `text` has characters of a script that joins, reorders or runs right to left."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _COMPLEX_SCRIPTS)


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=5, border=4)
    out.seek(0)
    return out


class _Document(FPDF):
    """An A4 page set in the faces that the text needs, with a footer on each page."""

    def __init__(self, texts: Sequence[str], footer: str, now: datetime) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=22)
        self.set_creation_date(now)
        self._footer_text = footer
        self.main_family = self._load_fonts("".join(texts) + footer)
        self.alias_nb_pages()

    def _load_fonts(self, text: str) -> str:
        """Add the faces needed for `text` (Noto Sans first); return the main family."""
        faces = available_faces()
        if not faces:
            return _CORE_FONT
        missing = {ord(ch) for ch in text if not ch.isspace()}
        chosen: list[FontFace] = []
        for n, face in enumerate(faces):
            if n == 0 or missing & face.codepoints:
                chosen.append(face)
                missing -= face.codepoints
        names = []
        for n, face in enumerate(chosen):
            name = f"f{n}"
            self.add_font(name, "", str(face.path), collection_font_number=face.index)
            if face.bold is not None:
                self.add_font(name, "B", str(face.bold), collection_font_number=face.index)
            names.append(name)
        self.set_fallback_fonts(names[1:], exact_match=False)
        if needs_shaping(text):  # HarfBuzz: joining scripts, right-to-left runs (and slower)
            self.set_text_shaping(True)
        return names[0]

    def text_of(self, value: str) -> str:
        """Return `value` as the chosen font can take it (core fonts: Latin-1 only)."""
        if self.main_family != _CORE_FONT:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = _INK) -> None:
        """Set the main face at `size` points."""
        self.set_font(self.main_family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def para(self, value: str, size: float, **options: Any) -> None:
        """Write a paragraph across the page."""
        bold = options.pop("bold", False)
        colour = options.pop("colour", _INK)
        self.use(size, bold=bold, colour=colour)
        self.multi_cell(
            0,
            size * 0.5,
            self.text_of(value),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            **options,
        )

    def footer(self) -> None:
        """Say on every page that the signed credential is the proof, and the page number."""
        self.set_y(-16)
        self.use(8, colour=_MUTED)
        self.multi_cell(0, 4, self.text_of(self._footer_text), align="C")
        self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="C")


def _header(pdf: _Document, branding: Branding) -> None:
    """The issuer: logo, name, website and contact, then a rule."""
    top = pdf.get_y()
    left = pdf.l_margin
    if branding.logo and branding.logo_type:
        with Image.open(io.BytesIO(branding.logo)) as logo:
            ratio = logo.width / max(logo.height, 1)
        width = min(16 * ratio, 60.0)  # 16 mm high, at most 60 mm wide
        pdf.image(
            io.BytesIO(branding.logo),
            x=left,
            y=top,
            w=width,
            h=width / ratio,
            alt_text=branding.name,
        )
        left += width + 6
    pdf.set_xy(left, top)
    pdf.use(14, bold=True)
    pdf.cell(0, 7, pdf.text_of(branding.name), new_x=XPos.LEFT, new_y=YPos.NEXT)
    contact = " · ".join(v for v in (branding.url, branding.email) if v)
    pdf.use(9, colour=_MUTED)
    pdf.cell(0, 5, pdf.text_of(contact), new_x=XPos.LMARGIN, new_y=YPos.NEXT, link=branding.url)
    pdf.set_y(max(pdf.get_y(), top + 17) + 3)
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(8)


def _facts(pdf: _Document, rows: list[tuple[str, str]]) -> None:
    """Label and value rows."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for label, value in rows:
        if not value:
            continue
        y = pdf.get_y()
        pdf.use(10, colour=_MUTED)
        pdf.set_xy(pdf.l_margin, y)
        pdf.multi_cell(42, 6, pdf.text_of(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.use(11)
        pdf.multi_cell(width - 42, 6, pdf.text_of(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), y + 6) + 1)


def _kind(view: CredentialView) -> str:
    if view.achievement.kind == "level":
        return "Certificate of a proficiency level"
    if view.achievement.kind == "statement":
        return "Certificate of competence"
    return "Certificate of achievement"


def _rows(view: CredentialView, branding: Branding, issuer: str) -> list[tuple[str, str]]:
    a = view.achievement
    return [
        ("Awarded to", view.recipient or ""),
        ("Level", a.level or ""),
        ("Framework", framework_line(view) or ""),
        ("Occupation", occupation_line(view) or ""),
        ("Issued by", issuer),
        ("Date issued", long_date(view.issued)),
        ("Valid until", long_date(view.expires)),
    ]


def _footer_text(branding: Branding) -> str:
    contact = f" Questions: {branding.email}." if branding.email else ""
    return (
        "A readable copy of a digitally signed Open Badges 3.0 credential: the signed credential "
        f"is the proof. Scan the QR code or open the link to check it.{contact}"
    )


def certificate_pdf(item: Certified, branding: Branding, *, now: datetime) -> bytes:
    """Return one credential's certificate as PDF bytes (A4, one page)."""
    view = item.view
    a = view.achievement
    issuer = view.issuer or branding.name
    rows = _rows(view, branding, issuer)
    statements = [s.name for s in a.statements]
    texts = [a.name, a.summary, a.description, item.verify_url, issuer, branding.name]
    texts += [value for _, value in rows] + statements
    pdf = _Document(texts, _footer_text(branding), now)
    pdf.set_title(a.name)
    pdf.set_author(issuer)
    pdf.set_creator("LER Issuer")
    pdf.add_page()
    _header(pdf, branding)
    pdf.para(_kind(view), 12, colour=_ACCENT, align="C")
    pdf.ln(2)
    pdf.para(a.name, 24, bold=True, align="C")
    pdf.ln(3)
    pdf.para(a.summary, 12, align="C")
    pdf.ln(6)
    _facts(pdf, rows)
    if statements:
        pdf.ln(2)
        pdf.para(f"Competency statements demonstrated ({len(statements)})", 11, bold=True)
        for name in statements:
            pdf.para(f"•  {name}", 10)
    _qr_block(pdf, item.verify_url, size=42)
    return bytes(pdf.output())


def _qr_block(pdf: _Document, url: str, *, size: float) -> None:
    """The QR code and the link it opens, kept together on one page."""
    pdf.ln(6)
    if pdf.will_page_break(size + 4):
        pdf.add_page()
    y = pdf.get_y()
    pdf.image(
        _qr_png(url), x=pdf.l_margin, y=y, w=size, h=size, link=url, alt_text=f"QR code: {url}"
    )
    pdf.set_xy(pdf.l_margin + size + 6, y + 6)
    pdf.use(11, bold=True)
    pdf.multi_cell(0, 6, "Check this credential", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.use(9, colour=_ACCENT)
    pdf.multi_cell(0, 5, pdf.text_of(url), link=url, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(y + size + 2)


def record_pdf(
    items: Sequence[Certified],
    branding: Branding,
    *,
    now: datetime,
    left_out: int = 0,
) -> bytes:
    """Return a learner's record (every credential given, grouped by framework) as PDF bytes."""
    views = [item.view for item in items]
    recipient = next((v.recipient for v in views if v.recipient), None)
    texts = [branding.name, recipient or ""]
    for item, view in zip(items, views, strict=True):
        texts += [view.achievement.name, view.achievement.level or "", item.verify_url]
        texts += [framework_line(view) or "", occupation_line(view) or "", view.issuer or ""]
    pdf = _Document(texts, _footer_text(branding), now)
    pdf.set_title("Learning and employment record")
    pdf.set_author(branding.name)
    pdf.set_creator("LER Issuer")
    pdf.add_page()
    _header(pdf, branding)
    pdf.para("Learning and employment record", 22, bold=True)
    pdf.ln(2)
    count = len(items)
    intro = f"{count} credential{'s' if count != 1 else ''} in good standing"
    intro += f", awarded to {recipient}" if recipient else ""
    intro += f". Printed on {long_date(now)}."
    if left_out:
        intro += (
            f" {left_out} credential{'s' if left_out != 1 else ''} not in good standing "
            f"(revoked, suspended or expired) {'are' if left_out != 1 else 'is'} left out."
        )
    pdf.para(intro, 11)
    groups: dict[str, list[tuple[Certified, CredentialView]]] = {}
    for item, view in zip(items, views, strict=True):
        groups.setdefault(framework_line(view) or "Other credentials", []).append((item, view))
    for framework, members in groups.items():
        members.sort(key=lambda pair: _level_order(pair[1]))
        pdf.ln(5)
        if pdf.will_page_break(40):
            pdf.add_page()
        pdf.para(framework, 14, bold=True, colour=_ACCENT)
        occupation = next((occupation_line(v) for _, v in members if occupation_line(v)), None)
        if occupation:
            pdf.para(f"Occupation: {occupation}", 10, colour=_MUTED)
        for item, view in members:
            _record_entry(pdf, item, view)
    return bytes(pdf.output())


_RANK = re.compile(r"\(level (\d+) of \d+\)")


def _level_order(view: CredentialView) -> tuple[int, int]:
    """Sort key: by level rank (none last), each level's own credential before its statements."""
    match = _RANK.search(view.achievement.level or "")
    rank = int(match.group(1)) if match else 1_000
    return rank, 0 if view.achievement.kind == "level" else 1


def _record_entry(pdf: _Document, item: Certified, view: CredentialView) -> None:
    """One credential of a record: name, level, issuer and date beside its QR code."""
    size = 26.0
    pdf.ln(3)
    if pdf.will_page_break(size + 2):
        pdf.add_page()
    y = pdf.get_y()
    pdf.image(
        _qr_png(item.verify_url),
        x=pdf.w - pdf.r_margin - size,
        y=y,
        w=size,
        h=size,
        link=item.verify_url,
        alt_text=f"QR code: {item.verify_url}",
    )
    width = pdf.w - pdf.l_margin - pdf.r_margin - size - 4
    a = view.achievement
    pdf.set_xy(pdf.l_margin, y)
    pdf.use(11, bold=True)
    pdf.multi_cell(width, 5.5, pdf.text_of(a.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    kind = "Level" if a.kind == "level" else "Competency" if a.kind == "statement" else ""
    detail = " · ".join(
        v for v in (f"{kind}: {a.level}" if a.level else "", long_date(view.issued)) if v
    )
    pdf.use(9, colour=_MUTED)
    if detail:
        pdf.multi_cell(width, 4.5, pdf.text_of(detail), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if view.issuer:
        pdf.multi_cell(
            width, 4.5, pdf.text_of(f"Issued by {view.issuer}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.use(8, colour=_ACCENT)
    pdf.multi_cell(
        width,
        4.5,
        pdf.text_of(item.verify_url),
        link=item.verify_url,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_y(max(pdf.get_y(), y + size) + 1)
    pdf.set_draw_color(222, 226, 230)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
