"""The read side: snapshots, tiers and changes of a country or an edition. Reads only, never writes.

Rows come back as frozen dataclasses (`dataclasses.asdict` for JSON). Narratives are loaded only by the
functions that need their text. Diffs are computed by snapshots.compare, never here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from snapshots.compare import NarrativeDiff, TierDiff, diff_narratives, diff_tier, tier_direction
from snapshots.countries import resolve_country as resolve_country_key
from snapshots.models import Narrative


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    page_id: int
    edition: int
    country_key: str
    country: str
    tier: str
    fetched_at: str
    url: str
    content_hash: str
    parser_version: str


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    key: str
    comparison: str
    kind: str
    significance: str
    country_key: str | None
    country: str | None
    edition: int | None
    old_snapshot_id: int | None
    new_snapshot_id: int | None
    summary: str
    detail: dict[str, Any]
    created_at: str

    def to_json(self) -> dict[str, Any]:
        """The Change.to_json() shape plus where it was recorded."""
        return {
            "id": self.id,
            "kind": self.kind,
            "significance": self.significance,
            "summary": self.summary,
            "comparison": self.comparison,
            "country_key": self.country_key,
            "edition": self.edition,
            "old_snapshot_id": self.old_snapshot_id,
            "new_snapshot_id": self.new_snapshot_id,
            "created_at": self.created_at,
            **self.detail,
        }


@dataclass(frozen=True)
class TierPoint:
    """A country's tier in one edition, against the previous edition that covered it."""

    edition: int
    snapshot_id: int
    tier: str
    previous: str | None  # None: first edition stored for this country
    direction: str  # same | upgrade | downgrade | status (first coverage counts as status)
    watch_list_streak: int
    waiver: bool
    faces_automatic_downgrade: bool
    doubtful: str | None


@dataclass(frozen=True)
class TierMove:
    """One row of an edition's table: a country whose tier (or coverage) differs from the previous edition."""

    country_key: str
    country: str
    old_tier: str | None  # None: newly covered
    new_tier: str | None  # None: no longer covered
    direction: str


_SNAPSHOT_COLUMNS = "id, page_id, edition, country_key, country, tier, fetched_at, url, content_hash, parser_version"


def _snapshot_info(row: tuple[Any, ...]) -> SnapshotInfo:
    return SnapshotInfo(*row)


# --- countries and references ---


def country_names(db: Database) -> dict[str, str]:
    """Every country key stored, with its name as printed in its latest snapshot."""
    rows = db.execute(
        "select country_key, country from snapshots where id in (select max(id) from snapshots group by country_key)"
    ).fetchall()
    return dict(sorted(rows))


def resolve_country(db: Database, query: str) -> str:
    """What a person typed (slug or name, any case) -> a stored country key.

    Raises snapshots.countries.UnknownCountry, whose message carries a "did you mean".
    """
    return resolve_country_key(query, country_names(db))


def snapshots_of(db: Database, country_key: str) -> list[SnapshotInfo]:
    """Every snapshot of a country, oldest edition first, in the order they were stored."""
    rows = db.execute(
        f"select {_SNAPSHOT_COLUMNS} from snapshots where country_key = ? order by edition, id", [country_key]
    ).fetchall()
    return [_snapshot_info(r) for r in rows]


def snapshot(db: Database, snapshot_id: int) -> SnapshotInfo | None:
    row = db.execute(f"select {_SNAPSHOT_COLUMNS} from snapshots where id = ?", [snapshot_id]).fetchone()
    return _snapshot_info(row) if row else None


def narrative(db: Database, snapshot_id: int) -> Narrative:
    row = db.execute("select narrative from snapshots where id = ?", [snapshot_id]).fetchone()
    if row is None:
        raise LookupError(f"no snapshot {snapshot_id}")
    return Narrative.from_json(row[0])


def latest_per_edition(db: Database, country_key: str, *, before: int | None = None) -> list[tuple[int, int]]:
    """(edition, snapshot id) of the latest snapshot of each edition covering a country, oldest first;
    `before` keeps only editions earlier than it."""
    rows = db.execute(
        """select edition, max(id) from snapshots where country_key = ? and (? is null or edition < ?)
           group by edition order by edition""",
        [country_key, before, before],
    ).fetchall()
    return [(edition, snapshot_id) for edition, snapshot_id in rows]


def tier_history(db: Database, country_key: str, *, before: int | None = None) -> dict[int, str]:
    """edition -> tier (of the latest snapshot of that edition) for a country."""
    ids = [snapshot_id for _, snapshot_id in latest_per_edition(db, country_key, before=before)]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(db.execute(f"select edition, tier from snapshots where id in ({marks})", ids).fetchall())


class RefError(LookupError):
    """A --from/--to reference names no snapshot of the country."""


def resolve_ref(db: Database, country_key: str, ref: str) -> int:
    """An edition year ("2023": its latest snapshot) or a snapshot id ("412", "#412") of a country -> snapshot id.

    A number that is an edition covering the country is read as the edition; "#N" is always a snapshot id.
    """
    text = ref.strip()
    if not text.lstrip("#").isdigit():
        raise RefError(f"{ref!r} is neither an edition year nor a snapshot id")
    number = int(text.lstrip("#"))
    if not text.startswith("#"):
        for edition, snapshot_id in latest_per_edition(db, country_key):
            if edition == number:
                return snapshot_id
    row = db.execute("select country_key from snapshots where id = ?", [number]).fetchone()
    if row is None or row[0] != country_key:
        editions = ", ".join(str(e) for e, _ in latest_per_edition(db, country_key)) or "none"
        raise RefError(f"{ref!r} is no edition or snapshot of {country_key} (editions stored: {editions})")
    return number


