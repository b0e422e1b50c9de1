"""The `figures` table: the report's own figures of each snapshot, one row each, rewritten with its parse.

Rows are derived data (snapshots.core.figures reads them from the stored narrative), kept so that a
country's or an edition's figures are one indexed query instead of a parse of every narrative.
`headline` marks the one figure per (measure, scope) that comparisons and the panel use.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from snapshots.core.models import Figure

COLUMNS = (
    "snapshot_id",
    "position",
    "measure",
    "scope",
    "value",
    "qualifier",
    "previous",
    "reported",
    "unit",
    "section",
    "sentence",
    "headline",
)


def write_figures(db: Database, snapshot_id: int, figures: Sequence[Figure]) -> None:
    """Replace a snapshot's figure rows (joins the caller's transaction)."""
    # On first use: every command opens the database (and imports this module), few write figures.
    from snapshots.core.figures import headline_figures

    db.execute("delete from figures where snapshot_id = ?", [snapshot_id])
    headline = {id(f) for f in headline_figures(figures).values()}
    rows = [
        (snapshot_id, position, f.measure, f.scope, f.value, f.qualifier, f.previous, int(f.reported), f.unit,
         f.section, f.sentence, int(id(f) in headline))
        for position, f in enumerate(figures)
    ]  # fmt: skip
    if rows:
        marks = ", ".join("?" * len(COLUMNS))
        db.conn.executemany(f"insert into figures ({', '.join(COLUMNS)}) values ({marks})", rows)
