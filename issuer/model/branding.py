"""The issuer's branding: its name, website, logo and contact email, set once.

    branding = Branding.from_settings(settings)   # reads the ISSUER_LOGO file, if set

Carried into the issuer Profile, badge images, PDF certificates, pages and emails.
"""

from dataclasses import dataclass

from issuer.settings import Settings

LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
"""The logo formats accepted, by their first bytes."""
LOGO_MAX_BYTES = 1_000_000
LOGO_PATH = "/branding/logo"
"""Where the service serves the logo (the issuer Profile's image)."""


@dataclass(frozen=True)
class Branding:
    """Who issues, in the words and image shown to learners and employers."""

    name: str
    url: str
    email: str | None = None
    logo: bytes | None = None
    """A PNG or JPEG image (the `ISSUER_LOGO` file), if set."""

    @property
    def logo_type(self) -> str | None:
        """The logo's media type (image/png or image/jpeg), None without a logo."""
        if self.logo is None:
            return None
        return next((t for head, t in LOGO_TYPES.items() if self.logo.startswith(head)), None)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Branding":
        """Return the branding the settings give; raise `ValueError` for an unusable logo."""
        logo = None
        if settings.issuer_logo is not None:
            path = settings.issuer_logo
            try:
                logo = path.read_bytes()
            except OSError as err:
                raise ValueError(f"ISSUER_LOGO: cannot read {path} ({err.strerror})") from None
            if len(logo) > LOGO_MAX_BYTES or not any(logo.startswith(h) for h in LOGO_TYPES):
                raise ValueError(f"ISSUER_LOGO: {path} must be a PNG or JPEG file under 1 MB")
        return cls(
            name=settings.issuer_name,
            url=settings.issuer_url or settings.base_url,
            email=settings.issuer_email,
            logo=logo,
        )
