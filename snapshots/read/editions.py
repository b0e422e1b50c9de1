"""Editions and tiers: what each edition holds, its tier moves, and a country's tier timeline. Reads only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlite_utils import Database

from snapshots.core.countries import display_name
from snapshots.core.describe import move_words
from snapshots.core.models import TIER_2_WATCH_LIST, TIERS, Narrative, TierMove
from snapshots.core.tiers import RosterEntry, by_severity, diff_tier, tier_direction, tier_moves, watch_list_streak
from snapshots.read.snapshots import SnapshotRow, latest_per_edition, narrative, snapshots_of


@dataclass(frozen=True)
class EditionCount:
    edition: int
    countries: int
    snapshots: int
    changes: int


def editions(db: Database) -> list[EditionCount]:
    """Every stored edition, newest first, with how much it holds."""
    change_counts = dict(db.execute("select edition, count(*) from changes group by edition").fetchall())
    rows = db.execute(
        "select edition, count(distinct country_key), count(*) from snapshots"
        " where edition is not null group by edition order by edition desc"
    ).fetchall()
    return [EditionCount(e, countries, snaps, change_counts.get(e, 0)) for e, countries, snaps in rows]


def roster(db: Database, edition: int) -> dict[str, RosterEntry]:
    """The latest snapshot of each country in one edition (a post-release edit replaces the first version)."""
    rows = db.execute(
        """select s.country_key, s.country, s.tier, s.id from snapshots s
           join (select max(id) as id from snapshots where edition = ? group by country_key) latest
           on latest.id = s.id""",
        [edition],
    ).fetchall()
    return {row[0]: RosterEntry(*row) for row in rows}


def previous_edition(db: Database, edition: int) -> int | None:
    return db.execute("select max(edition) from snapshots where edition < ?", [edition]).fetchone()[0]


def edition_moves(db: Database, edition: int) -> tuple[int | None, list[TierMove]]:
    """(previous stored edition, every tier move of `edition` against it, coverage in and out included)."""
    previous = previous_edition(db, edition)
    if previous is None:
        return None, []
    return previous, tier_moves(roster(db, previous), roster(db, edition), coverage=True)


@dataclass(frozen=True)
class EditionRow:
    """A country's line in an edition's full tier table."""

    country_key: str
    country: str  # display name
    tier: str
    previous_tier: str | None  # None: not covered by the previous stored edition
    direction: str  # same | upgrade | downgrade | status (newly covered)
    watch_list_streak: int  # consecutive editions on Tier 2 Watch List up to this one (0 if not on it)
    snapshot_id: int


_MOVE_ORDER = {"downgrade": 0, "upgrade": 1, "status": 2, "same": 3}


def _tier_order(tier: str | None) -> int:
    return TIERS.index(tier) if tier in TIERS else len(TIERS)


# How an edition's table can be ordered (each falls back to the country name).
TABLE_SORTS: dict[str, Callable[[EditionRow], tuple[Any, ...]]] = {
    "country": lambda r: (r.country.casefold(),),
    "tier": lambda r: (_tier_order(r.tier), r.country.casefold()),
    "previous": lambda r: (_tier_order(r.previous_tier), r.country.casefold()),
    "move": lambda r: (_MOVE_ORDER.get(r.direction, 4) if r.previous_tier else 2.5, r.country.casefold()),
    "streak": lambda r: (-r.watch_list_streak, r.country.casefold()),
}
TABLE_COLUMNS = ("country", "tier", "previous_tier", "move", "watch_list_streak")


def table_cells(row: EditionRow) -> list[str | int]:
    """A row of an edition's table as CSV and the terminal print it, in TABLE_COLUMNS order."""
    return [
        row.country,
        row.tier,
        row.previous_tier or "(not covered)",
        move_words(row.direction, row.previous_tier),
        row.watch_list_streak or "",
    ]


def edition_table(db: Database, edition: int, *, sort: str = "country") -> list[EditionRow] | None:
    """Every country of an edition with its tier, the previous edition's tier and its Watch List streak,
    ordered by `sort` (a key of TABLE_SORTS); None when the edition is not stored. The streak is counted as on
    the country's own timeline."""
    current = roster(db, edition)
    if not current:
        return None
    previous_year = previous_edition(db, edition)
    previous = roster(db, previous_year) if previous_year is not None else {}
    histories: dict[str, dict[int, str]] = {}
    for key, year, tier in db.execute(
        """select s.country_key, s.edition, s.tier from snapshots s join (select max(id) as id from snapshots
           where edition < ? group by country_key, edition) latest on latest.id = s.id where s.tier = ?""",
        [edition, TIER_2_WATCH_LIST],
    ).fetchall():
        histories.setdefault(key, {})[year] = tier
    rows = []
    for key, entry in current.items():
        before = previous.get(key)
        streak = 0
        if entry.tier == TIER_2_WATCH_LIST:
            found = narrative(db, entry.snapshot_id)
            if found is not None:
                streak = watch_list_streak(replace(found, edition=edition), histories.get(key))
        rows.append(
            EditionRow(
                key,
                display_name(entry.country),
                entry.tier,
                before.tier if before else None,
                tier_direction(before.tier, entry.tier) if before else "status",
                streak,
                entry.snapshot_id,
            )
        )
    return sorted(rows, key=TABLE_SORTS[sort])


