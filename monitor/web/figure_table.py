"""An edition's figures as a table, one row per country, sorted on the server (the page runs no scripts)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from monitor.csvout import write_csv
from snapshots.core.models import MEASURES
from snapshots.read import CSV_COLUMNS, FigureRow

SORT_KEYS: tuple[str, ...] = ("country", *MEASURES)


@dataclass(frozen=True)
class FigureTableRow:
    country_key: str
    country: str
    cells: dict[str, FigureRow]  # measure -> its figure (scope "all"); absent: not stated


@dataclass(frozen=True)
class FigureTable:
    measures: tuple[str, ...]
    rows: list[FigureTableRow]
    sort: str  # one of SORT_KEYS
    descending: bool


def figure_table(figures: list[FigureRow], sort: str, descending: bool) -> FigureTable:
    """Countries with their headline figures; sorted by `sort`, countries without that figure last."""
    by_country: dict[str, FigureTableRow] = {}
    for f in figures:
        if f.scope == "all":
            row = by_country.setdefault(f.country_key, FigureTableRow(f.country_key, f.country, {}))
            row.cells[f.measure] = f
    rows = sorted(by_country.values(), key=lambda r: r.country)
    if sort != "country":
        stated = [r for r in rows if sort in r.cells and r.cells[sort].value is not None]
        others = [r for r in rows if r not in stated]
        stated.sort(key=lambda r: r.cells[sort].value or 0, reverse=descending)
        rows = stated + others
    elif descending:
        rows.reverse()
    return FigureTable(MEASURES, rows, sort, descending)


def figures_csv(figures: list[FigureRow]) -> str:
    """The figures with their source sentences, as `tipwatch figures --csv` prints them."""
    out = io.StringIO()
    write_csv(out, CSV_COLUMNS, (f.to_json() for f in figures))
    return out.getvalue()
