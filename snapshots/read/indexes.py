"""The indexes people look for first: every country with its current tier and last changes. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from snapshots.core.countries import display_name
from snapshots.read.changes import ChangeRecord, changes_by_id


@dataclass(frozen=True)
class CountryIndexRow:
    country_key: str
    country: str  # display name
    edition: int  # the latest edition that covers it
    tier: str  # its tier there
    snapshot_id: int
    last_tier_change: ChangeRecord | None  # the newest recorded tier move
    last_change: ChangeRecord | None  # the newest recorded change of any kind


def _newest(db: Database, kind: str | None) -> dict[str, ChangeRecord]:
    ids = [
        row[0]
        for row in db.execute(
            "select max(id) from changes where country_key is not null and (? is null or kind = ?)"
            " group by country_key",
            [kind, kind],
        ).fetchall()
    ]
    return {str(c.country_key): c for c in changes_by_id(db, ids)}


def country_index(db: Database) -> list[CountryIndexRow]:
    """Every stored country, by name, with its tier in the latest edition that covers it."""
    rows = db.execute(
        """select s.country_key, s.country, s.edition, s.tier, s.id from snapshots s
           join (select country_key, max(edition) as edition from snapshots where edition is not null
                 group by country_key) newest
             on newest.country_key = s.country_key and newest.edition = s.edition
           where s.id = (select max(id) from snapshots where country_key = s.country_key and edition = s.edition)"""
    ).fetchall()
    tier_changes, any_changes = _newest(db, "tier"), _newest(db, None)
    out = [
        CountryIndexRow(
            key, display_name(name), edition, tier, snapshot_id, tier_changes.get(key), any_changes.get(key)
        )
        for key, name, edition, tier, snapshot_id in rows
    ]
    return sorted(out, key=lambda r: r.country.casefold())
