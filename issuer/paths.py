"""Where the service's files live: package data inside the package, runtime files outside it.

Package data (read with `importlib.resources`, so a wheel runs anywhere):

- `CONTEXTS`: the bundled JSON-LD contexts (`INDEX.json`, `PROVENANCE.md`, `DIGESTS.json`);
- `SCHEMAS`: the 1EdTech JSON Schemas;
- `EXAMPLE_SEEDS`: the example framework exports `ler-issuer init` imports by default.

In the repository they are under `issuer/data/`; the top-level `contexts`, `schemas` and
`seeds` are symlinks to them.

Runtime files (`INSTANCE_DIR` for the SQLite database, `DEFAULT_KEYS_DIR` for keys) are
under the repository root when the package runs from a source checkout (`scripts/run`),
and under the current working directory when it is installed (`./instance`, `./keys`).
"""

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE_DATA: Traversable = files("issuer") / "data"
CONTEXTS: Traversable = PACKAGE_DATA / "contexts"
SCHEMAS: Traversable = PACKAGE_DATA / "schemas"
EXAMPLE_SEEDS: Traversable = PACKAGE_DATA / "seeds"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The repository root when running from a source checkout (else the install's site directory)."""
SOURCE_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
"""Whether the package runs from the repository (editable install) rather than an installed wheel."""

RUNTIME_ROOT = PROJECT_ROOT if SOURCE_CHECKOUT else Path.cwd()
INSTANCE_DIR = RUNTIME_ROOT / "instance"
DEFAULT_KEYS_DIR = RUNTIME_ROOT / "keys"

SEEDS_VARIABLE = "ISSUER_SEEDS_DIR"
"""`ler-issuer init --seeds DIR` may be given as this environment variable instead."""


def seeds_dir(chosen: Path | None, cwd: Path) -> Traversable:
    """Return the folder `ler-issuer init` imports: `chosen` (`--seeds`, `$ISSUER_SEEDS_DIR`)
    when given, else a `seeds/` folder in `cwd` if there is one (the repository's, in a
    checkout), else the packaged example seeds."""
    if chosen is not None:
        return chosen
    local = cwd / "seeds"
    if local.is_dir():
        return local
    return EXAMPLE_SEEDS


def seed_files(directory: Traversable = EXAMPLE_SEEDS) -> list[Traversable]:
    """Return the framework exports (`*.json` files) in `directory`, sorted by name."""
    found = [f for f in directory.iterdir() if f.name.endswith(".json") and f.is_file()]
    return sorted(found, key=lambda f: f.name)
