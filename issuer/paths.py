"""Where the project's bundled files live (contexts, schemas, seeds)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTEXTS_DIR = PROJECT_ROOT / "contexts"
SCHEMAS_DIR = PROJECT_ROOT / "schemas"
SEEDS_DIR = PROJECT_ROOT / "seeds"
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEFAULT_KEYS_DIR = PROJECT_ROOT / "keys"
