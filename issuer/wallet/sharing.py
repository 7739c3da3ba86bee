"""Ways to share a credential: a QR code opening its verification page, a LinkedIn link.

qr_svg(url), qr_png(url)                  # segno, error correction M
linkedin_add_url(name=…, organization=…, issued=…, cert_url=…, cert_id=…)
"""

import io
from datetime import datetime
from urllib.parse import urlencode

import segno

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def _qr(url: str) -> segno.QRCode:
    return segno.make_qr(url, error="m")


def qr_svg(url: str, *, title: str | None = None) -> bytes:
    """Return an SVG QR code for `url` (dark on white, 4-module quiet zone)."""
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", scale=6, border=4, title=title or url, dark="#000000")
    return out.getvalue()


def qr_png(url: str) -> bytes:
    """Return a PNG QR code for `url`."""
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def linkedin_add_url(
    *,
    name: str,
    organization: str,
    issued: datetime | None,
    cert_url: str,
    cert_id: str,
    expires: datetime | None = None,
) -> str:
    """Return LinkedIn's "Add licence or certification" link, prefilled."""
    params: dict[str, str | int] = {"startTask": "CERTIFICATION_NAME", "name": name}
    params["organizationName"] = organization
    if issued is not None:
        params |= {"issueYear": issued.year, "issueMonth": issued.month}
    if expires is not None:
        params |= {"expirationYear": expires.year, "expirationMonth": expires.month}
    params |= {"certUrl": cert_url, "certId": cert_id}
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params)}"
