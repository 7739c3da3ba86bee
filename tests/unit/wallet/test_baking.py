"""Baking credentials into PNG and SVG badges, taking them out, and refusing bad images."""

import io
import json
import struct
import zlib

import png
import pytest
from PIL import Image

from issuer.errors import InvalidInput
from issuer.wallet.badge_image import BadgeText, render_png, render_svg
from issuer.wallet.baking import (
    PNG_KEYWORD,
    SVG_NAMESPACE,
    bake_png,
    bake_svg,
    extract_png,
    extract_svg,
)
from issuer.wallet.files import NO_CREDENTIAL, read_credential_file

CREDENTIAL = json.dumps(
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Ünïcode — “quotes” ]]> <&>"},
    ensure_ascii=False,
    indent=2,
)
TEXT = BadgeText(title="Receptionists", level="Emerging · level 1 of 4", topic="Greeting", rank=1)


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    return list(png.Reader(bytes=data).chunks())


def _chunk(chunk_type: bytes, content: bytes) -> bytes:
    crc = zlib.crc32(content, zlib.crc32(chunk_type))
    return struct.pack("!I", len(content)) + chunk_type + content + struct.pack("!I", crc)


@pytest.fixture(scope="module")
def badge_png() -> bytes:
    return render_png(TEXT)


def test_png_round_trip_is_exact_and_the_chunk_is_uncompressed_after_ihdr(badge_png: bytes) -> None:
    baked = bake_png(badge_png, CREDENTIAL)
    assert extract_png(baked) == CREDENTIAL
    chunks = _chunks(baked)
    assert chunks[0][0] == b"IHDR"
    assert chunks[1] == (b"iTXt", PNG_KEYWORD + b"\x00\x00\x00\x00\x00" + CREDENTIAL.encode())
    with Image.open(io.BytesIO(baked)) as image:  # still a valid image
        image.load()
        assert image.size == (600, 600)


def test_baking_again_replaces_the_credential(badge_png: bytes) -> None:
    twice = bake_png(bake_png(badge_png, CREDENTIAL), '{"other": true}')
    credential_chunks = [c for c in _chunks(twice) if c[1].startswith(PNG_KEYWORD + b"\x00")]
    assert len(credential_chunks) == 1
    assert extract_png(twice) == '{"other": true}'


def test_png_without_a_credential_holds_none(badge_png: bytes) -> None:
    assert extract_png(badge_png) is None
    with pytest.raises(InvalidInput, match="the image holds no credential"):
        read_credential_file(badge_png)
    assert "holds no credential" in NO_CREDENTIAL


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda data: b"GIF89a" + data[6:], "not a PNG image"),
        (lambda data: data[:40], "damaged"),
        (lambda data: data[:20] + bytes([data[20] ^ 0xFF]) + data[21:], "damaged"),
    ],
    ids=["signature", "truncated", "checksum"],
)
def test_malformed_png_is_refused_clearly(badge_png: bytes, mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    broken = mangle(bake_png(badge_png, CREDENTIAL))
    with pytest.raises(InvalidInput, match=message):
        extract_png(broken)


def test_compressed_credential_chunk_is_refused(badge_png: bytes) -> None:
    payload = PNG_KEYWORD + b"\x00\x01\x00\x00\x00" + zlib.compress(CREDENTIAL.encode())
    signature, rest = badge_png[:8], badge_png[8:]
    ihdr_end = 8 + 13 + 4
    data = signature + rest[:ihdr_end] + _chunk(b"iTXt", payload) + rest[ihdr_end:]
    with pytest.raises(InvalidInput, match="compressed"):
        extract_png(data)


def test_svg_round_trip_is_exact_with_the_element_right_after_the_start_tag() -> None:
    baked = bake_svg(render_svg(TEXT), CREDENTIAL)
    assert extract_svg(baked) == CREDENTIAL
    assert extract_svg(baked.encode()) == CREDENTIAL
    start = baked.index("<svg")
    tag_end = baked.index(">", start) + 1
    assert f'xmlns:openbadges="{SVG_NAMESPACE}"' in baked[start:tag_end]
    assert baked[tag_end:].startswith("<openbadges:credential><![CDATA[")
    assert baked.count("<openbadges:credential>") == 1


def test_svg_baking_again_replaces_and_keeps_one_declaration() -> None:
    twice = bake_svg(bake_svg(render_svg(TEXT), CREDENTIAL), '{"b": 2}')
    assert extract_svg(twice) == '{"b": 2}'
    assert twice.count("<openbadges:credential>") == 1
    assert twice.count("xmlns:openbadges=") == 1


def test_svg_self_closing_root_and_prolog_comments() -> None:
    svg = '<?xml version="1.0"?>\n<!-- a <svg> in a comment -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'
    baked = bake_svg(svg, CREDENTIAL)
    assert extract_svg(baked) == CREDENTIAL
    assert baked.startswith('<?xml version="1.0"?>\n<!-- a <svg> in a comment -->\n<svg ')


def test_svg_jwt_form_is_read_from_verify() -> None:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{SVG_NAMESPACE}">'
        '<openbadges:credential verify="eyJh.eyJi.c2ln"/></svg>'
    )
    assert extract_svg(svg) == "eyJh.eyJi.c2ln"
    with pytest.raises(InvalidInput, match="JWT"):
        read_credential_file(svg.encode())


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        ("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "not a well-formed SVG"),
        ("<html xmlns='http://www.w3.org/1999/xhtml'/>", "root element is not <svg>"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            "<svg xmlns='http://www.w3.org/2000/svg'>&lol2;</svg>",
            "refused for safety",
        ),
        (
            '<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg xmlns="http://www.w3.org/2000/svg"/>',
            "refused for safety",
        ),
    ],
    ids=["unclosed", "not-svg", "entities", "external-dtd"],
)
def test_malformed_or_hostile_svg_is_refused(svg: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        extract_svg(svg.encode())
    with pytest.raises(InvalidInput, match=message):
        bake_svg(svg, CREDENTIAL)


def test_svg_without_a_credential_holds_none() -> None:
    assert extract_svg(render_svg(TEXT)) is None
    with pytest.raises(InvalidInput, match="the image holds no credential"):
        read_credential_file(render_svg(TEXT).encode())


def test_read_credential_file_tells_the_kind() -> None:
    document = {"type": ["VerifiableCredential"]}
    text = json.dumps(document)
    assert read_credential_file(text.encode()) == ("json", document)
    assert read_credential_file(bake_png(render_png(TEXT), text)) == ("png", document)
    assert read_credential_file(bake_svg(render_svg(TEXT), text).encode()) == ("svg", document)
    with pytest.raises(InvalidInput, match="baked into the image is not valid JSON"):
        read_credential_file(bake_png(render_png(TEXT), "{broken"))
