"""Editions and tiers: what each edition holds, its tier moves, and a country's tier timeline. Reads only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlite_utils import Database

from snapshots.core.countries import display_name
from snapshots.core.models import TIERS, Narrative, TierMove
from snapshots.core.tiers import RosterEntry, by_severity, diff_tier, tier_moves
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
