"""Browser-facing safety: security headers on every response and the `link_url` template filter.

Every HTML page gets a strict Content-Security-Policy: scripts only as this service's static
files (no inline script; pages work without them), styles only from
this service's own stylesheet (no inline `<style>` or `style=`), images only from this
service, forms posting only back to it, and no framing. Every response is `nosniff` and sends
no Referer (wallet links are private capability URLs, so they must not leak to other sites).

Templates turn data into links only through `link_url` (see `issuer.wallet.describe.link_url`):
only absolute http: and https: URLs become links, anything else is shown as text.
"""

from urllib.parse import urlsplit

from flask import Flask, Response

from issuer.wallet.describe import link_url


def page_policy(base_url: str) -> str:
    """Return the Content-Security-Policy of HTML pages served under `base_url`."""
    parts = urlsplit(base_url)
    images = ["'self'"]
    if parts.scheme in ("http", "https") and parts.netloc:
        images.append(f"{parts.scheme}://{parts.netloc}")  # the wallet's badge and QR images
    return "; ".join(
        [
            "default-src 'none'",
            f"img-src {' '.join(images)}",
            "script-src 'self'",  # static files only (static/*.js): never inline
            "style-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""For SVG files opened on their own: no scripts, no fetches (their styles are inline)."""


def init_app(app: Flask, *, base_url: str) -> None:
    """Add the security headers to every response and `link_url` to the template filters."""
    policy = page_policy(base_url)

    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype == "text/html":
            headers["Content-Security-Policy"] = policy
            headers["X-Frame-Options"] = "DENY"
        elif response.mimetype == "image/svg+xml":
            headers.setdefault("Content-Security-Policy", SVG_POLICY)
        return response

    app.after_request(add_headers)
    app.jinja_env.filters["link_url"] = link_url
