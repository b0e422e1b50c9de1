"""The report's own figures as stored: a country's over the editions, or every country's in one edition.

Each row is the headline figure of one (measure, scope) in the latest snapshot of an edition, with the
sentence it was read from. Reads only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlite_utils import Database

from snapshots.core.countries import display_name
from snapshots.core.models import MEASURES, SCOPES, Figure


@dataclass(frozen=True)
class FigureRow:
    country_key: str
    country: str  # display name
    edition: int
    snapshot_id: int
    measure: str  # one of snapshots.core.figures.MEASURES
    scope: str  # all | sex | labor
    value: int | None  # None: the narrative says the government did not report it
    qualifier: str | None  # "at least", "approximately", ...; None when exact
    previous: int | None  # the prior period's figure, when the sentence states it
    reported: bool
    unit: str | None  # cases | persons
    section: str
    sentence: str  # verbatim

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


CSV_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(FigureRow))

_SELECT = """select s.country_key, s.country, s.edition, s.id, f.measure, f.scope, f.value, f.qualifier,
    f.previous, f.reported, f.unit, f.section, f.sentence
    from figures f join snapshots s on s.id = f.snapshot_id"""


def _with_sentences(rows: list[tuple[Any, ...]], snapshot: int, sentence: int) -> list[tuple[Any, ...]]:
    """Rows in (snapshot, position) order with each sentence filled in: a figure stated in the same sentence
    as the figure before it is stored without it (figure_rows)."""
    filled = []
    last: tuple[Any, Any] = (None, None)
    for row in rows:
        if row[sentence] is None and last[0] == row[snapshot]:
            row = (*row[:sentence], last[1], *row[sentence + 1 :])
        last = (row[snapshot], row[sentence])
        filled.append(row)
    return filled


def _rows(db: Database, where: str, params: list[Any]) -> list[FigureRow]:
    found = db.execute(f"{_SELECT} where {where} order by f.snapshot_id, f.position", params).fetchall()
    rows = [
        FigureRow(key, display_name(name), edition, sid, measure, scope, value, qualifier, previous,
                  bool(reported), unit, section, sentence)
        for key, name, edition, sid, measure, scope, value, qualifier, previous, reported, unit, section, sentence
        in _with_sentences(found, snapshot=3, sentence=12)
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (r.edition, r.country_key, MEASURES.index(r.measure), SCOPES.index(r.scope)))


def country_figures(db: Database, country_key: str) -> list[FigureRow]:
    """A country's figures, one row per edition, measure and scope, oldest edition first."""
    latest = "select max(id) from snapshots where country_key = ? and edition is not null group by edition"
    return _rows(db, f"s.id in ({latest})", [country_key])


def edition_figures(db: Database, edition: int) -> list[FigureRow]:
    """Every country's figures in one edition, by country, then measure and scope."""
    latest = "select max(id) from snapshots where edition = ? group by country_key"
    return _rows(db, f"s.id in ({latest})", [edition])


def snapshot_figures(db: Database, snapshot_id: int) -> tuple[Figure, ...]:
    """The figures stored for one snapshot, in narrative order: the headline figures of what extract_figures
    gave its narrative, which is all that `headline_figures` and `figure_changes` read."""
    rows = db.execute(
        "select snapshot_id, measure, value, qualifier, scope, previous, section, sentence, reported, unit"
        " from figures where snapshot_id = ? order by position",
        [snapshot_id],
    ).fetchall()
    return tuple(
        Figure(m, v, q, scope, p, section, sentence, bool(r), unit)
        for _, m, v, q, scope, p, section, sentence, r, unit in _with_sentences(rows, snapshot=0, sentence=7)
    )