@dataclass(frozen=True)
class TierCount:
    tier: str
    count: int
    previous: int | None
    delta: int | None


@dataclass(frozen=True)
class CountryRef:
    country_key: str
    country: str  # display name
    tier: str
    snapshot_id: int


@dataclass(frozen=True)
class EditionOverview:
    edition: int
    previous_edition: int | None
    tier_counts: list[TierCount]
    moves: list[TierMove]  # tier moves of countries in both editions, downgrades first
    change_ids: dict[str, int]  # country key -> its recorded tier change in this edition
    added: list[CountryRef]
    dropped: list[CountryRef]
    countries: int


def _counts(entries: dict[str, RosterEntry]) -> dict[str, int]:
    out = dict.fromkeys(TIERS, 0)
    for entry in entries.values():
        out[entry.tier] = out.get(entry.tier, 0) + 1  # an unknown tier still counts, in its own row
    return out


def _refs(entries: dict[str, RosterEntry], keys: set[str]) -> list[CountryRef]:
    return [
        CountryRef(key, display_name(e.country), e.tier, e.snapshot_id)
        for key, e in sorted(entries.items())
        if key in keys
    ]


def edition_overview(db: Database, edition: int) -> EditionOverview | None:
    current = roster(db, edition)
    if not current:
        return None
    previous_year = previous_edition(db, edition)
    previous = roster(db, previous_year) if previous_year is not None else {}
    change_ids = dict(
        db.execute(
            "select country_key, max(id) from changes where edition = ? and kind = 'tier' group by country_key",
            [edition],
        ).fetchall()
    )
    now, before = _counts(current), _counts(previous) if previous_year is not None else None
    tier_counts = [
        TierCount(tier, n, None, None)
        if before is None
        else TierCount(tier, n, before.get(tier, 0), n - before.get(tier, 0))
        for tier, n in now.items()
    ]
    added = _refs(current, set(current) - set(previous)) if previous_year is not None else []
    return EditionOverview(
        edition,
        previous_year,
        tier_counts,
        by_severity(tier_moves(previous, current)),
        change_ids,
        added,
        _refs(previous, set(previous) - set(current)),
        len(current),
    )


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


def tier_timeline(db: Database, country_key: str) -> list[TierPoint]:
    """A country's tier in every edition stored, with direction, Watch List streak and flags."""
    points: list[TierPoint] = []
    previous: Narrative | None = None
    history: dict[int, str] = {}
    for edition, snapshot_id in latest_per_edition(db, country_key):
        current = narrative(db, snapshot_id)
        if current is None:
            continue
        current = current if current.edition is not None else replace(current, edition=edition)
        tier = diff_tier(previous or current, current, comparison="edition", tier_history=history)
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


@dataclass(frozen=True)
class CountryOverview:
    country_key: str
    country: str  # display name
    snapshots: list[SnapshotRow]
    timeline: list[TierPoint]


def country_overview(db: Database, country_key: str) -> CountryOverview | None:
    rows = snapshots_of(db, country_key)
    if not rows:
        return None
    return CountryOverview(country_key, rows[-1].country, rows, tier_timeline(db, country_key))


def listing_problems(db: Database, edition: int, country_keys: Sequence[str]) -> dict[str, str]:
    """Why each of these countries (covered by an earlier edition) has no narrative in `edition`: the
    last error of its page when the edition lists one under the same slug, else "not listed"."""
    out: dict[str, str] = {}
    for key in country_keys:
        row = db.execute(
            """select p.last_error, p.kind from pages p
               where p.edition = ? and p.slug in (select slug from pages where country_key = ? and edition < ?)
               and not exists (select 1 from snapshots s where s.page_id = p.id)""",
            [edition, key, edition],
        ).fetchone()
        if row is None:
            out[key] = f"not listed in the {edition} report"
        else:
            out[key] = f"listed, but its page failed: {row[0]}" if row[0] else "listed, but its page has no narrative"
    return out
