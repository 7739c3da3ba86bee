"""Builders for framework exports of any shape, for tests."""

import json
from pathlib import Path
from typing import Any

from issuer.paths import seed_files

SEED_FILES = seed_files()  # the packaged example seeds (paths, in the checkout)


def make_export(
    *,
    soc: str = "15-1252.00",
    title: str = "Software Developers",
    version: str = "v.1.0",
    levels: dict[str, tuple[str, list[str]]] | None = None,
    sources: dict[str, str] | None = None,
    attribution: str | None = "© Example Publisher",
) -> dict[str, Any]:
    """Return an export dict; `levels` maps a level key to (label, statements)."""
    if levels is None:
        levels = {
            "novice": ("Novice", [f"Topic {i} — do thing {i} with help." for i in range(1, 4)]),
            "expert": ("Expert", [f"Topic {i} — do thing {i} alone." for i in range(1, 4)]),
        }
    return {
        "schemaVersion": "1.0",
        "exportedAt": "2026-05-15T12:40:05.831Z",
        "occupation": {
            "soc": soc,
            "title": title,
            "group": "Computer and Mathematical",
            "sector": "54",
            "jobZone": 4,
            "jobZoneInferred": True,
        },
        "framework": {
            "version": version,
            "description": "",
            "contextCovered": f"Covers {title.lower()} work.",
            "levels": {
                key: {"label": label, "statements": statements}
                for key, (label, statements) in levels.items()
            },
        },
        "sources": sources
        if sources is not None
        else {"onet": "v30.2 (CC BY 4.0)", "generator": "Test"},
        "attribution": attribution,
    }


def seven_level_export() -> dict[str, Any]:
    """An export with seven levels, named unlike the seeds, of 3 and 7 statements."""
    names = ["Awareness", "Novice", "Beginner", "Competent", "Proficient", "Expert", "Master"]
    levels = {
        f"l{i}": (
            name,
            [f"Skill {i}.{j} — apply skill {j} at {name}." for j in range(1, 4 if i % 2 else 8)],
        )
        for i, name in enumerate(names, start=1)
    }
    return make_export(levels=levels)


def non_ascii_export() -> dict[str, Any]:
    """An export with non-ASCII level keys, labels and statements (kept as is)."""
    return make_export(
        soc="35-2014.00",
        title="Cuisiniers de restaurant — Köche",
        version="v2026.1",
        levels={
            "débutant": (
                "Débutant",
                [
                    "Sécurité alimentaire — appliquer les règles HACCP sous supervision.",
                    "Mise en place — préparer les ingrédients 🍅 selon la fiche technique.",
                    "Hygiène — nettoyer le poste de travail ✓.",
                ],
            ),
            "初級": (
                "初級",
                [
                    "包丁の技術 — 基本的な切り方を正確に行う。",
                    "盛り付け — 料理を美しく盛り付ける。",
                    "衛生管理 — 清潔な作業環境を保つ。",
                ],
            ),
            "experte": (
                "Experte / Expertin",
                [
                    "Menügestaltung — saisonale Menüs selbständig planen.",
                    "Führung — ein Küchenteam von fünf Personen anleiten.",
                    "Qualitätskontrolle — Abläufe überwachen und verbessern.",
                ],
            ),
        },
        attribution="© Küchen-Verband e.V.",
    )


def write_export(directory: Path, name: str, export: dict[str, Any] | str) -> Path:
    """Write `export` (a dict, or raw text) to `directory/name` and return the path."""
    path = directory / name
    text = export if isinstance(export, str) else json.dumps(export, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path