def default_pair(db: Database, country_key: str) -> tuple[int, int]:
    """What `diff` shows by default: the latest edition against the one before it; with a single edition
    stored, its latest snapshot against the one before."""
    editions = latest_per_edition(db, country_key)
    if len(editions) >= 2:
        return editions[-2][1], editions[-1][1]
    snaps = snapshots_of(db, country_key)
    if len(snaps) >= 2:
        return snaps[-2].id, snaps[-1].id
    raise RefError(f"{country_key} has only one snapshot stored: nothing to compare yet")


def previous_of(db: Database, snapshot_id: int) -> int | None:
    """The snapshot a given one is naturally compared with: the previous one of its edition, else the
    latest of the previous edition that covered the country."""
    info = snapshot(db, snapshot_id)
    if info is None:
        return None
    row = db.execute(
        "select max(id) from snapshots where country_key = ? and edition = ? and id < ?",
        [info.country_key, info.edition, snapshot_id],
    ).fetchone()
    if row[0] is not None:
        return int(row[0])
    earlier = latest_per_edition(db, info.country_key, before=info.edition)
    return earlier[-1][1] if earlier else None


def diff_between(db: Database, old_id: int, new_id: int) -> NarrativeDiff:
    """The full structured diff of two snapshots, with the stored tier history for the Watch List streak."""
    old, new = narrative(db, old_id), narrative(db, new_id)
    new_info = snapshot(db, new_id)
    history = tier_history(db, new.country_key, before=new_info.edition if new_info else None)
    return diff_narratives(old, new, tier_history=history)


# --- tiers ---


def tier_timeline(db: Database, country_key: str) -> list[TierPoint]:
    """A country's tier in every edition stored, with direction, Watch List streak and flags."""
    points: list[TierPoint] = []
    previous: Narrative | None = None
    history: dict[int, str] = {}
    for edition, snapshot_id in latest_per_edition(db, country_key):
        current = narrative(db, snapshot_id)
        current = current if current.edition is not None else _with_edition(current, edition)
        base = previous or current
        tier: TierDiff = diff_tier(base, current, comparison="edition", tier_history=history)
        points.append(
            TierPoint(
                edition=edition,
                snapshot_id=snapshot_id,
                tier=current.tier,
                previous=previous.tier if previous else None,
                direction=tier.direction if previous else "status",
                watch_list_streak=tier.watch_list_streak,
                waiver=tier.waiver,
                faces_automatic_downgrade=tier.faces_automatic_downgrade,
                doubtful=tier.doubtful,
            )
        )
        history[edition] = current.tier
        previous = current
    return points


def _with_edition(n: Narrative, edition: int) -> Narrative:
    return Narrative(**{**n.__dict__, "edition": edition})


def editions(db: Database) -> list[int]:
    return [row[0] for row in db.execute("select distinct edition from snapshots order by edition").fetchall()]


def _roster(db: Database, edition: int) -> dict[str, tuple[str, str]]:
    rows = db.execute(
        """select country_key, country, tier from snapshots
           where id in (select max(id) from snapshots where edition = ? group by country_key)""",
        [edition],
    ).fetchall()
    return {key: (country, tier) for key, country, tier in rows}


def edition_moves(db: Database, edition: int) -> tuple[int | None, list[TierMove]]:
    """(previous stored edition, every tier move of `edition` against it, coverage in and out included)."""
    row = db.execute("select max(edition) from snapshots where edition < ?", [edition]).fetchone()
    previous_edition = row[0]
    current = _roster(db, edition)
    previous = _roster(db, previous_edition) if previous_edition is not None else {}
    moves = []
    for key in sorted(set(current) | set(previous) if previous else set()):
        old, new = previous.get(key), current.get(key)
        old_tier, new_tier = old[1] if old else None, new[1] if new else None
        if old_tier != new_tier:
            name = (new or old or ("", ""))[0]
            moves.append(TierMove(key, name, old_tier, new_tier, tier_direction(old_tier, new_tier)))
    return previous_edition, moves


def edition_tiers(db: Database, edition: int) -> list[tuple[str, str, str]]:
    """(country key, name, tier) of every country in an edition."""
    return sorted((key, name, tier) for key, (name, tier) in _roster(db, edition).items())


# --- changes ---

CHANGE_COLUMNS = (
    "id, key, comparison, kind, significance, country_key, country, edition, old_snapshot_id, new_snapshot_id, "
    "summary, detail, created_at"
)


def change_record(row: tuple[Any, ...] | dict[str, Any]) -> ChangeRecord:
    """A `changes` row (selected as CHANGE_COLUMNS, as a tuple or a dict) with its detail decoded."""
    values = list(row.values() if isinstance(row, dict) else row)
    values[11] = json.loads(values[11] or "{}")
    return ChangeRecord(*values)


def changes(
    db: Database,
    *,
    since: str | None = None,
    kind: str | None = None,
    country_key: str | None = None,
    edition: int | None = None,
    snapshot_id: int | None = None,
    limit: int | None = None,
) -> list[ChangeRecord]:
    """The change log, oldest first. `since` is an ISO date or time (compared with when it was recorded);
    `snapshot_id` keeps the changes recorded for that new snapshot."""
    where, params = [], []
    for clause, value in (
        ("created_at >= ?", since),
        ("kind = ?", kind),
        ("country_key = ?", country_key),
        ("edition = ?", edition),
        ("new_snapshot_id = ?", snapshot_id),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = f"select {CHANGE_COLUMNS} from changes"
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by id"
    if limit is not None:
        sql = f"select * from ({sql.replace(' order by id', ' order by id desc')} limit {int(limit)}) order by id"
    return [change_record(r) for r in db.execute(sql, params).fetchall()]
