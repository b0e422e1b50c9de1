"""A tidy country x edition panel: one row per country and edition covered, one column per variable.

What `tipwatch export` writes (docs/export.md says what each column holds). Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from snapshots.core.models import MEASURES, SPECIAL_CASE
from snapshots.read.editions import tier_timeline
from snapshots.read.figures import FigureRow, country_figures
from snapshots.read.snapshots import country_names, latest_narratives

# The figure columns: each measure with its qualifier and whether it was reported, then its split parts.
FIGURE_COLUMNS: tuple[str, ...] = tuple(
    column for m in MEASURES for column in (m, f"{m}_qualifier", f"{m}_reported", f"{m}_sex", f"{m}_labor")
)
COLUMNS: tuple[str, ...] = (
    "country_key",
    "country",
    "edition",
    "tier",
    "watch_list_streak",
    "waiver",
    "special_case",
    "recommendations",
    "recommendations_new",
    "recommendations_dropped",
    *FIGURE_COLUMNS,
)


@dataclass(frozen=True)
class PanelRow:
    country_key: str
    country: str
    edition: int
    tier: str
    watch_list_streak: int
    waiver: bool
    special_case: bool
    recommendations: int
    recommendations_new: int | None  # None in the first edition stored for the country
    recommendations_dropped: int | None
    figures: dict[str, Any] = field(default_factory=dict)  # FIGURE_COLUMNS -> value (absent: not stated)

    def to_json(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in COLUMNS if name not in FIGURE_COLUMNS}
        return {**values, **{name: self.figures.get(name) for name in FIGURE_COLUMNS}}


def _figure_columns(rows: list[FigureRow]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in rows:
        if row.scope == "all":
            out[row.measure] = row.value
            out[f"{row.measure}_qualifier"] = row.qualifier
            out[f"{row.measure}_reported"] = row.reported
        else:
            out[f"{row.measure}_{row.scope}"] = row.value
    return out


def country_panel(db: Database, country_key: str, name: str) -> list[PanelRow]:
    """The panel rows of one country, oldest edition first."""
    # Imported here: the tracker's matching (with rapidfuzz) is 35 ms that every reader of the database,
    # a sweep included, would otherwise load at start-up.
    from snapshots.core.recommendations import recommendation_tracker

    narratives = latest_narratives(db, country_key)
    tracker = recommendation_tracker(narratives)
    figures = country_figures(db, country_key)
    recommendations = {edition: len(n.recommendations) for edition, n in narratives}
    rows = []
    for position, point in enumerate(tier_timeline(db, country_key)):
        labels = [t.cells[point.edition].label for t in tracker.threads if point.edition in t.cells]
        first = position == 0
        rows.append(
            PanelRow(
                country_key=country_key,
                country=name,
                edition=point.edition,
                tier=point.tier,
                watch_list_streak=point.watch_list_streak,
                waiver=point.waiver,
                special_case=point.tier == SPECIAL_CASE,
                recommendations=recommendations.get(point.edition, 0),
                recommendations_new=None if first else labels.count("new"),
                recommendations_dropped=None if first else labels.count("dropped"),
                figures=_figure_columns([f for f in figures if f.edition == point.edition]),
            )
        )
    return rows


def panel(db: Database) -> list[PanelRow]:
    """Every country and edition stored, by country, then edition."""
    return [row for key, name in country_names(db).items() for row in country_panel(db, key, name)]
