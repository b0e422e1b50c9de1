"""The change log: change records with their typed detail, filtered. Reads only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from snapshots.core.countries import display_name
from snapshots.core.models import SIGNIFICANCE_RANK, SIGNIFICANCES, Change, Detail, detail_from_json
from snapshots.read.snapshots import country_names

PAGE_SIZE = 50


@dataclass(frozen=True)
class ChangeRecord:
    """A stored change: the Change compare made, plus where and when it was recorded."""

    id: int
    key: str
    comparison: str
    kind: str
    significance: str
    country_key: str | None
    country: str | None  # display name
    edition: int | None
    old_snapshot_id: int | None
    new_snapshot_id: int | None
    summary: str
    detail: Detail
    created_at: str

    def change(self) -> Change:
        return Change(self.significance, self.summary, str(self.id), self.detail)

    def to_json(self) -> dict[str, Any]:
        """The Change.to_json() shape plus where it was recorded: the same at every door."""
        return {
            "id": self.id,
            "kind": self.kind,
            "significance": self.significance,
            "summary": self.summary,
            "comparison": self.comparison,
            "country_key": self.country_key,
            "country": self.country,
            "edition": self.edition,
            "old_snapshot_id": self.old_snapshot_id,
            "new_snapshot_id": self.new_snapshot_id,
            "created_at": self.created_at,
            **self.detail.to_json(),
        }


COLUMNS = (
    "id, key, comparison, kind, significance, country_key, country, edition, old_snapshot_id, new_snapshot_id, "
    "summary, detail, created_at"
)


def change_record(row: tuple[Any, ...] | dict[str, Any]) -> ChangeRecord:
    """A `changes` row (selected as COLUMNS, as a tuple or a dict) with its detail typed."""
    values = list(row.values() if isinstance(row, dict) else row)
    values[11] = detail_from_json(values[3], json.loads(values[11] or "{}"))
    values[6] = display_name(values[6]) if values[6] else values[6]
    return ChangeRecord(*values)


@dataclass(frozen=True)
class ChangeFilter:
    kind: str | None = None
    country_key: str | None = None
    significance: str | None = None  # at least this significance
    edition: int | None = None
    since: str | None = None  # an ISO date or time, compared with when it was recorded
    snapshot_id: int | None = None  # the changes recorded for this new snapshot
    before_id: int | None = None
    limit: int | None = PAGE_SIZE


def changes(
    db: Database, flt: ChangeFilter = ChangeFilter(limit=None), *, newest_first: bool = False
) -> list[ChangeRecord]:
    """The change log in record order (the latest `flt.limit` of it), or newest first."""
    where: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("created_at >= ?", flt.since),
        ("kind = ?", flt.kind),
        ("country_key = ?", flt.country_key),
        ("edition = ?", flt.edition),
        ("new_snapshot_id = ?", flt.snapshot_id),
        ("id < ?", flt.before_id),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    if flt.significance:
        levels = [s for s in SIGNIFICANCES if SIGNIFICANCE_RANK[s] >= SIGNIFICANCE_RANK[flt.significance]]
        where.append(f"significance in ({', '.join('?' for _ in levels)})")
        params.extend(levels)
    sql = f"select {COLUMNS} from changes" + (" where " + " and ".join(where) if where else "") + " order by id desc"
    if flt.limit is not None:
        sql += f" limit {int(flt.limit)}"
    records = [change_record(r) for r in db.execute(sql, params).fetchall()]
    return records if newest_first else records[::-1]


def change(db: Database, change_id: int) -> ChangeRecord | None:
    row = db.execute(f"select {COLUMNS} from changes where id = ?", [change_id]).fetchone()
    return change_record(row) if row else None


def changes_by_id(db: Database, ids: list[int]) -> list[ChangeRecord]:
    """These changes (those stored), in record order."""
    out: list[ChangeRecord] = []
    for start in range(0, len(ids), 500):  # well under SQLite's variable limit
        chunk = ids[start : start + 500]
        sql = f"select {COLUMNS} from changes where id in ({','.join('?' * len(chunk))}) order by id"
        out += [change_record(r) for r in db.execute(sql, chunk).fetchall()]
    return sorted(out, key=lambda r: r.id)


def changes_of_pair(db: Database, old_id: int, new_id: int) -> list[ChangeRecord]:
    """The changes recorded when `new_id` was compared with `old_id`, in record order."""
    sql = f"select {COLUMNS} from changes where new_snapshot_id = ? and old_snapshot_id = ? order by id"
    return [change_record(r) for r in db.execute(sql, [new_id, old_id]).fetchall()]


@dataclass(frozen=True)
class FilterOptions:
    kinds: list[str]
    countries: list[tuple[str, str]]  # (key, display name)
    significances: list[str] = field(default_factory=lambda: list(SIGNIFICANCES))


def filter_options(db: Database) -> FilterOptions:
    kinds = [row[0] for row in db.execute("select distinct kind from changes order by kind").fetchall()]
    return FilterOptions(kinds=kinds, countries=list(country_names(db).items()))
