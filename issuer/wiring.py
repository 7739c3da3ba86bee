"""Composition root shared by the web app and the CLI: builds the services from `Settings`."""

from dataclasses import dataclass

from sqlalchemy import Engine

from issuer.services.frameworks import FrameworkCatalog
from issuer.settings import Settings
from issuer.store.database import make_engine, migrate
from issuer.store.frameworks import FrameworkStore


@dataclass
class Services:
    """Everything a request or command needs, built once per app or command."""

    settings: Settings
    engine: Engine
    frameworks: FrameworkCatalog


def build_services(settings: Settings) -> Services:
    """Connect to the database (migrating its schema to the latest) and build the services."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    return Services(
        settings=settings,
        engine=engine,
        frameworks=FrameworkCatalog(FrameworkStore(engine), settings.base_url),
    )
