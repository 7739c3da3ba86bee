"""Open Badges 3.0 "Baking": a credential carried inside its badge image (PNG or SVG).

    png = bake_png(image_png, credential_json)     # one uncompressed iTXt chunk
    extract_png(png) == credential_json            # the text exactly as baked
    svg = bake_svg(image_svg, credential_json)     # <openbadges:credential> with CDATA
    extract_svg(svg) == credential_json

PNG: an `iTXt` chunk with keyword `openbadgecredential`, compression flag 0 and method 0,
empty language tag and translated keyword, right after `IHDR`; an existing one is replaced,
so an image holds at most one. SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
on the root `<svg>` and `<openbadges:credential>` directly after its start tag, the JSON in
a CDATA section. SVG is parsed with defusedxml only (no DTDs, entities or external
references). Malformed input raises `InvalidInput` with a sentence saying what is wrong.
"""

import io
import re

import png
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from issuer.errors import InvalidInput

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_PREFIX = "openbadges"
_SVG_ELEMENT = f"{{{SVG_NAMESPACE}}}credential"
_SVG_ROOT = "{http://www.w3.org/2000/svg}svg"

# PNG ------------------------------------------------------------------------------------


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Return the chunks of a PNG (CRCs checked); raise `InvalidInput` if it is malformed."""
    if not data.startswith(PNG_SIGNATURE):
        raise InvalidInput("this is not a PNG image (it lacks the PNG signature)")
    try:
        chunks = list(png.Reader(bytes=data).chunks())
    except (png.Error, ValueError) as err:
        raise InvalidInput(f"this PNG image is damaged: {err}") from err
    if not chunks or chunks[0][0] != b"IHDR":
        raise InvalidInput("this PNG image is damaged: it does not start with an IHDR chunk")
    return chunks


def _is_credential_chunk(chunk_type: bytes, content: bytes) -> bool:
    return chunk_type == b"iTXt" and content.split(b"\x00", 1)[0] == PNG_KEYWORD


def itxt_payload(text: str) -> bytes:
    """Return the iTXt chunk data holding `text` uncompressed under `openbadgecredential`."""
    # keyword NUL, compression flag 0, method 0, language tag "" NUL, translated keyword "" NUL
    return PNG_KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")


def bake_png(image: bytes, credential: str) -> bytes:
    """Return the PNG `image` carrying `credential` (JSON text or a compact JWS)."""
    chunks = [c for c in _png_chunks(image) if not _is_credential_chunk(*c)]
    chunks.insert(1, (b"iTXt", itxt_payload(credential)))
    out = io.BytesIO()
    png.write_chunks(out, chunks)
    return out.getvalue()


def extract_png(image: bytes) -> str | None:
    """Return the credential baked into a PNG, or None if it holds none; `InvalidInput` if bad."""
    for chunk_type, content in _png_chunks(image):
        if not _is_credential_chunk(chunk_type, content):
            continue
        rest = content[len(PNG_KEYWORD) + 1 :]
        if len(rest) < 2:
            raise InvalidInput("the image's openbadgecredential chunk is cut short")
        if rest[0] != 0:
            raise InvalidInput(
                "the image's openbadgecredential chunk is compressed, which Open Badges 3.0 "
                "does not allow"
            )
        parts = rest[2:].split(b"\x00", 2)  # language tag, translated keyword, text
        if len(parts) != 3:
            raise InvalidInput("the image's openbadgecredential chunk is malformed")
        try:
            return parts[2].decode("utf-8")
        except UnicodeDecodeError as err:
            raise InvalidInput(
                "the image's openbadgecredential chunk does not hold UTF-8 text"
            ) from err
    return None


# SVG ------------------------------------------------------------------------------------

_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_SVG_START = re.compile(r"""<svg(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*>""")
_PREFIX_DECLARATION = re.compile(rf"""\sxmlns:{SVG_PREFIX}\s*=\s*(["'])(.*?)\1""", re.S)
_BAKED_ELEMENT = re.compile(
    rf"""<{SVG_PREFIX}:credential(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*?"""
    rf"""(?:/>|>.*?</{SVG_PREFIX}:credential\s*>)""",
    re.S,
)
_DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']""")


def _svg_text(image: bytes | str) -> str:
    if isinstance(image, str):
        return image
    try:
        text = image.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInput("this SVG image is not UTF-8 text") from err
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "ascii"):
        raise InvalidInput(f"this SVG image declares the encoding {declared.group(1)}; use UTF-8")
    return text


def _parse_svg(text: str) -> object:
    """Return the root element, parsed safely; raise `InvalidInput` unless it is an SVG."""
    try:
        root = SafeET.fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException as err:
        raise InvalidInput(
            "this SVG image uses XML features that are refused for safety (DTDs or entities)"
        ) from err
    except SafeET.ParseError as err:
        raise InvalidInput(f"this is not a well-formed SVG image: {err}") from err
    if root.tag != _SVG_ROOT:
        raise InvalidInput("this is not an SVG image (its root element is not <svg>)")
    return root


def _credential_elements(root: object) -> list[object]:
    return list(root.iter(_SVG_ELEMENT))  # type: ignore[attr-defined]


def bake_svg(image: bytes | str, credential: str) -> str:
    """Return the SVG `image` carrying the JSON `credential` (replacing one it carried)."""
    text = _svg_text(image)
    root = _parse_svg(text)
    if _credential_elements(root):
        text = _BAKED_ELEMENT.sub("", text, count=1)
        if _credential_elements(_parse_svg(text)):
            raise InvalidInput("this SVG image already holds a credential that cannot be replaced")
    position = 0
    while item := _PROLOG_ITEM.match(text, position):
        position = item.end()
    start = _SVG_START.match(text, position)
    if start is None:
        raise InvalidInput("this SVG image's root must be a plain <svg> element")
    tag = start.group(0)
    declared = _PREFIX_DECLARATION.search(tag)
    if declared and declared.group(2) != SVG_NAMESPACE:
        raise InvalidInput(f"this SVG image uses the prefix {SVG_PREFIX}: for another namespace")
    self_closing = tag.endswith("/>")
    head = tag[:-2] if self_closing else tag[:-1]
    if not declared:
        head += f' xmlns:{SVG_PREFIX}="{SVG_NAMESPACE}"'
    cdata = credential.replace("]]>", "]]]]><![CDATA[>")
    element = f"<{SVG_PREFIX}:credential><![CDATA[{cdata}]]></{SVG_PREFIX}:credential>"
    tail = "</svg>" if self_closing else ""
    return text[: start.start()] + head + ">" + element + tail + text[start.end() :]


def extract_svg(image: bytes | str) -> str | None:
    """Return the credential baked into an SVG (JSON, or the JWS of `verify`), or None."""
    elements = _credential_elements(_parse_svg(_svg_text(image)))
    if not elements:
        return None
    element = elements[0]
    verify = element.get("verify")  # type: ignore[attr-defined]
    if verify:
        return str(verify).strip()
    return str(element.text or "").strip() or None  # type: ignore[attr-defined]
