"""Recording changes in a real SQLite file: once per snapshot, idempotent, linked to both snapshots."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from snapshots.core.models import Narrative
from snapshots.core.normalize import content_hash
from snapshots.store.changelog import record_changes_for, record_edition_summary
from snapshots.store.db import open_db

SUMMARY = (
    "The Government of {name} does not fully meet the minimum standards for the elimination of trafficking but is "
    "making significant efforts to do so. The government demonstrated increasing efforts; therefore {name} {moved}. "
    "These efforts included convicting {n} traffickers."
)


RECS = ("Increase victim care.", "Enact a comprehensive law.")


def narrative(
    key: str, edition: int, tier: str = "Tier 2", moved: str = "remained on Tier 2", n: int = 5, recs=RECS
) -> Narrative:
    name = key.title()
    return Narrative(
        country=name.upper(),
        country_key=key,
        edition=edition,
        tier=tier,
        summary=SUMMARY.format(name=name, moved=moved, n=n),
        recommendations=recs,
        sections={"prosecution": f"The government maintained efforts and convicted {n} traffickers."},
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_db(tmp_path / "t.db")
    yield database
    database.conn.close()


def add(db: Database, n: Narrative, slug: str | None = None) -> int:
    """Store a snapshot the way the pipeline does (page row + snapshot row), in one transaction."""
    with db.conn:
        slug = slug or n.country_key
        db.execute("insert or ignore into pages (edition, slug, url) values (?, ?, ?)", [n.edition, slug, slug])
        page_id = db.execute("select id from pages where edition = ? and slug = ?", [n.edition, slug]).fetchone()[0]
        row = {"page_id": page_id, "edition": n.edition, "country_key": n.country_key, "country": n.country}
        row |= {"tier": n.tier, "fetched_at": "2025-01-01T00:00:00+00:00", "content_hash": content_hash(n)}
        return int(db["snapshots"].insert({**row, "narrative": json.dumps(n.to_json())}).last_pk)


def record(db: Database, snapshot_id: int) -> list[int]:
    with db.conn:
        return record_changes_for(db, snapshot_id)


def kinds(db: Database, ids: list[int]) -> list[tuple[str, str]]:
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"select kind, comparison from changes where id in ({marks}) order by id", ids).fetchall()
    return [tuple(r) for r in rows]


def test_the_first_edition_stored_is_a_baseline(db: Database) -> None:
    assert record(db, add(db, narrative("japan", 2023))) == []
    assert db.execute("select count(*) from changes").fetchone()[0] == 0


def test_revision_then_edition_comparison_linked_to_both_snapshots(db: Database) -> None:
    first = add(db, narrative("japan", 2023))
    record(db, first)
    revised = add(db, narrative("japan", 2023, n=7))
    ids = record(db, revised)
    assert kinds(db, ids) == [("findings", "revision"), ("section", "revision")]
    old_new = db.execute("select old_snapshot_id, new_snapshot_id from changes where id = ?", [ids[0]]).fetchone()
    assert tuple(old_new) == (first, revised)

    moved = narrative("japan", 2024, "Tier 2 Watch List", "was downgraded to Tier 2 Watch List", n=7)
    new_edition = add(db, moved)
    ids = record(db, new_edition)
    assert kinds(db, ids)[0] == ("tier", "edition")
    detail = json.loads(db.execute("select detail from changes where id = ?", [ids[0]]).fetchone()[0])
    assert (detail["from"], detail["to"], detail["direction"], detail["watch_list_streak"]) == (
        "Tier 2",
        "Tier 2 Watch List",
        "downgrade",
        1,
    )
    old_id = db.execute("select old_snapshot_id from changes where id = ?", [ids[0]]).fetchone()[0]
    assert old_id == revised  # the latest snapshot of the previous edition


def test_recording_twice_inserts_nothing_the_second_time(db: Database) -> None:
    record(db, add(db, narrative("japan", 2023)))
    snapshot_id = add(db, narrative("japan", 2024, "Tier 1", "was upgraded to Tier 1", recs=("Increase victim care.",)))
    first = record(db, snapshot_id)
    assert len(first) >= 2
    assert record(db, snapshot_id) == []
    assert db.execute("select count(*) from changes").fetchone()[0] == len(first)


def test_first_coverage_and_carried_recommendations(db: Database) -> None:
    for year in (2021, 2022, 2023):
        record(db, add(db, narrative("japan", year)))
    ids = record(db, add(db, narrative("kosovo", 2023)))
    assert kinds(db, ids) == [("coverage", "edition")]
    recs = ("Increase victim care.", "Enact a comprehensive law.", "Screen migrant workers.")
    ids = record(db, add(db, narrative("japan", 2024, recs=recs)))
    details = [json.loads(r[0]) for r in db.execute("select detail from changes where kind = 'recommendation'")]
    assert [(d["label"], d["editions_carried"]) for d in details] == [("new", 1)]
    assert ids


def test_edition_summary_counts_moves_and_missing_countries_once(db: Database) -> None:
    for key in ("japan", "haiti", "kosovo", "libya"):
        record(db, add(db, narrative(key, 2023)))
    record(db, add(db, narrative("japan", 2024, "Tier 1", "was upgraded to Tier 1")))
    record(db, add(db, narrative("haiti", 2024)))
    with db.conn:  # libya's 2024 page exists but keeps failing: not "no longer covered"
        db.execute(
            "insert into pages (edition, slug, url, country_key, consecutive_failures) values (2024, 'libya', 'x', "
            "'libya', 3)"
        )
        change_id = record_edition_summary(db, 2024)
    assert change_id is not None
    detail = json.loads(db.execute("select detail from changes where id = ?", [change_id]).fetchone()[0])
    assert (detail["countries"], detail["tier_moves"], detail["upgrades"]) == (2, 1, 1)
    removed = db.execute("select country_key from changes where kind = 'coverage'").fetchall()
    assert [r[0] for r in removed] == ["kosovo"]
    with db.conn:
        assert record_edition_summary(db, 2024) is None
    assert db.execute("select count(*) from changes where kind in ('edition', 'coverage')").fetchone()[0] == 2


# The sample site's editions, swept by the real pipeline, give the tier moves of the real histories
# of the real reports: South Korea down 2022 and up 2024, Vietnam down then up twice, Haiti to Special
# Case, Brazil and Colombia down in 2025.
REAL_MOVES = {
    ("south-korea", 2022, "Tier 1", "Tier 2", "downgrade"),
    ("south-korea", 2024, "Tier 2", "Tier 1", "upgrade"),
    ("vietnam", 2022, "Tier 2 Watch List", "Tier 3", "downgrade"),
    ("vietnam", 2023, "Tier 3", "Tier 2 Watch List", "upgrade"),
    ("vietnam", 2024, "Tier 2 Watch List", "Tier 2", "upgrade"),
    ("haiti", 2024, "Tier 2 Watch List", "Special Case", "status"),
    ("brazil", 2025, "Tier 2", "Tier 2 Watch List", "downgrade"),
    ("colombia", 2025, "Tier 1", "Tier 2", "downgrade"),
}


def test_sample_editions_produce_the_real_tier_moves(sample_db: Path) -> None:
    db = open_db(sample_db, readonly=True)
    rows = db.execute("select country_key, edition, detail from changes where kind = 'tier'").fetchall()
    moves = {
        (key, ed, d["from"], d["to"], d["direction"]) for key, ed, d in ((k, e, json.loads(x)) for k, e, x in rows)
    }
    assert {m for m in moves if m[0] in {r[0] for r in REAL_MOVES}} >= REAL_MOVES
    doubtful = db.execute("select count(*) from changes where kind = 'doubtful'").fetchone()[0]
    assert doubtful == 0
    haiti_2023 = db.execute(
        "select count(*) from changes where country_key = 'haiti' and edition = 2023 and kind = 'tier'"
    ).fetchone()[0]
    assert haiti_2023 == 0  # third Watch List year under a waiver is not a move


def test_the_diff_of_a_compared_pair_shows_the_recommendations_as_stored(db: Database) -> None:
    """The diff page reads a pair the job compared from its stored changes, recommendations included: a
    long list is never matched again per request, and the page says what the alerts said."""
    from snapshots import read
    from snapshots.core.models import RecommendationDetail, detail_from_json

    old_recs = ("Increase victim care.", "Enact a comprehensive law.", "Train labor inspectors on forced labor.")
    new_recs = ("Increase victim care.", "Train all labor inspectors to detect forced labor.", "Fund shelters.")
    add(db, narrative("norway", 2023, recs=old_recs))
    old_id = add(db, narrative("norway", 2024, recs=old_recs))
    new_id = add(db, narrative("norway", 2024, recs=new_recs))
    assert record(db, new_id)
    rows = db.execute(
        "select id, detail from changes where kind = 'recommendation' and new_snapshot_id = ?", [new_id]
    ).fetchall()
    details = {i: detail_from_json("recommendation", json.loads(d)) for i, d in rows}
    assert sorted(d.label for d in details.values() if isinstance(d, RecommendationDetail)) == [
        "dropped", "new", "reworded",
    ]  # fmt: skip
    reworded = next(i for i, d in details.items() if isinstance(d, RecommendationDetail) and d.label == "reworded")
    stored = json.loads(dict(rows)[reworded])
    with db.conn:  # what the sweep stored is what the page shows, even a score no matcher would give today
        db.execute("update changes set detail = ? where id = ?", [json.dumps({**stored, "score": 12.5}), reworded])

    pair = read.diff_pair(db, old_id, new_id)
    assert pair is not None
    shown = [(r.label, r.new, r.score) for r in pair.diff.recommendations]
    assert shown == [
        ("kept", "Increase victim care.", 100.0),
        ("reworded", "Train all labor inspectors to detect forced labor.", 12.5),
        ("new", "Fund shelters.", None),
        ("dropped", None, None),
    ]


def test_changes_computed_ahead_are_used_only_while_their_basis_holds(db: Database) -> None:
    """The sweep compares a page in a worker before storing it; if another snapshot of the same country
    and edition (a mirror) is stored in between, the basis moved and the page is compared again here."""
    from snapshots.core.models import Change, DoubtfulDetail
    from snapshots.store.changelog import Ahead, comparison_basis

    add(db, narrative("japan", 2023))
    new = narrative("japan", 2024, tier="Tier 2 Watch List", moved="was downgraded to Tier 2 Watch List")
    page_id = 1 + db.execute("select max(id) from pages").fetchone()[0]
    marker = Change("low", "computed ahead", "ahead", DoubtfulDetail("country", "computed ahead"))

    basis = comparison_basis(db, page_id=page_id, edition=2024, country_key="japan")
    assert (basis.comparison, basis.old_id) == ("edition", 1)
    first = add(db, new)
    ids = record_changes_for(db, first, Ahead(basis, [marker]))
    summaries = [r[0] for r in db.execute("select summary from changes where new_snapshot_id = ?", [first])]
    assert len(ids) == 1 and summaries == ["computed ahead"], "the basis held: what the worker computed is recorded"

    stale = comparison_basis(db, page_id=page_id + 1, edition=2024, country_key="japan")  # before the mirror
    mirror = add(db, new, slug="japan-mirror")
    assert record_changes_for(db, mirror, Ahead(stale, [marker])) == []  # a mirror: nothing to record

    stale = comparison_basis(db, page_id=page_id, edition=2024, country_key="japan")
    assert (stale.comparison, stale.old_id) == ("revision", first)
    second = add(
        db, narrative("japan", 2024, tier="Tier 2 Watch List", moved="was downgraded to Tier 2 Watch List", n=7)
    )
    record_changes_for(db, second)  # stored between the look-ahead and the settling of the next one
    third = add(db, narrative("japan", 2024, tier="Tier 3", moved="was downgraded to Tier 3", n=7))
    record_changes_for(db, third, Ahead(stale, [marker]))
    rows = db.execute(
        "select kind, summary, old_snapshot_id from changes where new_snapshot_id = ?", [third]
    ).fetchall()
    assert rows and "computed ahead" not in {s for _, s, _ in rows}, "a stale basis is compared again in-line"
    assert {old for *_, old in rows} == {second}, "compared with the snapshot stored in between"
