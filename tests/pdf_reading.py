"""Reading the PDFs the service makes, as a person's PDF reader and phone would."""

import io
from typing import Any

from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import decode


def pdf_text(data: bytes) -> str:
    """Return the text of every page (CJK runs have no spaces between their characters)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(page.extract_text() for page in pages)


def squeeze(text: str) -> str:
    """Return `text` without whitespace and NULs (pypdf puts either between CJK glyphs)."""
    return "".join(text.replace("\x00", "").split())


def embedded_fonts(data: bytes) -> dict[str, str]:
    """Return {font name: its embedded program's key (FontFile2 or FontFile3)} for every font.

    A font without an embedded program maps to "" (a reader would substitute it).
    """
    fonts: dict[str, str] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                descendant = descendant.get_object()
                descriptor = descendant.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                key = next(
                    (k for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor), ""
                )
                fonts[str(descendant["/BaseFont"])] = key
    return fonts


def qr_codes(data: bytes) -> list[str]:
    """Return what every QR code image in the PDF says, in page order."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            found += [symbol.data.decode() for symbol in decode(picture)]
    return found
