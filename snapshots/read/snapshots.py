"""Snapshot rows and narratives of a country: the one snapshot row type, references and pairs. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from snapshots.core.countries import display_name
from snapshots.core.countries import resolve_country as resolve_country_key
from snapshots.core.models import Narrative
from snapshots.errors import TipwatchError


@dataclass(frozen=True)
class SnapshotRow:
    """A snapshot's identity, fit for citation: what was fetched, when, and its hashes."""

    id: int
    page_id: int
    country_key: str
    country: str  # display name ("South Korea"), whatever the page printed
    edition: int | None
    tier: str
    fetched_at: str
    url: str
    content_hash: str
    raw_sha256: str
    parser_version: str


_COLUMNS = "id, page_id, country_key, country, edition, tier, fetched_at, url, content_hash, raw_sha256, parser_version"


def _row(values: tuple[Any, ...]) -> SnapshotRow:
    data = dict(zip(_COLUMNS.split(", "), values, strict=True))
    data = {k: ("" if v is None and k != "edition" else v) for k, v in data.items()}
    data["country"] = display_name(data["country"])
    return SnapshotRow(**data)


def country_names(db: Database) -> dict[str, str]:
    """Every country key stored, with its display name."""
    rows = db.execute(
        "select country_key, country from snapshots where id in (select max(id) from snapshots group by country_key)"
    ).fetchall()
    return {key: display_name(name) for key, name in sorted(rows)}


def resolve_country(db: Database, query: str) -> str:
    """What a person typed (slug or name, any case) -> a stored country key.

    Raises snapshots.core.countries.UnknownCountry, whose message carries a "did you mean".
    """
    return resolve_country_key(query, country_names(db))


def snapshots_of(db: Database, country_key: str) -> list[SnapshotRow]:
    """Every snapshot of a country in reading order (edition, then the order they were stored)."""
    sql = f"select {_COLUMNS} from snapshots where country_key = ? order by edition, id"
    return [_row(r) for r in db.execute(sql, [country_key]).fetchall()]


def snapshot(db: Database, snapshot_id: int) -> SnapshotRow | None:
    row = db.execute(f"select {_COLUMNS} from snapshots where id = ?", [snapshot_id]).fetchone()
    return _row(row) if row else None


def narrative(db: Database, snapshot_id: int) -> Narrative | None:
    row = db.execute("select narrative from snapshots where id = ?", [snapshot_id]).fetchone()
    return Narrative.from_json(row[0]) if row and row[0] else None


def latest_per_edition(db: Database, country_key: str, *, before: int | None = None) -> list[tuple[int, int]]:
    """(edition, snapshot id) of the latest snapshot of each edition covering a country, oldest first;
    `before` keeps only editions earlier than it."""
    rows = db.execute(
        """select edition, max(id) from snapshots where country_key = ? and edition is not null
           and (? is null or edition < ?) group by edition order by edition""",
        [country_key, before, before],
    ).fetchall()
    return [(edition, snapshot_id) for edition, snapshot_id in rows]


def latest_narratives(db: Database, country_key: str) -> list[tuple[int, Narrative]]:
    """The latest narrative of each edition of one country, oldest edition first."""
    pairs = [(edition, narrative(db, sid)) for edition, sid in latest_per_edition(db, country_key)]
    return [(edition, n) for edition, n in pairs if n is not None]


def tier_history(db: Database, country_key: str, *, before: int | None = None) -> dict[int, str]:
    """edition -> tier (of the latest snapshot of that edition) for a country."""
    ids = [snapshot_id for _, snapshot_id in latest_per_edition(db, country_key, before=before)]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(db.execute(f"select edition, tier from snapshots where id in ({marks})", ids).fetchall())


def edition_snapshot_id(db: Database, country_key: str, edition: int) -> int | None:
    """The latest snapshot of a country in an edition."""
    row = db.execute(
        "select max(id) from snapshots where country_key = ? and edition = ?", [country_key, edition]
    ).fetchone()
    return row[0] if row else None


class RefError(TipwatchError, LookupError):
    """A --from/--to reference names no snapshot of the country."""

    exit_code = 1


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
        "select max(id) from snapshots where country_key = ? and edition is ? and id < ?",
        [info.country_key, info.edition, snapshot_id],
    ).fetchone()
    if row[0] is not None:
        return int(row[0])
    earlier = latest_per_edition(db, info.country_key, before=info.edition)
    return earlier[-1][1] if earlier else None
