"""The `figures` table: the headline figures of each snapshot, one row each, rewritten with its parse.

Rows are derived data (snapshots.core.figures reads them from the stored narrative), kept so that a
country's or an edition's figures are one indexed query instead of a parse of every narrative. Only the
headline figure of each (measure, scope) is kept: it is all that comparisons, the dataset and the web
read, and `headline_figures` of the kept rows gives them back unchanged. Every figure a page states
(115 on a long page, each with its sentence) took 22 KB a snapshot; the headline ones take about 1 KB, less
as figures stated in one sentence store it once.
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
)


def kept_figures(figures: Sequence[Figure]) -> tuple[tuple[int, Figure], ...]:
    """The figures a snapshot keeps, each with its position among all of the narrative's figures."""
    # On first use: every command opens the database (and imports this module), few write figures.
    from snapshots.core.figures import headline_figures

    headline = {id(f) for f in headline_figures(figures).values()}
    return tuple((position, f) for position, f in enumerate(figures) if id(f) in headline)


def write_figures(db: Database, snapshot_id: int, figures: Sequence[tuple[int, Figure]]) -> None:
    """Replace a snapshot's figure rows with `kept_figures` (joins the caller's transaction)."""
    db.execute("delete from figures where snapshot_id = ?", [snapshot_id])
    # A figure stated in the same sentence as the figure before it (investigations, prosecutions and
    # convictions often share one) is stored without it; snapshots.read.figures fills it back in.
    sentences = [f.sentence for _, f in figures]
    rows = [
        (snapshot_id, position, f.measure, f.scope, f.value, f.qualifier, f.previous, int(f.reported), f.unit,
         f.section, None if i and sentences[i - 1] == f.sentence else f.sentence)
        for i, (position, f) in enumerate(figures)
    ]  # fmt: skip
    if rows:
        marks = ", ".join("?" * len(COLUMNS))
        db.conn.executemany(f"insert into figures ({', '.join(COLUMNS)}) values ({marks})", rows)
