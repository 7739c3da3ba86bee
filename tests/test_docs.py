"""The worked example in docs/mapping.md is what the code produces."""

import json
import re
from pathlib import Path

from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import map_framework
from issuer.frameworks.structure import index_framework
from issuer.paths import EXAMPLE_SEEDS, PROJECT_ROOT


def test_mapping_doc_example_matches_the_code() -> None:
    text = (PROJECT_ROOT / "docs" / "mapping.md").read_text(encoding="utf-8")
    statement_block, level_block = re.findall(r"```json\n(.*?)\n```", text, flags=re.S)
    path = Path(EXAMPLE_SEEDS / "43-4171.00-receptionists-and-information-clerks.json")
    achievements = map_framework(index_framework(read_export(path)[0]), "http://127.0.0.1:5000")
    assert json.loads(statement_block) == achievements.statements["emerging-02"].to_ld()
    level = achievements.levels["emerging"].to_ld()
    level["alignment"] = level["alignment"][:3]
    assert json.loads(level_block) == level
