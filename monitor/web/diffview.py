"""Lay out word-diff ops (from snapshots.core.compare) for reading: paragraph rows, inline or side by side.

No diffing happens here: the ops are split at paragraph breaks so that the two sides of a side-by-side view
stay aligned, and unchanged paragraphs can be folded away for the changes-only view. Each laid-out op is
(op, text, drift): drift marks edition boilerplate, which the page dims as the terminal does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

Op = tuple[int, str, bool]
PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class Row:
    ops: list[Op]

    @property
    def changed(self) -> bool:
        return any(op != 0 for op, _, _ in self.ops)

    @property
    def left(self) -> list[Op]:
        return [item for item in self.ops if item[0] <= 0]

    @property
    def right(self) -> list[Op]:
        return [item for item in self.ops if item[0] >= 0]


@dataclass(frozen=True)
class Gap:
    """Unchanged paragraphs folded away in the changes-only view."""

    paragraphs: int


def paragraph_rows(ops: Iterable[Sequence], boilerplate: Collection[int] = ()) -> list[Row]:
    rows: list[Row] = []
    current: list[Op] = []
    for index, (op, text) in enumerate(ops):
        drift = index in boilerplate
        for i, part in enumerate(str(text).split(PARAGRAPH_BREAK)):
            if i > 0 and current:
                rows.append(Row(current))
                current = []
            if part.strip():
                current.append((int(op), part, drift))
    if current:
        rows.append(Row(current))
    return rows


def layout(ops: Iterable[Sequence], *, changes_only: bool, boilerplate: Collection[int] = ()) -> list[Row | Gap]:
    rows = paragraph_rows(ops, set(boilerplate))
    if not changes_only:
        return list(rows)
    out: list[Row | Gap] = []
    for row in rows:
        if row.changed:
            out.append(row)
        elif out and isinstance(out[-1], Gap):
            out[-1] = Gap(out[-1].paragraphs + 1)
        else:
            out.append(Gap(1))
    return out
