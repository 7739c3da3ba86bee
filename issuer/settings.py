"""Service configuration, read once from `ISSUER_*` environment variables.

Only the edges (`issuer.web`, `issuer.cli`) read the environment; everything
below them receives a `Settings` value.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from issuer.paths import DEFAULT_KEYS_DIR, INSTANCE_DIR


def default_database_url() -> str:
    """Return the embedded SQLite database URL under `instance/`."""
    return f"sqlite:///{INSTANCE_DIR / 'issuer.sqlite3'}"


class Settings(BaseModel):
    """Everything the service needs to know about its deployment."""

    model_config = ConfigDict(frozen=True)

    base_url: str = "http://127.0.0.1:5000"
    database_url: str = default_database_url()
    keys_dir: Path = DEFAULT_KEYS_DIR
    did_method: Literal["key", "web"] = "key"
    issuer_name: str = "Example Training Provider"
    api_tokens: tuple[str, ...] = ()
    redis_url: str | None = None
    batch_queue: str = "ler-issuer-batches"
    """The RQ queue batch jobs go to (`ISSUER_BATCH_QUEUE`)."""
    offer_ttl: int = 1800
    """Seconds a wallet offer stays open (`ISSUER_OFFER_TTL`)."""
    port: int = 5000
    fetch_hosts: tuple[str, ...] = ()
    """Hosts the verifier may contact (other issuers' status lists and did:web documents)."""
    smtp_url: str | None = None
    """Mail server for learner emails (`ISSUER_SMTP_URL`); unset: messages wait in the outbox."""
    mail_from: str | None = None
    """Sender address (`ISSUER_MAIL_FROM`); unset: `no-reply@` the host of `base_url`."""
    issuer_url: str | None = None
    """The issuer's own website (`ISSUER_URL`), in its Profile and on certificates; unset: `base_url`."""
    issuer_email: str | None = None
    """The issuer's contact email (`ISSUER_EMAIL`): Profile, certificates, pages and emails."""
    issuer_logo: Path | None = None
    """A PNG or JPEG logo file (`ISSUER_LOGO`): Profile image, badges, certificates, pages."""

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("ISSUER_SMTP_URL must start with smtp:// or smtps://")
        return value or None

    @field_validator("issuer_url")
    @classmethod
    def _issuer_url_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("ISSUER_URL must start with http:// or https://")
        return value or None

    @field_validator("issuer_email")
    @classmethod
    def _issuer_email_shape(cls, value: str | None) -> str | None:
        if value and (value.count("@") != 1 or value.startswith("@") or value.endswith("@")):
            raise ValueError("ISSUER_EMAIL must be an email address like contact@example.org")
        return value or None

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("ISSUER_BASE_URL must start with http:// or https://")
        return value.rstrip("/")

    @property
    def base_url_given(self) -> bool:
        """Whether the base URL was set (`ISSUER_BASE_URL`) rather than left to its default."""
        return "base_url" in self.model_fields_set

    def served_at(self, host: str, port: int) -> "Settings":
        """Return these settings with links following `host:port`, where the service is
        served, unless the base URL was set; a wildcard host gives links to 127.0.0.1."""
        if self.base_url_given:
            return self.model_copy(update={"port": port})
        shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return self.model_copy(update={"base_url": f"http://{shown}:{port}", "port": port})

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Build settings from environment variables, defaults for those unset."""
        values: dict[str, object] = {}
        names = {
            "ISSUER_BASE_URL": "base_url",
            "ISSUER_DATABASE_URL": "database_url",
            "ISSUER_KEYS_DIR": "keys_dir",
            "ISSUER_DID": "did_method",
            "ISSUER_NAME": "issuer_name",
            "ISSUER_REDIS_URL": "redis_url",
            "ISSUER_BATCH_QUEUE": "batch_queue",
            "ISSUER_OFFER_TTL": "offer_ttl",
            "ISSUER_SMTP_URL": "smtp_url",
            "ISSUER_MAIL_FROM": "mail_from",
            "ISSUER_URL": "issuer_url",
            "ISSUER_EMAIL": "issuer_email",
            "ISSUER_LOGO": "issuer_logo",
            "PORT": "port",
        }
        for variable, field in names.items():
            if environ.get(variable):
                values[field] = environ[variable]
        for variable, field in (
            ("ISSUER_API_TOKENS", "api_tokens"),
            ("ISSUER_FETCH_HOSTS", "fetch_hosts"),
        ):
            items = environ.get(variable, "")
            values[field] = tuple(t.strip() for t in items.split(",") if t.strip())
        return cls.model_validate(values)
