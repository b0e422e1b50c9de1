"""The labelled figure sentences (tests/fixtures/figures/*.yaml) as expected Figure records.

Shared by tests/test_figures.py and bench/bench_figures.py so both read the labels the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from snapshots.core.figures import Figure

CORPUS_DIR = Path(__file__).parent / "fixtures" / "figures"
TUNING = CORPUS_DIR / "labelled.yaml"
# Each held-out batch was written before the extractor version it first scored; its header says that score.
HELD_OUT_SETS = tuple(CORPUS_DIR / f"heldout{suffix}.yaml" for suffix in ("", "-2", "-3", "-4", "-5", "-6"))


@dataclass(frozen=True)
class Labelled:
    section: str
    sentence: str
    expected: tuple[Figure, ...]


def load_corpus(path: Path) -> list[Labelled]:
    with open(path, encoding="utf-8") as handle:
        items = yaml.safe_load(handle)
    return [
        Labelled(
            item["section"],
            item["sentence"],
            tuple(
                Figure.from_json({"qualifier": None, **f, "section": item["section"], "sentence": item["sentence"]})
                for f in item["figures"]
            ),
        )
        for item in items
    ]
